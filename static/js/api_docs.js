// Renders the OpenAPI document with Redoc (served from our static files). Redoc writes the API's title
// as an <h1>; the page already has its own, so Redoc's becomes an <h2> (one <h1> a page, in order).
(function () {
  "use strict";
  var container = document.getElementById("redoc");
  if (!container || !window.Redoc) {
    return;
  }
  // Redoc's bundle always draws its attribution logo from Redocly's CDN: a third-party request that the
  // site's policy refuses (img-src 'self'), logged as an error in every visitor's console. The address is
  // dropped before any request; Redoc then hides the logo and keeps its text link.
  var isRedoclyLogo = function (value) {
    return String(value).indexOf("https://cdn.redoc.ly/") === 0;
  };
  var setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (name, value) {
    if (!(this.tagName === "IMG" && name === "src" && isRedoclyLogo(value))) {
      setAttribute.call(this, name, value);
    }
  };
  var source = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
  Object.defineProperty(HTMLImageElement.prototype, "src", {
    configurable: true,
    get: source.get,
    set: function (value) {
      if (!isRedoclyLogo(value)) {
        source.set.call(this, value);
      }
    },
  });
  window.Redoc.init(container.getAttribute("data-spec-url"), { hideDownloadButton: true }, container, function () {
    container.querySelectorAll("h1").forEach(function (heading) {
      var replacement = document.createElement("h2");
      replacement.className = heading.className;
      replacement.innerHTML = heading.innerHTML;
      heading.replaceWith(replacement);
    });
  });
})();
