// Counts each text as every chosen destination counts it, as staff type (the server checks the same on
// saving; the page works without this script). The same rules as limits.ts: grapheme clusters, each
// link as the destination counts links, the content warning within the limit.
(function () {
  'use strict';
  var form = document.querySelector('.publishing-editor');
  if (!form) return;
  var segmenter =
    typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  var LINK = /https?:\/\/[^\s<>"]+/g;
  function graphemes(text) {
    if (!segmenter) return Array.from(text).length;
    var count = 0;
    var iterator = segmenter.segment(text)[Symbol.iterator]();
    while (!iterator.next().done) count++;
    return count;
  }
  function countFor(text, link) {
    if (link === '') return graphemes(text);
    var size = Number(link);
    var count = 0;
    var last = 0;
    text.replace(LINK, function (match, offset) {
      count += graphemes(text.slice(last, offset)) + size;
      last = offset + match.length;
      return match;
    });
    return count + graphemes(text.slice(last));
  }
  function value(name) {
    var field = form.elements.namedItem(name);
    return field && 'value' in field ? field.value : '';
  }
  function update() {
    var counters = form.querySelectorAll('.publishing-counter');
    for (var i = 0; i < counters.length; i++) {
      var counter = counters[i];
      var language = counter.getAttribute('data-language');
      var destination = counter.getAttribute('data-destination');
      var text = value('variant_' + destination + '_' + language) || value('body_' + language);
      var warning = value('warning_' + language).trim();
      var used = countFor(text.trim(), counter.getAttribute('data-link') || '');
      if (warning) used += graphemes(warning) + (counter.getAttribute('data-cw') === 'yes' ? 0 : 2);
      var limit = counter.getAttribute('data-limit') || '';
      counter.textContent = (counter.getAttribute('data-template') || '')
        .replace('{used}', String(used))
        .replace('{limit}', limit);
      counter.classList.toggle('publishing-counter--over', limit !== '' && used > Number(limit));
    }
  }
  form.addEventListener('input', update);
})();
