// Conditions shown live: a question that depends on an earlier answer is hidden (and its inputs
// disabled, so they are not sent) until that answer is chosen. Without this script every question is
// shown with a note saying when to answer it; the server applies the same conditions either way.
(function () {
  'use strict';
  var form = document.querySelector('form.survey-form');
  if (!form) return;
  var dependants = Array.prototype.slice.call(form.querySelectorAll('[data-condition-question]'));
  if (dependants.length === 0) return;

  function chosen(questionId, choiceId) {
    var wrapper = document.getElementById('question-' + questionId);
    if (!wrapper || wrapper.hidden) return false;
    var inputs = form.querySelectorAll('input[name="q' + questionId + '"]');
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked && inputs[i].value === choiceId) return true;
    }
    return false;
  }

  function update() {
    // in document order, so a question hidden earlier hides those depending on it
    dependants.forEach(function (wrapper) {
      var show = chosen(wrapper.getAttribute('data-condition-question'), wrapper.getAttribute('data-condition-choice'));
      wrapper.hidden = !show;
      var controls = wrapper.querySelectorAll('input, select, textarea');
      for (var i = 0; i < controls.length; i++) controls[i].disabled = !show;
      var note = wrapper.querySelector('.survey-condition');
      if (note) note.hidden = true;
    });
  }

  form.addEventListener('change', update);
  update();
})();
