// The case page: a link to a folded section (#records, #reminders …) opens it, and the
// device-test step says whether the camera and microphone were tested on this device.
(function () {
  "use strict";
  function openTarget() {
    if (!location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var fold = target && target.closest("details");
    if (fold && !fold.open) {
      fold.open = true;
      target.scrollIntoView({ block: "start" });
    }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  var state = document.querySelector("[data-device-state]");
  var tested = null;
  try { tested = window.localStorage.getItem("telesecond:device-tested"); } catch (e) { /* private mode */ }
  if (state && tested) {
    state.textContent = state.getAttribute("data-done-text") || "Done";
    state.closest(".step").className = "step step-done";
    var text = state.parentNode.querySelector(".step-text");
    var note = state.getAttribute("data-tested-text") || "Tested on this device.";
    if (text) text.insertAdjacentText("afterbegin", note + " ");
  }
})();
