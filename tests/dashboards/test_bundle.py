"""The served plotly.js holds every trace type the pages draw, runs without eval and loads from no other host."""

from __future__ import annotations

import re
from pathlib import Path

from tests.dashboards.pages import PAGES, figure, rated_org

ROOT = Path(__file__).resolve().parent.parent.parent
BUNDLE = ROOT / "tracker" / "static" / "vendor" / "plotly" / "plotly-dashboards.min.js"
ENTRY = ROOT / "dashboards" / "plotly_bundle" / "entry.js"
# Hosts named in the bundle's documentation strings, licence comments and XML namespaces: none is fetched.
NAMED_NOT_LOADED = {"www.w3.org", "plotly.com", "github.com", "developer.mozilla.org", "getify.mit-license.org",
                    "syntheti.cc"}


def _bundled_types() -> set[str]:
    return {"scatter", *re.findall(r"require\('plotly\.js/lib/(\w+)'\)", ENTRY.read_text())} - {"core"}


def test_every_trace_type_a_page_draws_is_in_the_bundle(client, login_as):
    rated_org()
    login_as("leadership")
    drawn = set()
    for url in PAGES:
        html = client.get(url).get_data(as_text=True)
        for figure_id in re.findall(r'data-figure="([\w-]+)-data"', html):
            drawn |= {trace.get("type", "scatter") for trace in figure(html, figure_id)["data"]}
    assert {"heatmap", "bar", "scatter", "sankey"} <= drawn
    assert drawn <= _bundled_types()


def test_the_bundle_needs_no_eval_and_names_no_host_to_load_from():
    text = BUNDLE.read_text(encoding="utf-8")
    assert "eval(" not in text and "new Function" not in text
    hosts = set(re.findall(r"https?://([a-z0-9.-]+)", text))
    assert hosts <= NAMED_NOT_LOADED, hosts - NAMED_NOT_LOADED
    assert 'topojsonURL:{valType:"string",noBlank:!0,dflt:"/static/vendor/plotly/topojson/"' in text
