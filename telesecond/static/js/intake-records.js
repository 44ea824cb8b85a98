/* The records step of the booking page (templates/booking/_records.html).

   Each file chosen is sent at once, on its own (XMLHttpRequest, for its upload progress),
   to the step's data-upload-url. The bar shows how far it is; the status line (role
   status, so read out politely) says when each file starts and ends. A kept file's row
   comes rendered from the server; a refused file is named with its reason beside the
   field. The "Upload the files" button is for pages without this script, where the files
   go with the form instead. No inline JS: the CSP forbids it. */
(function () {
  "use strict";
  var step = document.querySelector("[data-records-step]");
  if (!step || !window.FormData || !window.XMLHttpRequest || !window.Promise) { return; }
  var form = step.closest("form");
  var input = step.querySelector("#records");
  var kind = step.querySelector("#records-kind");
  var list = step.querySelector("#records-list");
  var none = step.querySelector("#records-none");
  var errors = step.querySelector("#records-error");
  var field = step.querySelector("#records-field");
  var progressBox = step.querySelector("[data-records-progress]");
  var progress = progressBox.querySelector("progress");
  var status = step.querySelector("[data-records-status]");
  var words = step.querySelector("#records-words").dataset;
  var url = step.getAttribute("data-upload-url");
  var token = form.querySelector("input[name=csrf_token]");
  step.querySelector("[data-records-upload]").hidden = true;

  function fill(text, file, reason) {
    return text.replace("{file}", file).replace("{reason}", reason || "");
  }

  function showError(message) {
    var item = document.createElement("li");
    var prefix = document.createElement("span");
    prefix.className = "error-prefix";
    prefix.textContent = words.errorPrefix;
    item.appendChild(prefix);
    item.appendChild(document.createTextNode(" " + message));
    errors.appendChild(item);
    errors.hidden = false;
    field.classList.add("has-error");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "records-hint records-error");
  }

  function clearErrors() {
    errors.textContent = "";
    errors.hidden = true;
    field.classList.remove("has-error");
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", "records-hint");
  }

  function addRow(html) {
    var holder = document.createElement("ul");
    holder.innerHTML = html; // rendered and escaped by the server
    while (holder.firstElementChild) { list.appendChild(holder.firstElementChild); }
    none.hidden = true;
  }

  function answer(xhr) {
    try { return JSON.parse(xhr.responseText); } catch (e) { return null; }
  }

  function send(file) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrf_token", token ? token.value : "");
      data.append("records_kind", kind.value);
      data.append("records", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      progress.value = 0;
      status.textContent = fill(words.uploading, file.name);
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          progress.value = Math.round((event.loaded / event.total) * 100);
        }
      });
      xhr.addEventListener("load", function () {
        var body = answer(xhr);
        progress.value = 100;
        if (body && body.records) {
          body.records.forEach(function (record) { addRow(record.html); });
          (body.errors || []).forEach(function (error) {
            showError(fill(words.failed, error.filename, error.message));
          });
          status.textContent = body.records.length
            ? fill(words.uploaded, file.name)
            : fill(words.failed, file.name, ((body.errors || [])[0] || {}).message);
        } else {
          var reason = xhr.status === 413 ? words.tooLarge : words.network;
          showError(fill(words.failed, file.name, reason));
          status.textContent = fill(words.failed, file.name, reason);
        }
        resolve();
      });
      xhr.addEventListener("error", function () {
        showError(fill(words.failed, file.name, words.network));
        status.textContent = fill(words.failed, file.name, words.network);
        resolve();
      });
      xhr.send(data);
    });
  }

  input.addEventListener("change", function () {
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { return; }
    clearErrors();
    progressBox.hidden = false;
    files.reduce(function (done, file) {
      return done.then(function () { return send(file); });
    }, Promise.resolve()).then(function () {
      input.value = ""; // sent already: the booking form must not send them again
    });
  });
})();
