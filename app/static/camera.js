// The scan page's camera: reads QR labels continuously from the video and sends each code
// through the scan form, as if typed (static/scan.js queues it). The browser's own
// BarcodeDetector is used where it reads QR codes (Chrome on Android); elsewhere (iPhones,
// Firefox, desktop Chrome on Linux) the zxing-wasm decoder, which the app serves from its npm
// install under /vendor/ (app/vendor.py), never from a CDN: the polyfill's default. A camera
// that cannot start says why, and typing and the photo stay where they are.
(function () {
  "use strict";
  var page = document.querySelector(".scan-page");
  var form = page && page.querySelector(".scan-form");
  var camera = form && form.querySelector(".camera");
  if (!camera) return;

  var CACHE = "reshelf-scan-v1"; // the service worker's cache (static/sw.js)
  var NATIVE_PAUSE_MS = 150;
  var WASM_PAUSE_MS = 250; // about four frames a second: decoding in wasm costs battery
  var ERROR_PAUSE_MS = 500; // no frame yet, or one the decoder refused
  var SAME_CODE_MS = 3000; // the same label seen again within this is one scan, not two
  var messages = JSON.parse(camera.dataset.messages);
  var start = camera.querySelector("[data-camera-start]");
  var startBox = camera.querySelector("[data-camera-start-box]");
  var problem = camera.querySelector("[data-camera-problem]");
  var video = camera.querySelector("video");
  var codeField = form.querySelector("input[name=code]");
  var running = { wanted: false, starting: false, stream: null, timer: null };
  var last = { code: "", at: 0 };
  var reader = null; // a promise of {detector, pause}, made once

  // --- the detector: the browser's own, or the decoder from our server ------------------

  function nativeDetector() {
    var Native = window.BarcodeDetector;
    if (!Native || !Native.getSupportedFormats) return Promise.resolve(null);
    return Native.getSupportedFormats().then(function (formats) {
      return formats.indexOf("qr_code") === -1 ? null : new Native({ formats: ["qr_code"] });
    }, function () { return null; });
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function wasmDetector() {
    var wasmUrl = new URL(page.dataset.decoderWasmUrl, window.location.href).href;
    return loadScript(page.dataset.decoderUrl).then(function () {
      var api = window.BarcodeDetectionAPI;
      return api.prepareZXingModule({
        overrides: {
          locateFile: function (path, prefix) {
            return /\.wasm$/.test(path) ? wasmUrl : prefix + path;
          }
        },
        fireImmediately: true // load the .wasm now, so a failure shows before scanning
      }).then(function () { return new api.BarcodeDetector({ formats: ["qr_code"] }); });
    });
  }

  function detector() {
    if (!reader) {
      reader = nativeDetector().then(function (native) {
        if (native) return { detector: native, pause: NATIVE_PAUSE_MS };
        return wasmDetector().then(function (wasm) {
          return { detector: wasm, pause: WASM_PAUSE_MS };
        });
      }).catch(function () {
        reader = null; // try again on the next press
        throw { decoder: true };
      });
    }
    return reader;
  }

  // Without signal the decoder must come from the service worker's copy: keep one.
  function keepDecoder() {
    if (!window.caches || !navigator.onLine) return;
    [page.dataset.decoderUrl, page.dataset.decoderWasmUrl].forEach(function (url) {
      var key = new URL(url, window.location.href).pathname; // the worker keeps one per path
      caches.open(CACHE).then(function (cache) {
        return cache.match(key).then(function (hit) {
          if (hit) return null;
          return fetch(url, { credentials: "same-origin" }).then(function (response) {
            if (response.ok) return cache.put(key, response);
          });
        });
      }).catch(function () {});
    });
  }

  // --- the camera ---------------------------------------------------------------------------

  function openCamera() {
    if (!window.isSecureContext) return Promise.reject({ insecure: true });
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject({});
    }
    return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  }

  function why(error) {
    var name = error && error.name;
    if (error && error.insecure) return messages.insecure;
    if (error && error.decoder) return messages.decoder;
    if (name === "NotAllowedError" || name === "SecurityError") return messages.denied;
    if (name === "NotFoundError" || name === "OverconstrainedError") return messages.missing;
    if (name === "NotReadableError" || name === "AbortError") return messages.busy;
    return messages.failed;
  }

  function stopTracks(stream) {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
  }

  function startCamera() {
    running.wanted = true;
    if (running.starting) return; // shown again while the first start waits for permission
    running.starting = true;
    problem.hidden = true;
    start.disabled = true;
    var opening = openCamera();
    Promise.all([opening, detector()])
      .then(function (both) {
        if (!running.wanted || document.hidden) return stopTracks(both[0]);
        running.stream = both[0];
        video.srcObject = both[0];
        video.hidden = false;
        startBox.hidden = true;
        return video.play().then(function () { look(both[1]); });
      })
      .catch(function (error) {
        opening.then(stopTracks, function () {});
        stopCamera();
        running.wanted = false;
        problem.textContent = why(error) + " " + messages.instead;
        problem.hidden = false;
        startBox.hidden = Boolean(error && error.insecure); // pressing again cannot help
      })
      .then(function () {
        running.starting = false;
        start.disabled = false;
        if (running.wanted && !running.stream && !document.hidden) startCamera();
      });
  }

  function stopCamera() {
    window.clearTimeout(running.timer);
    running.timer = null;
    stopTracks(running.stream);
    running.stream = null;
    video.srcObject = null;
    video.hidden = true;
    startBox.hidden = false;
  }

  function look(reading) {
    if (!running.stream) return;
    reading.detector.detect(video)
      .then(function (codes) {
        var now = Date.now();
        var code = codes.length ? codes[0].rawValue : "";
        if (code && (code !== last.code || now - last.at > SAME_CODE_MS)) {
          last = { code: code, at: now };
          codeField.value = code;
          form.requestSubmit();
        }
        return reading.pause;
      }, function () { return ERROR_PAUSE_MS; })
      .then(function (pause) {
        if (!running.stream) return;
        running.timer = window.setTimeout(function () { look(reading); }, pause);
      });
  }

  // A hidden page lets the camera go (and the battery rest); it starts again when seen.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      if (running.stream) stopCamera();
    } else if (running.wanted && !running.stream) {
      startCamera();
    }
  });

  start.addEventListener("click", startCamera);
  camera.hidden = false;
  nativeDetector().then(function (native) { if (!native) keepDecoder(); });
})();
