/* The Twilio Video call page: connect with the token the server gave, show local and
   remote tracks, mute, camera off, leave. twilio-video.js is served from /static/vendor. */
(function () {
  "use strict";
  var root = document.querySelector("[data-call]");
  if (!root) { return; }
  var status = root.querySelector("[data-call-status]");
  var local = root.querySelector("[data-call-local]");
  var remote = root.querySelector("[data-call-remote]");
  var empty = root.querySelector("[data-call-empty]");
  var mute = root.querySelector("[data-call-mute]");
  var camera = root.querySelector("[data-call-camera]");
  var leave = root.querySelector("[data-call-leave]");
  var room = null;

  // The page's words for what the script says (English when an attribute is missing).
  function text(key, fallback, reason) {
    var value = root.getAttribute("data-text-" + key) || fallback;
    return value.replace("{reason}", reason || "");
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = "notice notice-" + (kind || "info");
  }

  if (!window.Twilio || !window.Twilio.Video) {
    say(text("load-failed", "The video library could not be loaded. Please reload the page."), "error");
    return;
  }
  var Video = window.Twilio.Video;

  function attach(track, box) {
    if (track.kind === "video" || track.kind === "audio") {
      box.appendChild(track.attach());
    }
  }

  function detach(track) {
    track.detach().forEach(function (el) { el.remove(); });
  }

  function addParticipant(participant) {
    if (empty) { empty.hidden = true; }
    var box = document.createElement("div");
    box.id = "participant-" + participant.sid;
    var label = document.createElement("p");
    label.textContent = participant.identity.indexOf("specialist-") === 0 ? text("specialist", "Specialist") :
      participant.identity.indexOf("patient-") === 0 ? text("patient", "Patient") : text("guest", "Guest");
    box.appendChild(label);
    remote.appendChild(box);
    participant.tracks.forEach(function (publication) {
      if (publication.track) { attach(publication.track, box); }
    });
    participant.on("trackSubscribed", function (track) { attach(track, box); });
    participant.on("trackUnsubscribed", detach);
  }

  function removeParticipant(participant) {
    var box = document.getElementById("participant-" + participant.sid);
    if (box) { box.remove(); }
    if (empty && room && room.participants.size === 0) { empty.hidden = false; }
  }

  Video.createLocalTracks({ audio: true, video: { width: 640 } }).then(function (tracks) {
    tracks.forEach(function (track) { attach(track, local); });
    return Video.connect(root.getAttribute("data-token"), {
      name: root.getAttribute("data-room"),
      tracks: tracks
    });
  }).then(function (connected) {
    room = connected;
    say(text("joined", "You are in the call."), "success");
    room.participants.forEach(addParticipant);
    room.on("participantConnected", addParticipant);
    room.on("participantDisconnected", removeParticipant);
    room.on("disconnected", function (r, error) {
      r.localParticipant.tracks.forEach(function (p) { p.track.stop(); detach(p.track); });
      say(error ? text("disconnected", "The call was disconnected ({reason}).", error.message || error.code) :
        text("left", "You left the call."), error ? "error" : "info");
    });
  }).catch(function (error) {
    say(text("join-failed", "Could not join the call: {reason}. Check your camera and microphone permissions and reload the page.",
      error && (error.message || error.name) || text("unknown-error", "unknown error")), "error");
  });

  function toggle(button, kind, onLabel, offLabel) {
    button.addEventListener("click", function () {
      if (!room) { return; }
      var pressed = button.getAttribute("aria-pressed") === "true";
      room.localParticipant[kind + "Tracks"].forEach(function (p) {
        if (pressed) { p.track.enable(); } else { p.track.disable(); }
      });
      button.setAttribute("aria-pressed", String(!pressed));
      button.textContent = pressed ? onLabel : offLabel;
    });
  }
  toggle(mute, "audio", text("mute", "Mute microphone"), text("unmute", "Unmute microphone"));
  toggle(camera, "video", text("camera-off", "Turn camera off"), text("camera-on", "Turn camera on"));
  leave.addEventListener("click", function () { if (room) { room.disconnect(); } });
  window.addEventListener("pagehide", function () { if (room) { room.disconnect(); } });
})();
