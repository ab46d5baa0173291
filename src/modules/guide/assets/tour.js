// A tour's page and its stop pages: "continue where I left off" (kept in this browser's localStorage, no
// account) and the offline pack (the tour's service worker, scoped to /guide/tours/{id}).
(function () {
  'use strict';
  var store = (function () {
    try {
      return window.localStorage;
    } catch {
      return null; // storage refused (private mode, settings): the tour works without it
    }
  })();
  var way = document.querySelector('[data-tour][data-position]');
  if (way && store) store.setItem('guide.tour.' + way.getAttribute('data-tour'), way.getAttribute('data-position'));

  var page = document.querySelector('[data-tour-page]');
  if (!page) return;
  var id = page.getAttribute('data-tour-page');
  var continueBox = page.querySelector('[data-continue]');
  var kept = store ? store.getItem('guide.tour.' + id) : null;
  if (continueBox && kept && /^\d+$/.test(kept)) {
    var link = document.createElement('a');
    link.href = '/guide/tours/' + id + '/stops/' + kept;
    link.textContent = continueBox.getAttribute('data-continue').replace('{{position}}', kept);
    link.className = 'button';
    continueBox.appendChild(link);
    continueBox.hidden = false;
  }
  var offline = page.querySelector('.guide-offline');
  var button = page.querySelector('[data-offline]');
  if (!offline || !button || !('serviceWorker' in navigator)) return;
  offline.hidden = false;
  var status = offline.querySelector('[role="status"]');
  button.addEventListener('click', function () {
    var base = button.getAttribute('data-offline');
    navigator.serviceWorker
      .register(base + '/sw.js', { scope: base })
      .then(function (registration) {
        var worker = registration.installing || registration.waiting || registration.active;
        if (worker && worker.state !== 'activated') {
          worker.addEventListener('statechange', function () {
            if (worker.state === 'activated') status.textContent = status.getAttribute('data-saved');
          });
        } else {
          status.textContent = status.getAttribute('data-saved');
        }
      })
      .catch(function () {
        status.textContent = status.getAttribute('data-failed');
      });
  });
})();
