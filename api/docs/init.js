// Starts Swagger UI on the server's own OpenAPI document. A file of its own,
// not an inline script, so that the page's CSP can forbid inline code.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // Off: it would send the document to validator.swagger.io (and the CSP
    // would refuse the request anyway).
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
  });
});
