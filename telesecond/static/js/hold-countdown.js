// The hold on the booking page: a visible countdown, and a polite spoken update at a few
// moments only (5, 2 and 1 minutes, 30 seconds, and when it ends), never every second.
(function () {
  "use strict";
  var box = document.querySelector("[data-hold]");
  if (!box) return;
  var clock = box.querySelector("[data-hold-clock]");
  var announce = box.querySelector("[data-hold-announce]");
  var left = parseInt(box.getAttribute("data-seconds-left"), 10) || 0;
  var ends = Date.now() + left * 1000;
  var MOMENTS = [300, 120, 60, 30];
  var said = {};

  function say(text) { announce.textContent = text; }

  function tick() {
    var seconds = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
    if (clock) {
      clock.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
    }
    MOMENTS.forEach(function (moment) {
      if (seconds <= moment && seconds > 0 && left > moment && !said[moment]) {
        said[moment] = true;
        say(moment >= 60
          ? "Your hold on this time ends in " + moment / 60 + " minute" + (moment === 60 ? "" : "s") + "."
          : "Your hold on this time ends in " + moment + " seconds.");
      }
    });
    if (seconds === 0) {
      box.className = "notice notice-warning";
      box.firstElementChild.textContent =
        "Your hold on this time has ended. You can still send the form: we check whether the time is still free.";
      say("Your hold on this time has ended.");
      return;
    }
    window.setTimeout(tick, 1000);
  }
  if (left > 0) tick();
})();
