// Swagger UI on the API documentation page, from the sidecar's local files. Without script
// the page lists every operation; this only adds the interactive view.
(function () {
  "use strict";
  var target = document.getElementById("swagger-ui");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-schema-url"),
    domNode: target,
    deepLinking: false,
    supportedSubmitMethods: [],
    defaultModelsExpandDepth: 0,
    syntaxHighlight: { activated: false },
  });
})();
