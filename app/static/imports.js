// The import page while a job runs: poll its progress, show it, and reload when it is done.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh) to the same effect.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var bar = document.getElementById("job-bar");
  var count = document.getElementById("job-count");
  var stage = document.getElementById("job-stage");
  var words = JSON.parse(box.getAttribute("data-words"));

  function show(progress) {
    stage.textContent = words[progress.stage] || words.reading;
    if (progress.total && progress.stage === "checking") {
      bar.max = progress.total;
      bar.value = progress.done;
    } else {
      bar.removeAttribute("value");  // indeterminate: writing is one transaction
    }
    count.textContent = progress.total
      ? words.rows.replace("{done}", progress.done).replace("{total}", progress.total)
      : "";
  }

  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        if (!progress.job || progress.stalled) {
          window.location.reload();
        } else {
          show(progress);
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
