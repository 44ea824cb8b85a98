/* Suggestions while typing (ARIA 1.2 combobox with a listbox popup).

   Enhances every <input data-suggest="FIELD" data-suggest-url="URL">: as the patient
   types, asks URL?field=FIELD&q=TEXT for {"items": [{"label": ...}]} and lists them.
   Keyboard: Down/Up move through the list (Down opens it), Enter takes the highlighted
   suggestion, Escape closes the list (or, when closed, clears the field), Tab leaves.
   Without JavaScript the input stays a plain text field. Loaded with `defer`. */
(function () {
  "use strict";

  var DELAY_MS = 150;

  function setup(input, index) {
    var field = input.getAttribute("data-suggest");
    var url = input.getAttribute("data-suggest-url");
    if (!field || !url) { return; }
    var listId = input.id + "-suggestions";

    var wrapper = document.createElement("div");
    wrapper.className = "combobox";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "combobox-list";
    list.setAttribute("role", "listbox");
    // Not "Suggestions for <label>": the field's own label must stay unique on the page.
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    wrapper.appendChild(list);

    // How many suggestions there are, announced politely. A live region, not role=status:
    // the page's one status region stays the flash message after a form is sent.
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function options() { return list.querySelectorAll('[role="option"]'); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(n) {
      var opts = options();
      if (!opts.length) { return; }
      active = (n + opts.length) % opts.length;
      Array.prototype.forEach.call(opts, function (opt, i) {
        opt.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }

    function choose(n) {
      if (n < 0 || n >= items.length) { return; }
      input.value = items[n].label;
      close();
      status.textContent = items[n].label + " chosen.";
    }

    function show(found) {
      items = found;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      found.forEach(function (item, i) {
        var opt = document.createElement("li");
        opt.id = listId + "-" + i;
        opt.className = "combobox-option";
        opt.setAttribute("role", "option");
        opt.setAttribute("aria-selected", "false");
        opt.textContent = item.label;
        opt.addEventListener("mousedown", function (event) { event.preventDefault(); });
        opt.addEventListener("click", function () { choose(i); input.focus(); });
        list.appendChild(opt);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = found.length + (found.length === 1 ? " suggestion" : " suggestions") +
          ". Use the up and down arrow keys to choose, Enter to take one.";
      } else {
        close();
        status.textContent = "No suggestions.";
      }
    }

    function ask() {
      var text = input.value.trim();
      if (!text) { show([]); status.textContent = ""; return; }
      var mine = ++asked;
      var query = url + (url.indexOf("?") < 0 ? "?" : "&") + "field=" + encodeURIComponent(field) +
        "&q=" + encodeURIComponent(text.slice(0, 80));
      fetch(query, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (body) {
          if (mine === asked && document.activeElement === input) { show(body.items || []); }
        })
        .catch(function () { if (mine === asked) { close(); } });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!open) { if (items.length) { show(items); highlight(0); } else { ask(); } return; }
          highlight(active + 1);
          break;
        case "ArrowUp":
          if (!open) { return; }
          event.preventDefault();
          highlight(active < 0 ? -1 : active - 1);
          break;
        case "Enter":
          if (open && active >= 0) { event.preventDefault(); choose(active); }
          break;
        case "Escape":
          if (open) { event.preventDefault(); close(); }
          else if (input.value) { event.preventDefault(); input.value = ""; items = []; }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setup);
})();
