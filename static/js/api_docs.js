// Renders the OpenAPI document with Redoc (served from our static files). Redoc writes the API's title
// as an <h1>; the page already has its own, so Redoc's becomes an <h2> (one <h1> a page, in order).
(function () {
  "use strict";
  var container = document.getElementById("redoc");
  if (!container || !window.Redoc) {
    return;
  }
  window.Redoc.init(container.getAttribute("data-spec-url"), { hideDownloadButton: true }, container, function () {
    container.querySelectorAll("h1").forEach(function (heading) {
      var replacement = document.createElement("h2");
      replacement.className = heading.className;
      replacement.innerHTML = heading.innerHTML;
      heading.replaceWith(replacement);
    });
  });
})();
