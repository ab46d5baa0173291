// The ballot's running summary, kept up to date while the voter chooses. The server renders the same
// summary (#ballot-total) from the ballot it shows, so the page reads right without this script; the
// script only rewrites that one element, with the same translated texts (the form's data-text-*
// attributes, with {{placeholders}}) and the same rule: money for "within the amount" (knapsack),
// the number of projects for approval, the number of votes for distributed votes. The server checks
// everything again on submit.
(function () {
  'use strict';
  var form = document.querySelector('form[data-ballot]');
  if (!form) return;
  var output = document.getElementById('ballot-total');
  if (!output) return;
  var amount = Number(form.getAttribute('data-amount'));
  var rule = form.getAttribute('data-rule');
  var limit = Number(form.getAttribute('data-limit') || '0');
  var minimum = Number(form.getAttribute('data-minimum') || '0');
  var locale = form.getAttribute('data-locale') || 'en';
  var currency = form.getAttribute('data-currency') || 'EUR';
  var money = new Intl.NumberFormat(locale, { style: 'currency', currency: currency, maximumFractionDigits: 0 });
  var count = new Intl.NumberFormat(locale);
  var templates = {
    within: form.getAttribute('data-text-within') || '',
    beyond: form.getAttribute('data-text-beyond') || '',
    under: form.getAttribute('data-text-under') || '',
  };

  function fill(template, values) {
    return template.replace(/\{\{\s*(\w+)\s*\}\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  function update() {
    var total = 0;
    var chosen = 0;
    var votes = 0;
    var inputs = form.querySelectorAll('[data-cost]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var cost = Number(input.getAttribute('data-cost'));
      var given =
        input.type === 'checkbox' ? (input.checked ? 1 : 0) : Math.max(0, Math.floor(Number(input.value) || 0));
      if (given > 0) {
        total += cost;
        chosen += 1;
        votes += given;
      }
    }
    var text;
    var beyond;
    if (rule === 'knapsack') {
      var left = amount - total;
      var under = minimum > 0 && chosen > 0 && total < minimum;
      beyond = left < 0 || under;
      var values = {
        total: money.format(total),
        left: money.format(left),
        over: money.format(-left),
        minimum: money.format(minimum),
      };
      text = fill(left < 0 ? templates.beyond : under ? templates.under : templates.within, values);
    } else {
      var used = rule === 'approval' ? chosen : votes;
      beyond = used > limit;
      text = fill(beyond ? templates.beyond : templates.within, {
        used: count.format(used),
        limit: count.format(limit),
      });
    }
    if (output.textContent !== text) output.textContent = text;
    output.classList.toggle('ballot-total--over', beyond);
  }

  form.addEventListener('change', update);
  form.addEventListener('input', update);
  // Browsers may restore the boxes ticked before a reload: the summary follows what is on the screen.
  window.addEventListener('pageshow', update);
  update();
})();
