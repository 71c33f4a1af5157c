"""Plotly reads pseudo-HTML in every text it draws: each builder escapes the texts it is given.

Every name, title and label a builder receives is a link, a line break and bold text at once.
In each figure's `to_dict()`, no string may hold a tag other than the builder's own `<br>` and
`<extra>`, and the escaped text (which Plotly shows as the literal characters) must be there.
"""

from __future__ import annotations

import re

import pytest

from dashboards import figures
from tracker.metrics.results import Attainment, PairPoint, Published

EVIL = '<a href="https://evil.example/">x</a> & <br><b>bold</b>'
SHOWN = figures.plotly_text(EVIL)
OWN_MARKUP = re.compile(r"<br>|<extra>|</extra>")
CELL = Published(n=7, raters=6, value=4.2, low=3.8, high=4.6)
NAMES = {"FIN": EVIL, "HR": EVIL + " 2"}
POINT = PairPoint(period="2026-01", start="2026-01-01", n=7, suppressed=False, attainment=Attainment(n=0), raters=6,
                  satisfaction=CELL, collaboration=CELL)
COMMITMENTS = [{"title": EVIL, "attainment": 90.0, "target": 95.0, "points": [{"period": "2026-01", "remaining": 1.0}]}]
LABELS = {key: EVIL for key in ("title", "satisfaction", "collaboration", "target", "volume", "attainment",
                                "remaining", "count", "cumulative", "change")}

BUILDERS = {
    "matrix": lambda: figures.matrix_figure(
        ["FIN", "HR"], ["FIN", "HR"], {("FIN", "HR"): CELL, ("HR", "FIN"): Published.withheld(2)}, EVIL, EVIL,
        EVIL, 1, 5, names=NAMES, axis_titles=(EVIL, EVIL), empty_label=EVIL),
    "pair_trend": lambda: figures.pair_trend_figure(
        {"provider": "FIN", "consumer": "HR", "satisfaction_target": 4.0, "points": [POINT]},
        {"provider": "HR", "consumer": "FIN", "points": [POINT]}, LABELS, NAMES),
    "attainment": lambda: figures.attainment_figure(COMMITMENTS, LABELS),
    "burn_down": lambda: figures.burn_down_figure(COMMITMENTS, LABELS),
    "by_consumer": lambda: figures.by_consumer_figure({"HR": CELL}, LABELS, NAMES),
    "pareto": lambda: figures.pareto_figure([{"label": EVIL, "n": 3}], LABELS),
    "flows": lambda: figures.flows_figure([{"provider": "FIN", "consumer": "HR", "handoffs": 3}], EVIL, NAMES),
    "movers": lambda: figures.movers_figure(
        [{"provider": "FIN", "consumer": "HR", "change": 1.2, "low": 0.5, "high": 1.9, "is_change": True}], LABELS,
        NAMES),
}


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


@pytest.mark.parametrize("name", BUILDERS)
def test_figure_texts_carry_no_markup_of_their_own(name):
    strings = _strings(BUILDERS[name]().to_dict())
    tagged = [s for s in strings if re.search("[<>]", OWN_MARKUP.sub("", s))]
    assert tagged == []
    assert any(SHOWN in s for s in strings), "the escaped text should still be shown"


def test_plotly_text_escapes_tags_and_entities():
    assert figures.plotly_text('<a href="u">x</a> &amp; <br>') == '&lt;a href="u"&gt;x&lt;/a&gt; &amp;amp; &lt;br&gt;'
