// Starts Swagger UI on the API's OpenAPI document; the browser session is used for calls,
// and its CSRF token is sent with every write.
(function () {
  const root = document.getElementById("swagger-ui");
  const csrf = root.dataset.csrf;
  window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (request) {
      if (request.method && request.method.toUpperCase() !== "GET") {
        request.headers["X-CSRFToken"] = csrf;
      }
      return request;
    },
  });
})();
