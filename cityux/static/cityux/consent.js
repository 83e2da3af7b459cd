/* Reopens the cookie banner from any [data-cityux-consent-open] link ("Cookie settings").
   Without JavaScript the link still works: it leads to the cookie settings page. */
(function () {
  "use strict";
  var banner = document.getElementById("cityux-consent");
  if (!banner) return;
  var opener = null;

  function open(event) {
    event.preventDefault();
    opener = event.currentTarget;
    banner.hidden = false;
    banner.querySelector(".cityux-consent__title").focus();
  }

  function close() {
    banner.hidden = true;
    if (opener) opener.focus();
  }

  document.querySelectorAll("[data-cityux-consent-open]").forEach(function (link) {
    link.addEventListener("click", open);
  });
  banner.addEventListener("keydown", function (event) {
    // Escape closes a banner the resident reopened; a first-visit banner waits for a choice.
    if (event.key === "Escape" && opener) close();
  });
})();
