// Bilan document prepared by the worker: ask its state every two seconds, show the progress, and
// load the page again once it is ready (or failed). Without JavaScript, the "Refresh" link does it.
// No inline script: the CSP forbids them.
(function () {
  "use strict";
  var box = document.querySelector("[data-document-state-url]");
  if (!box) {
    return;
  }
  var text = box.querySelector("[data-progress-text]");
  var bar = box.querySelector("progress");
  function poll() {
    fetch(box.getAttribute("data-document-state-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response.status);
      })
      .then(function (state) {
        if (state.status !== "queued" && state.status !== "running") {
          window.location.reload();
          return;
        }
        bar.value = state.progress;
        text.textContent = state.label;
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 2000);
})();
