// The check-in page's camera: read the worker's QR code and submit it like a typed code.
//
// Uses the browser's own BarcodeDetector (Chrome and Edge on Android, some desktop browsers);
// where it is missing (iOS Safari, WeChat's browser, Firefox) the scan button stays hidden and
// typing the code, which always works, is all there is. No external library, nothing inline.
(function () {
  "use strict";

  // Check-in codes: 8 characters from an alphabet without 0/O and 1/I (bookings/services).
  var CODE_RE = /[A-HJ-NP-Z2-9]{6,12}/g;

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // What a QR code carries: the code itself, or a link with ?code=...
  function codeFrom(raw) {
    var text = String(raw || "").trim();
    var match = /[?&]code=([^&#]+)/i.exec(text);
    if (match) text = decodeURIComponent(match[1]);
    var found = text.toUpperCase().replace(/[\s-]/g, "").match(CODE_RE);
    return found ? found[found.length - 1] : "";
  }

  function canScan() {
    return (
      "BarcodeDetector" in window &&
      !!navigator.mediaDevices &&
      typeof navigator.mediaDevices.getUserMedia === "function"
    );
  }

  onReady(function () {
    var form = document.querySelector("[data-checkin-form]");
    if (!form) return;
    var input = form.querySelector("input[name=code]");
    var startButton = form.querySelector("[data-scan-start]");
    var unsupported = form.querySelector("[data-scan-unsupported]");
    var panel = form.querySelector("[data-scanner]");
    var video = form.querySelector("[data-scan-video]");
    var status = form.querySelector("[data-scan-status]");
    var stopButton = form.querySelector("[data-scan-stop]");
    var stream = null;
    var timer = null;
    var submitted = false;

    // Typed codes: capitals and no spaces as one types (the server normalises them anyway).
    if (input) {
      input.addEventListener("input", function () {
        var at = input.selectionStart;
        var cleaned = input.value.toUpperCase().replace(/\s/g, "");
        if (cleaned !== input.value) {
          input.value = cleaned;
          if (at !== null) input.setSelectionRange(Math.min(at, cleaned.length), Math.min(at, cleaned.length));
        }
      });
    }

    if (!startButton || !panel || !video) return;
    if (!canScan()) {
      if (unsupported) unsupported.hidden = false;
      return;
    }

    function say(key) {
      if (status) status.textContent = panel.getAttribute("data-msg-" + key) || "";
    }

    function stop() {
      if (timer) window.clearTimeout(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      video.srcObject = null;
      panel.hidden = true;
      startButton.hidden = false;
    }

    function submitCode(code) {
      if (submitted) return;
      submitted = true;
      input.value = code;
      say("found");
      stop();
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }

    function start(detector) {
      panel.hidden = false;
      startButton.hidden = true;
      say("starting");
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          return video.play();
        })
        .then(function () {
          say("looking");
          var scan = function () {
            if (!stream) return;
            detector
              .detect(video)
              .then(function (codes) {
                for (var i = 0; i < codes.length; i++) {
                  var code = codeFrom(codes[i].rawValue);
                  if (code) return submitCode(code);
                }
                timer = window.setTimeout(scan, 200);
              })
              .catch(function () {
                timer = window.setTimeout(scan, 400);
              });
          };
          scan();
        })
        .catch(function () {
          stop();
          // The panel is closed again: say why below the scan button.
          var note = form.querySelector("[data-scan-error]");
          if (!note) {
            note = document.createElement("p");
            note.className = "errorlist";
            note.setAttribute("role", "alert");
            note.setAttribute("data-scan-error", "");
            startButton.insertAdjacentElement("afterend", note);
          }
          note.textContent = panel.getAttribute("data-msg-denied");
          if (input) input.focus();
        });
    }

    window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") === -1) {
          if (unsupported) unsupported.hidden = false;
          return;
        }
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        startButton.hidden = false;
        startButton.addEventListener("click", function () { start(detector); });
        if (stopButton) stopButton.addEventListener("click", function () { stop(); if (input) input.focus(); });
        // Leaving the page or hiding the tab turns the camera off.
        document.addEventListener("visibilitychange", function () { if (document.hidden) stop(); });
        window.addEventListener("pagehide", stop);
      })
      .catch(function () {
        if (unsupported) unsupported.hidden = false;
      });
  });
})();
