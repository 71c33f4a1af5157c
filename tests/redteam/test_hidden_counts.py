"""A reader's attack on withheld cells: how many ratings stand behind one, or whether any arrived.

Played over the app's answers only (API, CSV, the pages' figures and tables), never its
internals. For a pair and a closed period with 1..k-1 raters, everything the app says about that
cell (its API entry, its series point, its CSV rows, its place in the heat map and in the volume
bars, its row in the pair's table) must be the same as when the same handoffs carry no rating at
all: otherwise the reader learns that a rating arrived, and often how many.
"""

from __future__ import annotations

import csv
import io
import random
import re

import pytest
from sqlalchemy import select

from tests.dashboards.pages import figure
from tests.factories import at, fresh_org
from tracker.extensions import db
from tracker.models import Rating

K = 5
CODES = ("AA", "BB", "CC")
PERIODS = (("month", "2025-03"), ("quarter", "2025-Q1"))


def _build(app, rng: random.Random):
    """Random raters per pair in March 2025, and one target pair with 1..k-1 raters."""
    org = fresh_org(app, K, CODES)
    pairs = [(p, c) for p in CODES for c in CODES if p != c]
    target = rng.choice(pairs)
    for provider, consumer in pairs:
        raters = rng.randint(1, K - 1) if (provider, consumer) == target else rng.choice((0, 0, 2, 5, 6, 8))
        for rater in range(raters):
            score = rng.randint(1, 5)
            org.rate(provider, consumer, rater, score, rng.randint(1, 5), at(2025, 3, rng.randint(3, 27)))
    db.session.commit()
    return org, target


def _csv_rows(client, url: str, provider: str, consumer: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    return [row for row in rows[1:] if row[:2] == [provider, consumer]]


def _cell_view(client, provider: str, consumer: str) -> dict:
    """Everything the app answers about one pair's cell, per period and metric."""
    view = {}
    for kind, label in PERIODS:
        for metric in ("satisfaction", "collaboration", "csat"):
            cells = client.get(f"/api/v1/metrics/pairs?period={kind}&metric={metric}&from={label}&to={label}").json
            view[("api", kind, metric)] = [c for c in cells if (c["provider"], c["consumer"]) == (provider, consumer)]
            view[("matrix.csv", kind, metric)] = _csv_rows(
                client, f"/dashboards/matrix.csv?period={kind}&metric={metric}&at={label}", provider, consumer)
            html = client.get(f"/dashboards?period={kind}&metric={metric}&at={label}").get_data(as_text=True)
            trace = figure(html, "matrix-figure")["data"][0]
            cell = None
            if provider in trace["y"] and consumer in trace["x"]:
                row, column = trace["y"].index(provider), trace["x"].index(consumer)
                cell = (trace["z"][row][column], trace["text"][row][column])
            view[("heat map", kind, metric)] = cell
        series = client.get(f"/api/v1/metrics/pairs/{provider}/{consumer}?period={kind}&from={label}&to={label}").json
        view[("series", kind)] = series["series"]["points"]
        view[("pair.csv", kind)] = _csv_rows(
            client, f"/dashboards/pairs/{provider}/{consumer}.csv?period={kind}&from={label}&to={label}",
            provider, consumer)
        html = client.get(f"/dashboards/pairs/{provider}/{consumer}?period={kind}&from={label}&to={label}").get_data(
            as_text=True)
        bars = [t for t in figure(html, "pair-figure")["data"] if t["type"] == "bar"]
        view[("volume bars", kind)] = bars[0]["y"]
        table = re.search(r"<table.*?</table>", html, re.S).group(0)
        view[("pair table", kind)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table)).strip()
    return view


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("role", ["leadership", "lead"])
def test_a_withheld_cell_looks_the_same_with_some_ratings_and_with_none(app, client, login_as, seed, role):
    org, (provider, consumer) = _build(app, random.Random(seed))
    login_as(role, department=org.department(consumer) if role == "lead" else None)
    with_ratings = _cell_view(client, provider, consumer)
    target = [org.department(provider).id, org.department(consumer).id]
    for rating in db.session.scalars(select(Rating).where(Rating.provider_id == target[0],
                                                          Rating.consumer_id == target[1])):
        db.session.delete(rating)  # the handoffs stay: who asked whom for what is not confidential
    db.session.commit()
    without = _cell_view(client, provider, consumer)
    for key, seen in with_ratings.items():
        assert seen == without[key], key
