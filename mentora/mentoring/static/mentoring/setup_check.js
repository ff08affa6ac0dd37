// Camera and microphone test for the setup check page. Nothing leaves the
// device: the stream feeds a local <video> preview and a level meter.
(function () {
  "use strict";
  var box = document.getElementById("media-test");
  if (!box || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return; // the page's checklist still explains what to check
  }
  box.hidden = false;
  var noJs = document.getElementById("media-nojs");
  if (noJs) noJs.hidden = true;

  var start = document.getElementById("media-start");
  var stop = document.getElementById("media-stop");
  var video = document.getElementById("media-preview");
  var meter = document.getElementById("media-level");
  var status = document.getElementById("media-status");
  var stream = null;
  var audio = null;
  var frame = 0;

  function say(text) { status.textContent = text; }

  function listen(s) {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx || s.getAudioTracks().length === 0) return;
    audio = new Ctx();
    var analyser = audio.createAnalyser();
    analyser.fftSize = 512;
    audio.createMediaStreamSource(s).connect(analyser);
    var data = new Uint8Array(analyser.fftSize);
    (function tick() {
      analyser.getByteTimeDomainData(data);
      var peak = 0;
      for (var i = 0; i < data.length; i++) {
        peak = Math.max(peak, Math.abs(data[i] - 128) / 128);
      }
      meter.value = Math.min(1, peak * 2);
      frame = window.requestAnimationFrame(tick);
    })();
  }

  function end() {
    if (frame) window.cancelAnimationFrame(frame);
    if (audio) audio.close();
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null; audio = null; frame = 0;
    video.srcObject = null; meter.value = 0;
    start.disabled = false; stop.disabled = true;
  }

  start.addEventListener("click", function () {
    say("Asking your browser for the camera and microphone…");
    navigator.mediaDevices.getUserMedia({ video: true, audio: true }).then(function (s) {
      stream = s;
      video.srcObject = s;
      listen(s);
      start.disabled = true; stop.disabled = false;
      say("You should see yourself, and the bar should move when you speak.");
    }).catch(function (err) {
      var name = err && err.name;
      if (name === "NotAllowedError") {
        say("The browser was not allowed to use them. Allow camera and microphone in the address bar, then try again.");
      } else if (name === "NotFoundError") {
        say("No camera or microphone was found. Plug one in, then try again.");
      } else if (name === "NotReadableError") {
        say("Another app is using the camera or microphone. Close it, then try again.");
      } else {
        say("The test could not start (" + (name || "unknown problem") + ").");
      }
    });
  });
  stop.addEventListener("click", function () { end(); say("Test stopped."); });
  window.addEventListener("pagehide", end);
})();
