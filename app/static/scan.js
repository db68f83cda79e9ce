// Scanning page: the camera where the browser has a BarcodeDetector (Chrome on Android),
// and the scan time on every submitted scan. Without JavaScript the page still works: a typed
// code, a hardware scanner typing plus Enter, or a photo decoded on the server.
(function () {
  "use strict";
  var form = document.querySelector(".scan-form");
  if (!form) return;
  var code = form.querySelector("input[name=code]");
  var when = form.querySelector("input[name=scanned_at]");

  form.addEventListener("submit", function () {
    when.value = new Date().toISOString();
  });

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var camera = form.querySelector(".camera");
  var start = camera.querySelector("[data-camera-start]");
  var video = camera.querySelector("video");
  camera.hidden = false;

  start.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        return video.play().then(function () { look(detector, stream); });
      })
      .catch(function () { camera.hidden = true; });
  });

  function look(detector, stream) {
    detector.detect(video).then(function (found) {
      if (found.length) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        code.value = found[0].rawValue;
        form.requestSubmit();
      } else {
        window.setTimeout(function () { look(detector, stream); }, 150);
      }
    }).catch(function () { window.setTimeout(function () { look(detector, stream); }, 500); });
  }
})();
