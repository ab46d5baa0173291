// Running total on the ballot page: what the chosen projects cost, what is left of the heading's amount,
// and how many projects or votes are used. The page works without this script; the server recomputes
// everything on submit. Texts come translated from the form's data attributes.
(function () {
  'use strict';
  var form = document.querySelector('form[data-ballot]');
  if (!form) return;
  var output = document.getElementById('ballot-running-total');
  if (!output) return;
  var amount = Number(form.getAttribute('data-amount'));
  var rule = form.getAttribute('data-rule');
  var limit = Number(form.getAttribute('data-limit') || '0');
  var locale = form.getAttribute('data-locale') || 'en';
  var currency = form.getAttribute('data-currency') || 'EUR';
  var format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency, maximumFractionDigits: 0 });
  var templates = {
    total: form.getAttribute('data-text-total') || '',
    over: form.getAttribute('data-text-over') || '',
    count: form.getAttribute('data-text-count') || '',
  };

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function update() {
    var total = 0;
    var used = 0;
    var inputs = form.querySelectorAll('[data-cost]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var cost = Number(input.getAttribute('data-cost'));
      if (input.type === 'checkbox') {
        if (input.checked) {
          total += cost;
          used += 1;
        }
      } else {
        var votes = Math.max(0, Math.floor(Number(input.value) || 0));
        if (votes > 0) total += cost;
        used += votes;
      }
    }
    var left = amount - total;
    var parts = [];
    if (rule === 'knapsack' || rule === 'approval') {
      parts.push(
        left >= 0
          ? fill(templates.total, { total: format.format(total), left: format.format(left) })
          : fill(templates.over, { total: format.format(total), over: format.format(-left) }),
      );
    }
    if (limit > 0) parts.push(fill(templates.count, { used: String(used), limit: String(limit) }));
    output.textContent = parts.join(' ');
    var bad = (rule === 'knapsack' && left < 0) || (limit > 0 && used > limit);
    output.classList.toggle('ballot-total--over', bad);
  }

  form.addEventListener('change', update);
  form.addEventListener('input', update);
  output.hidden = false;
  update();
})();
