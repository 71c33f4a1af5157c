// Builds tracker/static/vendor/plotly/ from plotly.js's sources: `make plotly-bundle`.
// Same esbuild settings as plotly.js's own bundles (its esbuild-config.js), fewer trace types.
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

const plotly = path.dirname(require.resolve('plotly.js/package.json'));
const out = path.resolve(__dirname, '../../tracker/static/vendor/plotly');
const bundle = path.join(out, 'plotly-dashboards.min.js');

// Defaults for features the dashboards never use (maps, Chart Studio) name plotly's servers;
// point them at nothing outside the app, so the served file names no other host.
const DEFAULTS = [
    ['dflt:"https://cdn.plot.ly/un/"', 'dflt:"/static/vendor/plotly/topojson/"'],
    ['dflt:"https://cloud.plotly.com/newchart"', 'dflt:""'],
];

esbuild.build({
    entryPoints: [path.join(__dirname, 'entry.js')],
    outfile: bundle,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'warning',
}).then(() => {
    let text = fs.readFileSync(bundle, 'utf8');
    for (const [from, to] of DEFAULTS) {
        if (!text.includes(from)) { throw new Error(`${from} is not in the bundle: check the plotly.js version`); }
        text = text.replace(from, to);
    }
    const version = require('plotly.js/package.json').version;
    fs.writeFileSync(bundle, `/* plotly.js ${version} (bar, heatmap, sankey, scatter), MIT licence: LICENSE */\n${text}`);
    fs.copyFileSync(path.join(plotly, 'dist', 'plotly-locale-zh-cn.js'), path.join(out, 'plotly-locale-zh-cn.js'));
    fs.copyFileSync(path.join(plotly, 'LICENSE'), path.join(out, 'LICENSE'));
    console.log(`wrote ${path.relative(process.cwd(), bundle)} (${fs.statSync(bundle).size} bytes)`);
});
