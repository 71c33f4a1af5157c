'use strict';
// The trace types the dashboards draw (dashboards/figures.py). scatter comes with the core.
// tests/dashboards/test_bundle.py fails when a page draws a type that is not listed here.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/sankey')
]);

module.exports = Plotly;
