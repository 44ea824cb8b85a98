/* Join page: count down to the room's opening, then reload to go in; show times in the
   browser's own zone; retry a room that is being prepared. No inline JS (CSP). */
(function () {
  "use strict";

  // Times for guests (and as a check for everyone) in the device's zone.
  Array.prototype.forEach.call(document.querySelectorAll("time[data-local-time]"), function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when.getTime())) { return; }
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      el.textContent = when.toLocaleString(document.documentElement.lang || undefined, {
        weekday: "short", day: "numeric", month: "short", year: "numeric",
        hour: "2-digit", minute: "2-digit"
      }) + " (" + zone + ")";
    } catch (e) { /* keep the server's text */ }
  });

  var retry = document.querySelector("[data-retry-after]");
  if (retry) {
    var seconds = parseInt(retry.getAttribute("data-retry-after"), 10) || 15;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }

  var timer = document.querySelector("[data-countdown-to]");
  if (!timer) { return; }
  var target = new Date(timer.getAttribute("data-countdown-to")).getTime();
  var serverNow = new Date(timer.getAttribute("data-server-now")).getTime();
  // Count with the server's clock: the device's may be wrong.
  var offset = isNaN(serverNow) ? 0 : serverNow - Date.now();
  var text = timer.querySelector("[data-countdown-text]");

  // "2 hours" in the page's language where the browser can say it, else in English.
  function part(n, unit) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined,
        { style: "unit", unit: unit, unitDisplay: "long" }).format(n);
    } catch (e) {
      return n + " " + unit + (n === 1 ? "" : "s");
    }
  }

  function tick() {
    var left = Math.max(0, Math.round((target - (Date.now() + offset)) / 1000));
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600);
    var m = Math.floor(left % 3600 / 60), s = left % 60;
    var parts = [];
    if (d) { parts.push(part(d, "day")); }
    if (d || h) { parts.push(part(h, "hour")); }
    if (!d) { parts.push(part(m, "minute")); }
    if (!d && !h) { parts.push(part(s, "second")); }
    text.textContent = parts.join(" ");
    if (left <= 0) {
      window.clearInterval(handle);
      window.location.reload();
    }
  }
  var handle = window.setInterval(tick, 1000);
  tick();
})();
