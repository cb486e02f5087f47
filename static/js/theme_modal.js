// The theme modal's three pictures are fetched when the modal first opens, not on every first visit of every
// page (11 kB and three requests). The template gives each picture's address in data-portail-artwork; once the
// modal is disclosed the picture becomes the <img> the DSFR expects, and data-fr-inject-svg asks the DSFR to
// inline it (so that it follows the theme's colours), as it would have done on load.
(function () {
  "use strict";

  var modal = document.getElementById("fr-theme-modal");
  if (!modal) {
    return;
  }
  modal.addEventListener("dsfr.disclose", function () {
    modal.querySelectorAll("[data-portail-artwork]").forEach(function (holder) {
      var picture = document.createElement("img");
      picture.alt = "";
      picture.src = holder.getAttribute("data-portail-artwork");
      holder.removeAttribute("data-portail-artwork");
      holder.appendChild(picture);
      holder.setAttribute("data-fr-inject-svg", "");
    });
  });
})();
