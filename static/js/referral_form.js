/* The referral form: one submission, persons added inline, live danger-grid result.
   Loaded from a file (the Content-Security-Policy allows no inline script). */
(function () {
  var form = document.getElementById("referral-form");
  if (form) {
    // One submission only: the server also refuses duplicates (idempotency key).
    var submit = document.getElementById("submit-referral");
    form.addEventListener("submit", function () { submit.setAttribute("disabled", "disabled"); });
    window.addEventListener("pageshow", function () { submit.removeAttribute("disabled"); });
    // Add a person: clone the empty form of the formset.
    var button = document.getElementById("add-person");
    var total = document.getElementById("id_persons-TOTAL_FORMS");
    var maxForms = parseInt(document.getElementById("id_persons-MAX_NUM_FORMS").value, 10);
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= maxForms) { return; }
      var html = document.getElementById("person-template").innerHTML.replace(/__prefix__/g, index);
      document.getElementById("persons").insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
      var first = document.getElementById("id_persons-" + index + "-role");
      if (first) { first.focus(); }
      enhance(document.getElementById("persons").lastElementChild);
    });
    // Each card is titled by the person's role, and has a button to remove a person added by mistake
    // (it ticks the formset's "delete" box, shown as is without JavaScript, and hides the card).
    function enhance(card) {
      if (!card || !card.classList.contains("iscg-person")) { return; }
      var role = card.querySelector("select[name$='-role']");
      var title = card.querySelector("[data-person-title]");
      if (role && title) {
        role.addEventListener("change", function () {
          title.textContent = role.options[role.selectedIndex].text;
        });
      }
      var remove = card.querySelector("[data-remove-person]");
      var box = card.querySelector("[data-person-delete] input[type=checkbox]");
      if (remove && box) {
        card.querySelector("[data-person-delete]").hidden = true;
        remove.hidden = false;
        remove.addEventListener("click", function () {
          box.checked = true;
          card.hidden = true;
          button.focus();
        });
      }
    }
    document.querySelectorAll("#persons .iscg-person").forEach(enhance);
  }

  // Danger grid: show the result as soon as the thresholds are met (the server recomputes it).
  var grid = document.getElementById("danger-grid");
  var result = document.getElementById("danger-result");
  if (!grid || !result) { return; }
  var yesThreshold = parseInt(result.dataset.yesThreshold, 10);
  var redThreshold = parseInt(result.dataset.redThreshold, 10);
  function update() {
    var yes = 0, red = 0;
    grid.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
      if (input.value === "yes") {
        yes += 1;
        if (input.dataset.red === "true") { red += 1; }
      }
    });
    var danger = yes >= yesThreshold || red >= redThreshold;
    result.className = "fr-alert fr-alert--sm " + (danger ? "fr-alert--error" : "fr-alert--info");
    result.querySelector("[data-counts]").textContent = result.dataset.countsLabel
      .replace("{yes}", yes).replace("{red}", red);
    result.querySelector("[data-outcome]").textContent = danger ? result.dataset.dangerLabel : result.dataset.noDangerLabel;
  }
  grid.addEventListener("change", update);
  update();
})();
