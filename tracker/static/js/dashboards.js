/* Draws every dashboard figure from its <script type="application/json"> and wires matrix clicks. */
(function () {
  "use strict";

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    var config = {
      responsive: true,
      displaylogo: false,
      // The mode bar speaks the page's language (plotly-locale-zh-cn.js registers zh-CN).
      locale: document.documentElement.lang.indexOf("zh") === 0 ? "zh-CN" : "en-US",
      // No map is drawn, but should one ever be, its shapes come from the app, not the network.
      topojsonURL: "/static/vendor/plotly/topojson/",
      modeBarButtonsToRemove: ["sendDataToCloud"],
      toImageButtonOptions: { format: "png", filename: element.id, scale: 2 }
    };
    Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      var template = element.getAttribute("data-pair-url");
      if (!template) { return; }
      element.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        if (!point) { return; }
        // The heat map's categories are department codes: rows (y) providers, columns (x) consumers.
        var pair = point.customdata || [point.y, point.x];
        if (pair[0] === undefined || pair[1] === undefined) { return; }
        window.location.href = template
          .replace("__P__", encodeURIComponent(pair[0]))
          .replace("__C__", encodeURIComponent(pair[1]));
      });
    });
  }

  function start() {
    var elements = document.querySelectorAll("[data-figure]");
    for (var i = 0; i < elements.length; i += 1) { draw(elements[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
