"""Figure builders: plain data in, a figure out, checked on to_dict()."""

from __future__ import annotations

import ast
from pathlib import Path

from dashboards import figures
from tracker.metrics.results import Attainment, PairPoint, Published

CELL = Published(n=7, raters=6, value=4.2, low=3.8, high=4.6)


def _point(period: str, n: int, shown: bool) -> PairPoint:
    return PairPoint(period=period, start=f"{period}-01", n=n, suppressed=not shown, attainment=Attainment(n=0),
                     raters=6 if shown else None, satisfaction=CELL if shown else None,
                     collaboration=CELL if shown else None)


def test_matrix_draws_suppressed_cells_without_a_value_or_a_colour():
    cells = {("FIN", "HR"): CELL, ("HR", "FIN"): Published.withheld(3)}
    trace = figures.matrix_figure(["FIN", "HR"], ["FIN", "HR"], cells, "t", "Satisfaction", "not enough ratings",
                                  1, 5).to_dict()["data"][0]
    assert trace["type"] == "heatmap"
    assert trace["z"] == [[None, 4.2], [None, None]]
    assert trace["text"][1][0] == "not enough ratings"
    assert (trace["y"], trace["x"]) == (["FIN", "HR"], ["FIN", "HR"])


def test_matrix_hover_holds_the_interval_and_counts_of_a_shown_cell():
    trace = figures.matrix_figure(["FIN", "HR"], ["FIN", "HR"], {("FIN", "HR"): CELL}, "t", "Satisfaction",
                                  "-", 1, 5).to_dict()["data"][0]
    assert trace["text"][0][1] == "4.20 [3.80, 4.60]<br>n 7, raters 6"
    assert "Satisfaction: %{text}" in trace["hovertemplate"]


def test_matrix_axes_keep_codes_and_show_the_readers_names():
    fig = figures.matrix_figure(["FIN", "HR"], ["FIN", "HR"], {("FIN", "HR"): CELL}, "t", "S", "-", 1, 5,
                                names={"FIN": "财务部", "HR": "人力资源部"}).to_dict()
    assert fig["layout"]["yaxis"]["tickvals"] == ["FIN", "HR"]
    assert fig["layout"]["yaxis"]["ticktext"] == ["财务部", "人力资源部"]
    assert fig["layout"]["xaxis"]["ticktext"] == ["财务部", "人力资源部"]


def test_other_figures_name_departments_in_the_readers_language():
    names = {"FIN": "财务部", "HR": "人力资源部"}
    point = _point("2026-01", 7, shown=True)
    pair = figures.pair_trend_figure({"provider": "FIN", "consumer": "HR", "points": [point]},
                                     {"provider": "HR", "consumer": "FIN", "points": [point]},
                                     {"satisfaction": "S", "collaboration": "C", "target": "T", "volume": "V",
                                      "title": "t"}, names).to_dict()
    assert [a["text"] for a in pair["layout"]["annotations"]] == ["财务部 → 人力资源部", "人力资源部 → 财务部"]
    flows = figures.flows_figure([{"provider": "FIN", "consumer": "HR", "handoffs": 3}], "t", names).to_dict()
    assert list(flows["data"][0]["node"]["label"]) == ["财务部", "人力资源部"]
    consumers = figures.by_consumer_figure({"HR": CELL}, {"satisfaction": "S", "title": "t"},
                                           names).to_dict()
    assert list(consumers["data"][0]["x"]) == ["人力资源部"]
    movers = figures.movers_figure([{"provider": "FIN", "consumer": "HR", "change": 1.2, "low": 0.5, "high": 1.9,
                                     "is_change": True}], {"change": "c", "title": "t"}, names).to_dict()
    assert list(movers["data"][0]["y"]) == ["财务部 → 人力资源部"]


