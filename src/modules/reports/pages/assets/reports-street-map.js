// The street map (Leaflet over the city's tiles, MAP_TILE_URL) in place of the server-drawn map, when the page
// carries #street-map-settings and Leaflet loaded. The server-drawn map stays for readers without JavaScript;
// the list beside the map stays the accessible way to the reports.
// browse: the reports as groups from the map cell counters (/api/v1/reports/clusters), reloaded as the map moves;
//   a group zooms in, a single report opens its page; a link lists the reports in the view.
// pick: a click (or Enter on the focused map: its centre) places the pin, the pin can be dragged, and the
//   latitude and longitude fields follow (and move the pin when typed); "use my location" places it too.
(function () {
  'use strict';
  var doc = globalThis.document;
  var L = globalThis.L;
  var node = doc.getElementById('street-map-settings');
  var svg = doc.querySelector('svg[data-map="browse"], svg[data-map="pick"]');
  if (!L || !node || !svg) return;
  var settings = JSON.parse(node.textContent);
  var labels = settings.labels;
  var mode = svg.dataset.map;

  function escapeText(text) {
    var span = doc.createElement('span');
    span.textContent = text;
    return span.innerHTML;
  }

  function fill(template, values) {
    return template.replace(/\{\{(\w+)\}\}/g, function (_, name) {
      return String(values[name]);
    });
  }

  var container = doc.createElement('div');
  container.className = 'street-map';
  container.setAttribute('role', 'region');
  container.setAttribute('aria-label', labels.map);
  svg.parentNode.insertBefore(container, svg);
  svg.style.display = 'none';
  svg.dataset.map = 'street'; // the server-drawn map's script leaves it alone

  var map = L.map(container, {
    keyboard: true,
    zoomControl: false,
    attributionControl: false,
    maxZoom: settings.maxZoom,
  });
  L.control.zoom({ zoomInTitle: labels.zoomIn, zoomOutTitle: labels.zoomOut }).addTo(map);
  L.control.attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' }).addTo(map);
  L.tileLayer(settings.tileUrl, { maxZoom: settings.maxZoom, attribution: escapeText(settings.attribution) }).addTo(
    map,
  );
  map.fitBounds([
    [Number(svg.dataset.minLat), Number(svg.dataset.minLng)],
    [Number(svg.dataset.maxLat), Number(svg.dataset.maxLng)],
  ]);
  function showView() {
    container.dataset.zoom = String(map.getZoom());
  }
  map.on('moveend', showView);
  showView();

  function viewBox() {
    var b = map.getBounds();
    var clamp = function (value, limit) {
      return Math.max(-limit, Math.min(limit, value)).toFixed(6);
    };
    return [clamp(b.getWest(), 180), clamp(b.getSouth(), 85), clamp(b.getEast(), 180), clamp(b.getNorth(), 85)].join(
      ',',
    );
  }

  function setupBrowse() {
    var layer = L.layerGroup().addTo(map);
    var listLink = doc.createElement('a');
    listLink.textContent = labels.listView;
    var paragraph = doc.createElement('p');
    paragraph.appendChild(listLink);
    container.parentNode.insertBefore(paragraph, container.nextSibling);
    var latest = 0;

    function addCluster(cluster) {
      var single = cluster.count === 1 && cluster.reportId;
      var size = single ? 22 : Math.round(Math.min(56, 24 + Math.sqrt(cluster.count) * 4));
      var marker = L.marker([cluster.lat, cluster.lng], {
        icon: L.divIcon({
          className: 'street-map__cluster' + (cluster.openCount === 0 ? ' street-map__cluster--closed' : ''),
          html: single ? '' : '<span aria-hidden="true">' + Number(cluster.count) + '</span>',
          iconSize: [size, size],
        }),
        title: single ? fill(labels.report, { id: cluster.reportId }) : fill(labels.group, { n: cluster.count }),
        keyboard: true,
      });
      function open() {
        if (single) {
          globalThis.location.href = '/reports/' + cluster.reportId;
          return;
        }
        var box = cluster.bbox;
        var target = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
        var zoom = Math.max(map.getZoom() + 1, map.getBoundsZoom(target));
        map.setView(target.getCenter(), Math.min(zoom, settings.maxZoom));
      }
      marker.on('click', open);
      // Leaflet opens a marker with Enter only when it has a popup: a group is a button, so Enter and Space open it.
      marker.on('keypress', function (event) {
        var key = event.originalEvent.key;
        if (key !== 'Enter' && key !== ' ') return;
        event.originalEvent.preventDefault();
        open();
      });
      layer.addLayer(marker);
    }

    function load() {
      var here = new URL(globalThis.location.href);
      var url = new URL('/api/v1/reports/clusters', here);
      ['category', 'status', 'district', 'from', 'to'].forEach(function (name) {
        var value = here.searchParams.get(name);
        if (value) url.searchParams.set(name, value);
      });
      url.searchParams.set('bbox', viewBox());
      url.searchParams.set('zoom', String(map.getZoom()));
      here.searchParams.set('bbox', viewBox());
      here.searchParams.delete('before');
      listLink.href = here.pathname + here.search;
      var mine = ++latest;
      globalThis
        .fetch(url, { headers: { accept: 'application/json' } })
        .then(function (response) {
          return response.ok ? response.json() : { clusters: [] };
        })
        .then(function (data) {
          if (mine !== latest) return;
          layer.clearLayers();
          data.clusters.forEach(addCluster);
          container.dataset.clusters = String(data.clusters.length);
        });
    }

    map.on('moveend', load);
    load();
  }

  function setupPick() {
    var lat = doc.getElementById('lat');
    var lng = doc.getElementById('lng');
    if (!lat || !lng) return;
    var pin = null;
    var dragged = false;

    function place(latlng) {
      if (pin) {
        pin.setLatLng(latlng);
        return;
      }
      pin = L.marker(latlng, { draggable: true, keyboard: true, title: labels.pin, alt: labels.pin, autoPan: true });
      pin.on('drag', function () {
        write(pin.getLatLng());
      });
      pin.on('dragend', function () {
        write(pin.getLatLng());
        // the button's release after a drag also reaches the map as a click: it must not move the pin again
        dragged = true;
        globalThis.setTimeout(function () {
          dragged = false;
        }, 0);
      });
      pin.addTo(map);
    }

    function write(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      doc.dispatchEvent(new CustomEvent('place:picked'));
    }

    function fromFields() {
      var value = L.latLng(Number(lat.value.replace(',', '.')), Number(lng.value.replace(',', '.')));
      if (!lat.value || !lng.value || !isFinite(value.lat) || !isFinite(value.lng)) return null;
      if (Math.abs(value.lat) > 85 || Math.abs(value.lng) > 180) return null;
      return value;
    }

    map.on('click', function (event) {
      if (dragged) return;
      place(event.latlng);
      write(event.latlng);
    });
    container.addEventListener('keydown', function (event) {
      if (event.target !== container || (event.key !== 'Enter' && event.key !== ' ')) return;
      event.preventDefault();
      place(map.getCenter());
      write(map.getCenter());
    });
    [lat, lng].forEach(function (input) {
      input.addEventListener('change', function () {
        var value = fromFields();
        if (!value) return;
        place(value);
        map.panTo(value);
      });
    });
    var initial = fromFields();
    if (initial) {
      place(initial);
      map.setView(initial, Math.min(17, settings.maxZoom));
    }

    var locate = doc.querySelector('[data-locate]');
    var geolocation = globalThis.navigator.geolocation;
    if (locate && geolocation) {
      locate.hidden = false;
      locate.addEventListener('click', function () {
        geolocation.getCurrentPosition(function (position) {
          var here = L.latLng(position.coords.latitude, position.coords.longitude);
          write(here);
          place(here);
          map.setView(here, Math.min(17, settings.maxZoom));
        });
      });
    }
  }

  if (mode === 'browse') setupBrowse();
  else setupPick();
})();
