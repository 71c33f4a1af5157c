"""Dashboards name departments in the reader's language and ask the database a bounded number of times."""

from __future__ import annotations

import re

from sqlalchemy import event

from tests.dashboards.pages import PAGES, figure
from tests.factories import Org, at, release_again
from tracker.extensions import db


def _org(codes: list[str]) -> Org:
    org = Org()
    for provider in codes:
        for consumer in codes:
            if provider != consumer:
                for i in range(5):
                    org.rate(provider, consumer, i, 4, 4, at(2026, 1, 10))
                    org.rate(provider, consumer, i, 3, 3, at(2025, 12, 10))
    db.session.commit()
    release_again()
    return org


def test_a_chinese_reader_sees_chinese_department_names_in_every_chart(client, login_as):
    org = _org(["FIN", "HR"])
    org.department("FIN").name_zh = "财务部"
    org.department("HR").name_zh = "人力资源部"
    db.session.commit()
    login_as("leadership", department=org.department("FIN"), locale="zh")
    matrix = client.get(PAGES[0]).get_data(as_text=True)
    assert figure(matrix, "matrix-figure")["layout"]["yaxis"]["ticktext"] == ["财务部", "人力资源部"]
    pair = client.get(PAGES[1]).get_data(as_text=True)
    assert "财务部 → 人力资源部" in [a["text"] for a in figure(pair, "pair-figure")["layout"]["annotations"]]
    assert "财务部 → 人力资源部" in re.sub(r"\s+", " ", pair)
    department = client.get(PAGES[2]).get_data(as_text=True)
    assert list(figure(department, "consumers-figure")["data"][0]["x"]) == ["人力资源部"]
    flows = client.get(PAGES[3]).get_data(as_text=True)
    assert set(figure(flows, "flows-figure")["data"][0]["node"]["label"]) == {"财务部", "人力资源部"}
    movers = client.get(PAGES[4]).get_data(as_text=True)
    assert "财务部 → 人力资源部" in figure(movers, "movers-figure")["data"][0]["y"]


def test_an_english_reader_sees_the_english_names(client, login_as):
    org = _org(["FIN", "HR"])
    org.department("FIN").name_zh = "财务部"
    db.session.commit()
    login_as("leadership", locale="en")
    matrix = client.get(PAGES[0]).get_data(as_text=True)
    ticks = figure(matrix, "matrix-figure")["layout"]["yaxis"]["ticktext"]
    assert ticks == [org.department("FIN").name, org.department("HR").name]


def _statements_per_page(client, app) -> dict[str, int]:
    counts: dict[str, int] = {}
    for url in PAGES:
        seen = []

        def count(*_args, seen=seen):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        counts[url] = len(seen)
    return counts


def test_each_dashboard_asks_the_database_as_often_for_eight_departments_as_for_three(client, app, login_as):
    _org(["FIN", "HR", "IT"])
    login_as("leadership")
    few = _statements_per_page(client, app)
    _org(["ENG", "LEGAL", "OPS", "PUR", "SALES"])
    login_as("leadership")  # a fresh session: one seen over a minute ago is touched on the next request
    many = _statements_per_page(client, app)
    assert many == few
    assert max(many.values()) <= 16, many  # the menu's count of unread messages is one of them
