/* Fill empty time zone fields (named timezone, or tz on the directory) with the
   browser's IANA zone (e.g. "Europe/Berlin").
   Loaded with `defer`, so the document is parsed when this runs. No inline JS. */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) { return; }

  // `tz` is the directory's "Show times in" field.
  var fields = document.querySelectorAll(
    'input[name="timezone"], select[name="timezone"], input[name="tz"]'
  );
  Array.prototype.forEach.call(fields, function (field) {
    if (field.value) { return; }
    if (field.tagName === "SELECT") {
      // Only pick the zone if the list offers it.
      var match = Array.prototype.some.call(field.options, function (opt) {
        return opt.value === zone;
      });
      if (!match) { return; }
    }
    field.value = zone;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
