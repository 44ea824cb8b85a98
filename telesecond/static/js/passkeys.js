/* Passkeys: add one on the two-factor page ([data-passkey-register]) and use one at the
   second step of signing in ([data-passkey-sign-in]). The server sends WebAuthn options
   as JSON with binary fields in base64url; they are turned into bytes for
   navigator.credentials, and the answer goes back as JSON in base64url. Requests carry
   the page's CSRF token. Both parts start hidden, and show only where WebAuthn works.
   Loaded with `defer`; no inline JS (the CSP forbids it). */
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i += 1) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, csrf, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error(body.detail || "The request was refused.");
          error.redirect = body.redirect;
          throw error;
        }
        return body;
      });
    });
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function credentialJson(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toText(response.attestationObject);
      if (response.getTransports) { json.response.transports = response.getTransports(); }
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      if (response.userHandle) { json.response.userHandle = toText(response.userHandle); }
    }
    if (credential.authenticatorAttachment) {
      json.authenticatorAttachment = credential.authenticatorAttachment;
    }
    return json;
  }

  function say(status, message) {
    if (status) { status.textContent = message; }
  }

  var register = document.querySelector("[data-passkey-register]");
  if (register) {
    register.hidden = false;
    register.addEventListener("submit", function (event) {
      event.preventDefault();
      var csrf = register.getAttribute("data-csrf");
      var status = document.getElementById("passkey-status");
      var name = register.querySelector("[name=name]").value.trim();
      if (!name) { say(status, "Give the passkey a name first."); return; }
      say(status, "Follow your browser's prompt to create the passkey…");
      post(register.getAttribute("data-options-url"), csrf, {}).then(function (options) {
        options.challenge = toBytes(options.challenge);
        options.user.id = toBytes(options.user.id);
        options.excludeCredentials = descriptors(options.excludeCredentials);
        return navigator.credentials.create({ publicKey: options });
      }).then(function (credential) {
        return post(register.getAttribute("data-register-url"), csrf, {
          name: name, credential: credentialJson(credential)
        });
      }).then(function (body) {
        window.location.assign(body.redirect);
      }).catch(function (error) {
        say(status, "The passkey was not added: " + error.message);
      });
    });
  }

  var signIn = document.querySelector("[data-passkey-sign-in]");
  if (signIn) {
    signIn.hidden = false;
    signIn.querySelector("[data-passkey-start]").addEventListener("click", function () {
      var csrf = signIn.getAttribute("data-csrf");
      var status = document.getElementById("passkey-status");
      say(status, "Follow your browser's prompt to use your passkey…");
      post(signIn.getAttribute("data-options-url"), csrf, {}).then(function (options) {
        options.challenge = toBytes(options.challenge);
        options.allowCredentials = descriptors(options.allowCredentials);
        return navigator.credentials.get({ publicKey: options });
      }).then(function (credential) {
        return post(signIn.getAttribute("data-verify-url"), csrf, {
          credential: credentialJson(credential)
        });
      }).then(function (body) {
        window.location.assign(body.redirect);
      }).catch(function (error) {
        if (error.redirect) { window.location.assign(error.redirect); return; }
        say(status, "That did not work: " + error.message);
      });
    });
  }
})();
