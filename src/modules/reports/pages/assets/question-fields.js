// A category's own questions (the reports form, and staff turning an inbox message into a report): show
// only those of the chosen category, and send only those. Without JavaScript the server does it: the
// form comes back with the chosen category's questions (a "show this category's questions" step, which
// this script hides).
(function () {
  'use strict';
  var select = document.getElementById('category');
  if (!select) return;
  document.querySelectorAll('[data-questions-step]').forEach(function (step) {
    step.hidden = true;
  });
  function update() {
    document.querySelectorAll('[data-questions]').forEach(function (group) {
      var active = group.getAttribute('data-questions') === select.value;
      group.hidden = !active;
      group.disabled = !active;
    });
  }
  select.addEventListener('change', update);
  update();
})();
