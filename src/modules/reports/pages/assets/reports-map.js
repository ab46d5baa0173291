// Progressive enhancement of the server-drawn report maps (no library, no tiles needed).
// browse: selecting a group zooms the list and map into that cell; a single report opens its page.
// pick: selecting a place fills the report form's latitude and longitude and moves the marker.
(function () {
  'use strict';
  var doc = globalThis.document;
  var nav = globalThis.navigator;

  function mercatorY(lat) {
    var rad = (lat * Math.PI) / 180;
    return Math.log(Math.tan(Math.PI / 4 + rad / 2));
  }

  function bounds(svg) {
    return {
      minLat: Number(svg.dataset.minLat),
      maxLat: Number(svg.dataset.maxLat),
      minLng: Number(svg.dataset.minLng),
      maxLng: Number(svg.dataset.maxLng),
    };
  }

  function toLatLng(svg, event) {
    var box = bounds(svg);
    var view = svg.viewBox.baseVal;
    var rect = svg.getBoundingClientRect();
    var x = ((event.clientX - rect.left) / rect.width) * view.width;
    var y = ((event.clientY - rect.top) / rect.height) * view.height;
    var lng = box.minLng + (x / view.width) * (box.maxLng - box.minLng);
    var top = mercatorY(box.maxLat);
    var span = top - mercatorY(box.minLat);
    var m = top - (y / view.height) * span;
    var lat = (Math.atan(Math.sinh(m)) * 180) / Math.PI;
    return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6, x: x, y: y };
  }

  function setupBrowse(svg) {
    svg.addEventListener('click', function (event) {
      var group = event.target.closest('.map-cluster');
      if (!group) return;
      if (group.dataset.report) {
        globalThis.location.href = '/reports/' + group.dataset.report;
        return;
      }
      var url = new URL(globalThis.location.href);
      url.searchParams.set(
        'bbox',
        [group.dataset.minLng, group.dataset.minLat, group.dataset.maxLng, group.dataset.maxLat].join(','),
      );
      url.searchParams.delete('before');
      globalThis.location.href = url.toString();
    });
    svg.classList.add('report-map__svg--interactive');
  }

  function setupPick(svg) {
    var lat = doc.getElementById('lat');
    var lng = doc.getElementById('lng');
    var marker = svg.querySelector('.map-marker');
    var circle = marker && marker.querySelector('circle');
    if (!lat || !lng || !circle) return;
    function place(point) {
      lat.value = String(point.lat);
      lng.value = String(point.lng);
      circle.setAttribute('cx', String(point.x));
      circle.setAttribute('cy', String(point.y));
      marker.removeAttribute('hidden');
    }
    // the address script names the picked place ("near …")
    function picked() {
      doc.dispatchEvent(new CustomEvent('place:picked'));
    }
    svg.addEventListener('click', function (event) {
      place(toLatLng(svg, event));
      picked();
    });
    // coordinates typed or filled by the address search move the marker
    [lat, lng].forEach(function (input) {
      input.addEventListener('change', function () {
        var box = bounds(svg);
        var view = svg.viewBox.baseVal;
        var la = Number(lat.value.replace(',', '.'));
        var ln = Number(lng.value.replace(',', '.'));
        if (!lat.value || !lng.value || !isFinite(la) || !isFinite(ln)) return;
        var top = mercatorY(box.maxLat);
        var span = top - mercatorY(box.minLat);
        circle.setAttribute('cx', String(((ln - box.minLng) / (box.maxLng - box.minLng)) * view.width));
        circle.setAttribute('cy', String(((top - mercatorY(la)) / span) * view.height));
        marker.removeAttribute('hidden');
      });
    });
    svg.classList.add('report-map__svg--interactive');
    var locate = doc.querySelector('[data-locate]');
    if (locate && nav.geolocation) {
      locate.hidden = false;
      locate.addEventListener('click', function () {
        nav.geolocation.getCurrentPosition(function (position) {
          lat.value = position.coords.latitude.toFixed(6);
          lng.value = position.coords.longitude.toFixed(6);
          picked();
        });
      });
    }
  }

  doc.querySelectorAll('svg[data-map="browse"]').forEach(setupBrowse);
  doc.querySelectorAll('svg[data-map="pick"]').forEach(setupPick);
})();
