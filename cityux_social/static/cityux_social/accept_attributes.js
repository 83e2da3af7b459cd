/* The accept form shows only the Open311 details of the chosen type of request.
 *
 * Without JavaScript every group stays visible (each says which type it is for); the server
 * validates and sends only the chosen type's group either way.
 */
(function () {
  "use strict";

  function sync(select) {
    var groups = document.querySelectorAll("fieldset[data-request-type]");
    Array.prototype.forEach.call(groups, function (group) {
      group.hidden = group.getAttribute("data-request-type") !== select.value;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("#accept select[name='request_type']");
    if (!select) return;
    sync(select);
    select.addEventListener("change", function () { sync(select); });
  });
})();
