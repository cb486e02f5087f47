// Progressive enhancement of the catalogue: a new sort order applies at once. Without JavaScript the
// "Trier" button beside the list (hidden when this script runs) sends the same form.
(function () {
  "use strict";

  document.querySelectorAll("[data-hidden-with-js]").forEach(function (button) {
    button.hidden = true;
  });

  document.querySelectorAll("[data-submit-on-change]").forEach(function (field) {
    field.addEventListener("change", function () {
      var form = field.form;
      if (!form) {
        return;
      }
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });
  });
})();
