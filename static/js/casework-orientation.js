// Orientation form: the partner fields for an orientation, the recipient for a child-protection
// transmission. Without JavaScript every field stays visible and the server checks the same rule.
(function () {
  "use strict";
  var form = document.querySelector("[data-orientation-form]");
  if (!form) {
    return;
  }
  function groupOf(id) {
    var field = document.getElementById(id);
    return field ? field.closest(".fr-select-group, .fr-input-group") : null;
  }
  var partnerGroups = [groupOf("id_partner"), groupOf("id_partner_type")];
  var recipientGroup = groupOf("id_recipient");
  function update() {
    var checked = form.querySelector("input[name=kind]:checked");
    var isOrientation = !checked || checked.value === "orientation";
    partnerGroups.forEach(function (group) {
      if (group) {
        group.hidden = !isOrientation;
      }
    });
    if (recipientGroup) {
      recipientGroup.hidden = isOrientation;
    }
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      update();
    }
  });
  update();
})();
