// After a failed submit, move focus to the form's error summary: screen readers read it,
// and on a phone it is on the first screen instead of below the fold. Its links focus
// the field they name.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) return;
  summary.focus();
  summary.scrollIntoView({ block: "start" });
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    var control = target.matches("input, textarea, select")
      ? target
      : target.querySelector("input, textarea, select");
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    (control || target).focus({ preventScroll: true });
  });
})();
