"""Dashboard pages and their CSV: they render, keep filters in the URL, and hide what they must."""

from __future__ import annotations

import dataclasses
import json
import re

from tests import factories
from tests.dashboards.pages import PAGES, figure, rated_org
from tracker.web.templating import figure_json


def test_every_page_renders_a_figure_with_data_for_leadership(client, login_as):
    rated_org()
    login_as("leadership")
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "<script>" not in html and "onclick" not in html
        ids = re.findall(r'data-figure="([\w-]+)-data"', html)
        assert ids, url
        assert any(figure(html, i)["data"] for i in ids), url


def test_matrix_never_shows_a_value_or_colour_for_a_suppressed_pair(client, login_as):
    rated_org()
    login_as("admin")
    html = client.get(PAGES[0]).get_data(as_text=True)
    heatmap = figure(html, "matrix-figure")["data"][0]
    rows, columns = heatmap["y"], heatmap["x"]
    assert heatmap["z"][rows.index("HR")][columns.index("FIN")] is None
    assert heatmap["z"][rows.index("FIN")][columns.index("HR")] == 4.0


def test_each_page_downloads_its_data_as_csv_with_the_same_filters(client, login_as):
    rated_org()
    login_as("leadership")
    for url in PAGES:
        path, query = url.split("?")
        csv_path = "/dashboards/matrix.csv" if path == "/dashboards" else path + ".csv"
        response = client.get(f"{csv_path}?{query}")
        assert response.status_code == 200, csv_path
        assert response.mimetype == "text/csv"
        assert len(response.get_data(as_text=True).splitlines()) >= 2, csv_path
    matrix = client.get("/dashboards/matrix.csv?period=month&at=2026-01").get_data(as_text=True)
    assert '"HR","FIN","2026-01","satisfaction","","","","","","true","few"' in matrix  # no count of a hidden cell


def test_an_employee_is_refused_other_departments_pairs_and_scorecards(client, login_as):
    org = rated_org()
    other = factories.make_department(code="IT")
    login_as("employee", department=other)
    assert client.get("/dashboards/pairs/FIN/HR").status_code == 403
    assert client.get("/dashboards/departments/FIN").status_code == 403
    html = client.get("/dashboards?period=month&at=2026-01").get_data(as_text=True)
    assert figure(html, "matrix-figure")["data"][0]["z"] == []
    assert org.department("FIN").code not in client.get("/dashboards/flows.csv?period=month&at=2026-01").get_data(
        as_text=True)


def test_bad_filters_are_refused(client, login_as):
    login_as("leadership")
    assert client.get("/dashboards?period=decade").status_code == 422


def test_figure_json_escapes_script_breakers_and_line_separators():
    text = str(figure_json({"data": [{"name": "</script><b>'&\u2028\u2029"}]}))
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text)["data"][0]["name"] == "</script><b>'&\u2028\u2029"


def test_counts_in_the_page_words_agree_in_number(app):
    from tracker.dashboards_web.views import latest_words
    from tracker.metrics.results import FEW, Attainment, PairPoint

    handoffs = Attainment(n=2, met=2, value=100.0, low=34.2, high=100.0)
    hidden = PairPoint(period="2026-01", start="2026-01-01", n=None, suppressed=True, attainment=handoffs, reason=FEW)
    series = {"provider": "FIN", "consumer": "HR", "points": [hidden]}
    with app.test_request_context():
        assert latest_words(series, {}).endswith(" 1 period has too few raters to be shown.")
        series["points"].append(dataclasses.replace(hidden, period="2026-02", start="2026-02-01"))
        assert latest_words(series, {}).endswith(" 2 periods have too few raters to be shown.")


def test_movers_sentence_counts_one_pair_in_the_singular(client, login_as):
    rated_org()  # FIN → HR moves from 2 to 4; HR → FIN has too few raters
    login_as("leadership")
    html = client.get(PAGES[4]).get_data(as_text=True)
    summary = re.search(r'<p id="movers-summary">(.*?)</p>', html, re.S).group(1)
    assert "2025-12 to 2026-01" in summary and "1 pair changed beyond doubt" in summary
