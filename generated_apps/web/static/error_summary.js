// The error summary, where JavaScript runs (GOV.UK's pattern): on a page sent back with errors, focus
// goes to the summary, so a screen reader reads the problems first; a link of the summary puts its
// field's question (the legend of its group, or its label) at the top of the screen, with the hint,
// the message and the field below it, and focuses the field. Without JavaScript the link still leads
// to the field, and the stylesheet keeps room above it (scroll-margin-top).
// No inline script, no inline handler, no eval: a Content-Security-Policy of script-src 'self' allows it.
(function () {
  'use strict';

  const summary = document.querySelector('main .error-summary');
  if (!summary) return;

  // The question of a field: the legend of its fieldset (a group, a date), else its own label.
  function questionOf(field) {
    const group = field.closest('fieldset');
    const legend = group && Array.from(group.children).find((child) => child.tagName === 'LEGEND');
    return legend || (field.labels && field.labels[0]) || null;
  }

  summary.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#"]');
    if (!link) return;
    const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    const question = questionOf(field);
    event.preventDefault();
    // The question at the top, when the question and the field fit on the screen together; else the field.
    const fits = question && field.getBoundingClientRect().bottom - question.getBoundingClientRect().top < window.innerHeight;
    (fits ? question : field).scrollIntoView({block: 'start'});
    field.focus({preventScroll: true});
  });

  summary.setAttribute('tabindex', '-1');
  summary.focus();
})();
