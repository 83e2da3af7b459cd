/*
 * The demo city's online pothole report: broken on purpose.
 *
 * Sending the form reads the photo of a report that was never built, so every press of
 * "Submit report" throws a TypeError and nothing happens on the page. Residents press again
 * (rage clicks), and the tracker records the error beside the click (error clicks): the story
 * the demo's dashboards tell. Do not copy this into a real site.
 */
(function () {
  "use strict";

  function sendReport(form, report) {
    // The bug: `report` is undefined, the draft was never read from the form.
    return { location: form.elements.location.value, photo: report.photo };
  }

  document.querySelectorAll("form[data-cityux-demo-report]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendReport(form, undefined);
    });
  });
})();
