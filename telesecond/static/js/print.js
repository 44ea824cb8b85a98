/* "Print or save as PDF": a button with a data-print attribute opens the print dialog.
   Its container ([data-print-area]) starts hidden, so nobody sees a button that cannot
   work without JavaScript. Loaded with `defer`; no inline JS (the CSP forbids it). */
(function () {
  "use strict";
  if (typeof window.print !== "function") { return; }
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    var area = button.closest("[data-print-area]");
    if (area) { area.hidden = false; }
    button.hidden = false;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  });
})();
