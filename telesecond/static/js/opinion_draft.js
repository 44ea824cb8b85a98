// Save the opinion's draft as the specialist types: a quiet POST of the form a moment
// after the last keystroke. Without JavaScript the "Save draft" button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  var inFlight = false;
  var again = false;
  var WAIT_MS = 1500;

  function say(text) {
    if (status) status.textContent = text;
  }

  // The page gives its own words (in its language) as data-say-* attributes on the status.
  function words(name, english, fill) {
    var text = (status && status.getAttribute("data-say-" + name)) || english;
    Object.keys(fill || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(fill[key]);
    });
    return text;
  }

  function save() {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    var token = form.querySelector("input[name=csrf_token]");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            var at = new Date(body.saved_at);
            var time = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
            say(words("saved", "Draft saved at {time}.", { time: time }));
          } else {
            say(
              words("not-saved", "Not saved: {reason}", {
                reason: body.detail || words("use-button", "please use Save draft."),
              })
            );
          }
        });
      })
      .catch(function () {
        say(
          words("offline", "Not saved: the connection failed. Your text is still here; use Save draft.")
        );
      })
      .then(function () {
        inFlight = false;
        if (again) {
          again = false;
          save();
        }
      });
  }

  function changed() {
    say(words("saving", "Saving…"));
    window.clearTimeout(timer);
    timer = window.setTimeout(save, WAIT_MS);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
})();
