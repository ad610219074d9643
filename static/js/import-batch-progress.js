// Import batch checked or imported by the worker: ask its state every two seconds, show the lines
// read and the errors so far, and load the page again once the worker is done (preview, result or
// failure). Without JavaScript, the "Refresh" link does it. No inline script: the CSP forbids them.
(function () {
  "use strict";
  var box = document.querySelector("[data-batch-state-url]");
  if (!box) {
    return;
  }
  var text = box.querySelector("[data-progress-text]");
  function poll() {
    fetch(box.getAttribute("data-batch-state-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : Promise.reject(response.status);
      })
      .then(function (state) {
        if (!state.pending) {
          window.location.reload();
          return;
        }
        text.textContent = state.label;
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 2000);
})();
