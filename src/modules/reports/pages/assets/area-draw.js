// Drawing an area on the subscription page, live in the browser. Without this script the same form
// works by posting each click on the map image; here a click adds the corner at once. The text field of
// corners ("lat, lng" per line) stays the one source of truth: the script only edits it and redraws the
// shape from it, so typing in it, the buttons and the clicks all agree, and "subscribe" posts it as is.
(function () {
  'use strict';
  var doc = globalThis.document;
  var form = doc.querySelector('form[data-area-form]');
  if (!form) return;
  var map = form.querySelector('.area-draw__map');
  var overlay = form.querySelector('.area-draw__overlay');
  var field = form.querySelector('#points');
  var count = form.querySelector('.area-form__count');
  if (!map || !overlay || !field || !count) return;
  var SVG = 'http://www.w3.org/2000/svg';
  var LINE = /^(-?\d{1,3}(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:[.,]\d+)?)$/;
  var box = {
    minLat: Number(map.dataset.minLat),
    maxLat: Number(map.dataset.maxLat),
    minLng: Number(map.dataset.minLng),
    maxLng: Number(map.dataset.maxLng),
    width: Number(map.dataset.width),
    height: Number(map.dataset.height),
  };

  function mercatorY(lat) {
    var rad = (lat * Math.PI) / 180;
    return Math.log(Math.tan(Math.PI / 4 + rad / 2));
  }
  var top = mercatorY(box.maxLat);
  var span = top - mercatorY(box.minLat);

  function toXY(corner) {
    return {
      x: ((corner.lng - box.minLng) / (box.maxLng - box.minLng)) * box.width,
      y: ((top - mercatorY(corner.lat)) / span) * box.height,
    };
  }

  function toCorner(x, y) {
    var lng = box.minLng + (x / box.width) * (box.maxLng - box.minLng);
    var m = top - (y / box.height) * span;
    var lat = (Math.atan(Math.sinh(m)) * 180) / Math.PI;
    return { lat: Math.round(lat * 1e6) / 1e6, lng: Math.round(lng * 1e6) / 1e6 };
  }

  function lines() {
    return field.value.split(/\r?\n/).filter(function (line) {
      return line.trim() !== '';
    });
  }

  function corners() {
    var list = [];
    lines().forEach(function (line) {
      var match = LINE.exec(line.trim());
      if (match) list.push({ lat: Number(match[1].replace(',', '.')), lng: Number(match[2].replace(',', '.')) });
    });
    return list;
  }

  function redraw() {
    var list = corners();
    var points = list
      .map(function (corner) {
        var p = toXY(corner);
        return p.x.toFixed(1) + ',' + p.y.toFixed(1);
      })
      .join(' ');
    var shape = overlay.querySelector('.area-shape');
    var line = overlay.querySelector('.area-line');
    var dots = overlay.querySelector('.area-corners');
    shape.setAttribute('points', points);
    line.setAttribute('points', points);
    if (list.length >= 3) {
      shape.removeAttribute('hidden');
      line.setAttribute('hidden', '');
    } else {
      shape.setAttribute('hidden', '');
      line.removeAttribute('hidden');
    }
    while (dots.firstChild) dots.removeChild(dots.firstChild);
    list.forEach(function (corner) {
      var p = toXY(corner);
      var dot = doc.createElementNS(SVG, 'circle');
      dot.setAttribute('cx', p.x.toFixed(1));
      dot.setAttribute('cy', p.y.toFixed(1));
      dot.setAttribute('r', '7');
      dots.appendChild(dot);
    });
    count.textContent = (count.dataset.template || '{count}').replace('{count}', String(list.length));
  }

  function setLines(list) {
    field.value = list.join('\n');
    redraw();
  }

  map.addEventListener('click', function (event) {
    event.preventDefault();
    // Enter or Space on the image: no place was chosen; the text field is the keyboard's way in
    if (event.detail === 0) {
      field.focus();
      return;
    }
    var rect = map.getBoundingClientRect();
    var x = ((event.clientX - rect.left) / rect.width) * box.width;
    var y = ((event.clientY - rect.top) / rect.height) * box.height;
    var corner = toCorner(x, y);
    setLines(lines().concat([corner.lat + ', ' + corner.lng]));
  });

  function onButton(selector, change) {
    var button = form.querySelector(selector);
    if (!button) return;
    button.addEventListener('click', function (event) {
      event.preventDefault();
      change();
    });
  }
  onButton('[data-area-undo]', function () {
    setLines(lines().slice(0, -1));
  });
  onButton('[data-area-clear]', function () {
    setLines([]);
  });
  onButton('[data-area-show]', redraw);
  field.addEventListener('input', redraw);
  map.classList.add('area-draw__map--live');
  // the wide map, fitted to the width, is the one drawn on (the narrow one is for pages without this script)
  form.classList.add('area-form--live');
})();
