/* Keep an unfinished form in this browser so a reload or a lost time slot does not lose it.

   <form data-draft-key="intake:7:3">   text fields are saved to sessionStorage on input and
                                        restored on load into fields that are still empty.
                                        sessionStorage dies with the tab: a diagnosis typed
                                        into the intake does not outlive it on the disk.
   <div data-clear-draft="intake:7:3">  a page that ends the draft (the booked consultation)
                                        removes it.
   <form data-clear-drafts>             submitting it (the log-out form) removes every draft,
                                        so the next person on a shared computer finds none.
   <button data-add-field="list-id" data-max="20" hidden>
                                        shown by this script: clones the list's last item
                                        (label + field) with an empty value.

   Only text inputs, textareas and selects are saved; never checkboxes or radios (consent
   is given afresh each time), hidden fields or the CSRF token. Drafts older than a day
   are dropped, and drafts an older version kept in localStorage are removed. Loaded with `defer` by base.html (a page that loads it again is harmless);
   no inline JS (the CSP forbids it). */
(function () {
  "use strict";
  if (window.telesecondDrafts) { return; }
  window.telesecondDrafts = true;

  var PREFIX = "telesecond:draft:";
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;
  var TEXT_TYPES = ["text", "email", "search", "tel", "url", "number"];
  var store;

  try {
    store = window.sessionStorage;
    store.getItem(PREFIX); // throws where storage is disabled
  } catch (e) {
    store = null;
  }

  /* Earlier versions kept drafts in localStorage for a day: remove what they left. */
  function dropLegacyDrafts() {
    try {
      var legacy = window.localStorage;
      for (var i = legacy.length - 1; i >= 0; i -= 1) {
        var name = legacy.key(i);
        if (name && name.indexOf(PREFIX) === 0) { legacy.removeItem(name); }
      }
    } catch (e) { /* storage disabled: nothing was kept there either */ }
  }

  function read(key) {
    if (!store) { return null; }
    try {
      var draft = JSON.parse(store.getItem(PREFIX + key) || "null");
      if (!draft || typeof draft.fields !== "object" || Date.now() - draft.saved > MAX_AGE_MS) {
        return null;
      }
      return draft.fields;
    } catch (e) {
      return null;
    }
  }

  function write(key, fields) {
    if (!store) { return; }
    try {
      store.setItem(PREFIX + key, JSON.stringify({ saved: Date.now(), fields: fields }));
    } catch (e) { /* full or refused: the draft is a convenience */ }
  }

  function forget(key) {
    if (store) { store.removeItem(PREFIX + key); }
  }

  function draftKeys() {
    var keys = [];
    if (!store) { return keys; }
    for (var i = 0; i < store.length; i += 1) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0) { keys.push(name.slice(PREFIX.length)); }
    }
    return keys;
  }

  function dropStale() {
    draftKeys().forEach(function (key) {
      if (read(key) === null) { forget(key); }
    });
  }

  function forgetAll() {
    try {
      draftKeys().forEach(forget);
    } catch (e) { /* never stop the log-out itself */ }
  }

  function savable(el) {
    if (!el.name || el.disabled || el.name === "csrf_token") { return false; }
    if (el.tagName === "TEXTAREA") { return true; }
    if (el.tagName === "SELECT") { return !el.multiple; }
    if (el.tagName !== "INPUT") { return false; }
    return TEXT_TYPES.indexOf((el.getAttribute("type") || "text").toLowerCase()) !== -1;
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, savable);
  }

  function collect(form) {
    var values = {};
    var any = false;
    fieldsOf(form).forEach(function (el) {
      (values[el.name] = values[el.name] || []).push(el.value);
      if (el.value.trim()) { any = true; }
    });
    return any ? values : null;
  }

  /* "Add another" buttons: clone the last item of the list they name. */
  function addItem(button) {
    var list = document.getElementById(button.getAttribute("data-add-field"));
    var max = parseInt(button.getAttribute("data-max") || "0", 10);
    if (!list || !list.lastElementChild) { return null; }
    var count = list.children.length;
    if (max && count >= max) { return null; }
    var item = list.lastElementChild.cloneNode(true);
    var n = count + 1;
    var field = item.querySelector("textarea, input, select");
    var label = item.querySelector("label");
    if (field) {
      field.value = "";
      field.id = field.id.replace(/\d+$/, String(n));
      field.removeAttribute("aria-invalid");
    }
    if (label && field) {
      label.htmlFor = field.id;
      label.textContent = label.textContent.replace(/\d+\s*$/, String(n));
    }
    list.appendChild(item);
    if (max && n >= max) { button.hidden = true; }
    return field;
  }

  function setUpAddButtons(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-add-field]"), function (button) {
      var list = document.getElementById(button.getAttribute("data-add-field"));
      var max = parseInt(button.getAttribute("data-max") || "0", 10);
      button.hidden = Boolean(list && max && list.children.length >= max);
      button.addEventListener("click", function () {
        var field = addItem(button);
        if (field) { field.focus(); }
      });
    });
  }

  function buttonFor(form, name) {
    var buttons = form.querySelectorAll("[data-add-field]");
    for (var i = 0; i < buttons.length; i += 1) {
      var list = document.getElementById(buttons[i].getAttribute("data-add-field"));
      if (list && list.querySelector('[name="' + name + '"]')) { return buttons[i]; }
    }
    return null;
  }

  function restore(form, values) {
    Object.keys(values).forEach(function (name) {
      var saved = values[name];
      if (!Array.isArray(saved)) { return; }
      var fields = fieldsOf(form).filter(function (el) { return el.name === name; });
      var button = buttonFor(form, name);
      while (button && fields.length < saved.length && addItem(button)) {
        fields = fieldsOf(form).filter(function (el) { return el.name === name; });
      }
      fields.forEach(function (el, i) {
        if (typeof saved[i] === "string" && saved[i] && !el.value) { el.value = saved[i]; }
      });
    });
  }

  dropLegacyDrafts();
  dropStale();

  Array.prototype.forEach.call(document.querySelectorAll("form[data-clear-drafts]"), function (f) {
    f.addEventListener("submit", forgetAll);
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-clear-draft]"), function (el) {
    forget(el.getAttribute("data-clear-draft"));
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-key]"), function (form) {
    var key = form.getAttribute("data-draft-key");
    setUpAddButtons(form);
    var saved = read(key);
    if (saved) { restore(form, saved); }

    function save() {
      var values = collect(form);
      if (values) { write(key, values); } else { forget(key); }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });
})();