def test_pair_trend_has_bands_target_and_volume_for_both_directions():
    point = _point("2026-01", 7, shown=True)
    gap = _point("2026-02", 2, shown=False)
    series = {"provider": "FIN", "consumer": "HR", "satisfaction_target": 4.0, "points": [point, gap]}
    reverse = {"provider": "HR", "consumer": "FIN", "satisfaction_target": None, "points": [gap]}
    labels = {"satisfaction": "S", "collaboration": "C", "target": "T", "volume": "V", "title": "x"}
    data = figures.pair_trend_figure(series, reverse, labels).to_dict()["data"]
    lines = [t for t in data if t["type"] == "scatter" and t.get("name") == "S"]
    assert list(lines[0]["y"]) == [4.2, None]
    bands = [t for t in data if t.get("fill") == "toself"]
    assert [list(t["x"]) for t in bands][:1] == [["2026-01", "2026-01"]]  # no band across the suppressed gap
    assert [list(t["y"]) for t in data if t.get("name") == "T"] == [[4.0, 4.0]]
    assert [t["xaxis"] for t in data if t["type"] == "bar"] == ["x3", "x4"]


def test_pair_trend_volume_axes_start_at_zero_even_without_ratings():
    point = _point("2026-01", 7, shown=True)
    empty = _point("2026-01", 0, shown=False)
    labels = {"satisfaction": "S", "collaboration": "C", "target": "T", "volume": "V", "title": "x"}
    layout = figures.pair_trend_figure({"provider": "FIN", "consumer": "HR", "points": [point]},
                                       {"provider": "HR", "consumer": "FIN", "points": [empty]},
                                       labels).to_dict()["layout"]
    assert layout["yaxis3"]["rangemode"] == layout["yaxis4"]["rangemode"] == "nonnegative"
    assert "range" not in layout["yaxis3"]
    assert (layout["yaxis4"]["range"], layout["yaxis4"]["tickvals"]) == ([0, 1], [0])


def test_scorecard_figures_show_target_burn_consumers_and_pareto():
    commitments = [{"title": "PO approval", "attainment": 90.0, "target": 95.0,
                    "points": [{"period": "2026-01", "remaining": -1.0}]}]
    attainment = figures.attainment_figure(commitments, {"attainment": "A", "target": "T", "title": "t"}).to_dict()
    assert attainment["data"][0]["marker"]["color"] == [figures.RED]
    burn = figures.burn_down_figure(commitments, {"remaining": "R", "title": "t"}).to_dict()
    assert list(burn["data"][0]["y"]) == [-1.0]
    consumers = figures.by_consumer_figure({"HR": CELL, "IT": Published.withheld(2)},
                                           {"satisfaction": "S", "title": "t"}).to_dict()
    assert list(consumers["data"][0]["x"]) == ["HR"]
    pareto = figures.pareto_figure([{"label": "Late", "n": 6}, {"label": "Attitude", "n": 2}],
                                   {"count": "N", "cumulative": "C", "title": "t"}).to_dict()
    assert list(pareto["data"][1]["y"]) == [75.0, 100.0]


def test_flows_is_a_sankey_from_providers_to_consumers():
    fig = figures.flows_figure([{"provider": "IT", "consumer": "HR", "handoffs": 12}], "t").to_dict()
    sankey = fig["data"][0]
    assert (sankey["node"]["label"], sankey["link"]["value"]) == (["IT", "HR"], [12])


def test_movers_grey_out_changes_whose_interval_covers_zero():
    movers = [{"provider": "FIN", "consumer": "HR", "change": 1.2, "low": 0.5, "high": 1.9, "is_change": True},
              {"provider": "IT", "consumer": "HR", "change": -0.4, "low": -1.0, "high": 0.2, "is_change": False}]
    bar = figures.movers_figure(movers, {"change": "c", "title": "t"}).to_dict()["data"][0]
    assert bar["marker"]["color"] == [figures.GREEN, figures.GREY]


def test_dashboards_package_imports_nothing_from_the_application():
    for path in Path(figures.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.split(".")[0] in ("tracker", "flask", "sqlalchemy")], path
