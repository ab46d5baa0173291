// Address search as one types (the combobox pattern of WAI-ARIA 1.2, list autocomplete), and the name of a
// place picked on the map ("Near Via del Porto 12"). Without this script the search form is sent and answers
// a list of links; nothing here is needed to report a problem.
(function () {
  'use strict';
  var doc = globalThis.document;
  var box = doc.querySelector('[data-address-search]');
  if (!box) return;
  var input = doc.getElementById('q');
  var list = doc.getElementById('q-suggestions');
  var status = doc.getElementById('q-status');
  var placeStatus = doc.getElementById('place-status');
  var lat = doc.getElementById('lat');
  var lng = doc.getElementById('lng');
  var address = doc.getElementById('address');
  var lang = box.dataset.lang || 'en';
  var items = [];
  var active = -1;
  var timer = 0;
  var asked = 0;

  function say(element, text) {
    if (element) element.textContent = text;
  }

  function choose(candidate) {
    if (!lat || !lng) return;
    lat.value = String(candidate.lat);
    lng.value = String(candidate.lon);
    if (address) {
      address.value = candidate.label;
      address.dataset.auto = '';
    }
    [lat, lng].forEach(function (field) {
      field.dispatchEvent(new Event('change', { bubbles: true }));
    });
    say(placeStatus, box.dataset.chosen.replace('{{place}}', candidate.label));
    close();
    input.value = candidate.label;
  }

  function close() {
    list.hidden = true;
    list.textContent = '';
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function highlight(index) {
    active = index;
    items.forEach(function (item, i) {
      item.element.setAttribute('aria-selected', i === index ? 'true' : 'false');
    });
    if (index >= 0 && items[index]) input.setAttribute('aria-activedescendant', items[index].element.id);
    else input.removeAttribute('aria-activedescendant');
  }

  function show(candidates) {
    list.textContent = '';
    items = candidates.map(function (candidate, index) {
      var element = doc.createElement('li');
      element.id = 'q-option-' + index;
      element.setAttribute('role', 'option');
      element.setAttribute('aria-selected', 'false');
      element.textContent = candidate.label;
      element.addEventListener('mousedown', function (event) {
        event.preventDefault();
        choose(candidate);
      });
      list.appendChild(element);
      return { element: element, candidate: candidate };
    });
    list.hidden = items.length === 0;
    input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
    active = -1;
    say(status, items.length ? box.dataset.found.replace('{{n}}', String(items.length)) : box.dataset.none);
  }

  function search() {
    var text = input.value.trim();
    if (text.length < 3) {
      close();
      return;
    }
    var ticket = ++asked;
    var url =
      box.dataset.addressSearch + '?limit=6&lang=' + encodeURIComponent(lang) + '&q=' + encodeURIComponent(text);
    globalThis
      .fetch(url, { headers: { accept: 'application/json' } })
      .then(function (response) {
        return response.ok ? response.json() : { candidates: [] };
      })
      .then(function (answer) {
        if (ticket === asked) show(answer.candidates || []);
      })
      .catch(function () {
        /* the form still works: Enter sends the search */
      });
  }

  if (box.dataset.suggest === 'true' && input && list) {
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', 'q-suggestions');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('autocomplete', 'off');
    input.addEventListener('input', function () {
      globalThis.clearTimeout(timer);
      timer = globalThis.setTimeout(search, 250);
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown' && items.length) {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === 'ArrowUp' && items.length) {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === 'Enter' && active >= 0 && items[active]) {
        event.preventDefault();
        choose(items[active].candidate);
      } else if (event.key === 'Escape') close();
    });
    input.addEventListener('blur', function () {
      globalThis.setTimeout(close, 150);
    });
  }

  // a place picked on the map is named by the nearest address
  if (box.dataset.reverse && lat && lng) {
    doc.addEventListener('place:picked', function () {
      var url =
        box.dataset.reverse +
        '?lang=' +
        encodeURIComponent(lang) +
        '&lat=' +
        encodeURIComponent(lat.value) +
        '&lon=' +
        encodeURIComponent(lng.value);
      globalThis
        .fetch(url, { headers: { accept: 'application/json' } })
        .then(function (response) {
          return response.ok ? response.json() : { address: null };
        })
        .then(function (answer) {
          if (!answer.address) return;
          var near = box.dataset.near.replace('{{address}}', answer.address.label);
          say(placeStatus, box.dataset.chosen.replace('{{place}}', near));
          if (address && (address.value === '' || address.dataset.auto === 'true')) {
            address.value = near;
            address.dataset.auto = 'true';
          }
        })
        .catch(function () {
          /* the coordinates are enough */
        });
    });
  }
})();
