/* Device test: a local camera preview and a microphone level, with device choice.
   Nothing is sent anywhere; the tracks stop when the test stops or the page closes. */
(function () {
  "use strict";
  var root = document.querySelector("[data-device-test]");
  if (!root) { return; }
  var video = root.querySelector("[data-device-preview]");
  var status = root.querySelector("[data-device-status]");
  var level = root.querySelector("[data-device-level]");
  var start = root.querySelector("[data-device-start]");
  var stop = root.querySelector("[data-device-stop]");
  var cameras = root.querySelector("[data-device-camera]");
  var microphones = root.querySelector("[data-device-microphone]");
  var stream = null, audio = null, frame = 0;

  // The page's words for what the script says (English when an attribute is missing).
  function text(key, fallback, value) {
    return (root.getAttribute("data-text-" + key) || fallback).replace("{value}", value || "");
  }

  function say(text, kind) {
    status.textContent = text;
    status.className = "notice notice-" + (kind || "info");
  }

  function halt() {
    if (frame) { window.cancelAnimationFrame(frame); frame = 0; }
    if (audio) { audio.close(); audio = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.srcObject = null;
    level.value = 0;
  }

  function meter(source) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !source.getAudioTracks().length) { return; }
    audio = new Context();
    var analyser = audio.createAnalyser();
    analyser.fftSize = 512;
    audio.createMediaStreamSource(source).connect(analyser);
    var samples = new Uint8Array(analyser.fftSize);
    (function draw() {
      analyser.getByteTimeDomainData(samples);
      var peak = 0;
      for (var i = 0; i < samples.length; i++) {
        peak = Math.max(peak, Math.abs(samples[i] - 128) / 128);
      }
      level.value = peak;
      level.textContent = Math.round(peak * 100) + "%";
      frame = window.requestAnimationFrame(draw);
    })();
  }

  function fill(select, devices, kind, current) {
    select.innerHTML = "";
    devices.filter(function (d) { return d.kind === kind; }).forEach(function (d, i) {
      var option = document.createElement("option");
      option.value = d.deviceId;
      option.textContent = d.label || (kind === "videoinput" ? text("camera-n", "Camera {value}", i + 1) :
        text("microphone-n", "Microphone {value}", i + 1));
      option.selected = d.deviceId === current;
      select.appendChild(option);
    });
    select.disabled = select.options.length === 0;
  }

  function run() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(text("unsupported", "This browser cannot use a camera here. Please use a recent browser over a secure (https) connection."), "error");
      return;
    }
    halt();
    say(text("asking", "Asking for your camera and microphone…"));
    var constraints = {
      video: cameras.value ? { deviceId: { exact: cameras.value } } : true,
      audio: microphones.value ? { deviceId: { exact: microphones.value } } : true
    };
    navigator.mediaDevices.getUserMedia(constraints).then(function (media) {
      stream = media;
      video.srcObject = media;
      var play = video.play();
      if (play && play.catch) { play.catch(function () {}); }
      meter(media);
      start.hidden = true;
      stop.hidden = false;
      say(text("works", "Your camera and microphone work. You should see yourself above; speak to see the level move."), "success");
      // The case page's checklist shows the test as done on this device.
      try { window.localStorage.setItem("telesecond:device-tested", new Date().toISOString()); } catch (e) { /* private mode */ }
      var videoTrack = media.getVideoTracks()[0], audioTrack = media.getAudioTracks()[0];
      return navigator.mediaDevices.enumerateDevices().then(function (devices) {
        fill(cameras, devices, "videoinput", videoTrack && videoTrack.getSettings().deviceId);
        fill(microphones, devices, "audioinput", audioTrack && audioTrack.getSettings().deviceId);
      });
    }).catch(function (error) {
      var name = error && error.name;
      if (name === "NotAllowedError") {
        say(text("not-allowed", "The browser was not allowed to use the camera or microphone. Allow them in the site settings, then try again."), "error");
      } else if (name === "NotFoundError" || name === "OverconstrainedError") {
        say(text("not-found", "No camera or microphone was found. Check that one is connected, then try again."), "error");
      } else if (name === "NotReadableError") {
        say(text("busy", "The camera or microphone is busy. Close other apps that use it, then try again."), "error");
      } else {
        say(text("failed", "The test could not start ({value}).", name || text("unknown-error", "unknown error")), "error");
      }
    });
  }

  start.addEventListener("click", run);
  cameras.addEventListener("change", run);
  microphones.addEventListener("change", run);
  stop.addEventListener("click", function () {
    halt();
    stop.hidden = true;
    start.hidden = false;
    start.focus();
    say(text("stopped", "The test is stopped; the camera and microphone are off."));
  });
  window.addEventListener("pagehide", halt);
})();
