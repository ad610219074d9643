// History import: once the import is confirmed, show that it is running (it takes up to a minute
// for a large file) and prevent a second submission. No inline script: the CSP forbids them.
(function () {
  "use strict";
  var form = document.querySelector("form[data-import-confirm]");
  var status = document.getElementById("import-progress");
  if (!form || !status) {
    return;
  }
  form.addEventListener("submit", function () {
    var buttons = form.querySelectorAll("button[type=submit]");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].disabled = true;
    }
    status.classList.remove("fr-hidden");
  });
})();
