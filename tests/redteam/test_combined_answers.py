"""Classes 4, 5 and 6: margins as a system, periods and levels together, and a change of k.

Random small organisations rate over half a year; the reader (reader.py) collects every value the
matrix publishes for every week, month and quarter, and solves for each rater's scores as an
integer program over all of them at once. No rater's sum may have a single feasible value.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tests.factories import fresh_org
from tests.redteam.reader import Known, published, singled_out
from tracker.extensions import db
from tracker.metrics import periods, releases

CODES = ("AA", "BB", "CC")
FIRST = dt.date(2025, 1, 6)
DAYS = 170  # into the last week of June: two quarters, six months, some 25 weeks


def _labels(first: dt.date, last: dt.date, released_by: dt.datetime | None = None):
    """(kind, label) of the periods overlapping [first, last], or only those released by a time."""
    found = []
    for kind in ("week", "month", "quarter"):
        start = periods.period_start(first, kind)
        while start <= last:
            if released_by is None or releases.release_time(kind, start) <= released_by:
                found.append((kind, periods.label(start, kind)))
            start = periods.next_start(start, kind)
    return found


def _organisation(app, rng: random.Random, k: int) -> list[Known]:
    org = fresh_org(app, k, CODES)
    known = []
    pairs = [(p, c) for p in CODES for c in CODES if p != c]
    weights = [rng.choice((0, 1, 3, 6)) for _ in pairs]
    for _ in range(rng.randint(25, 60)):
        provider, consumer = rng.choices(pairs, weights=[w + 0.01 for w in weights])[0]
        rater = rng.randrange(6)
        when = dt.datetime.combine(FIRST + dt.timedelta(days=rng.randrange(DAYS)), dt.time(4), dt.UTC)
        score = rng.randint(1, 5)
        org.rate(provider, consumer, rater, score, rng.randint(1, 5), when)
        known.append(Known((consumer, rater), provider, consumer, when, score))
    db.session.commit()
    return known


# Twelve random organisations, among them seeds 15 and 17, which single out a rater on the live numbers.
@pytest.mark.parametrize("seed", (*range(10), 15, 17))
def test_every_published_number_combined_singles_out_no_rater(app, client, login_as, seed):
    rng = random.Random(seed)
    known = _organisation(app, rng, k=3)
    login_as("leadership")
    values = published(client, _labels(FIRST, FIRST + dt.timedelta(days=DAYS)))
    assert any(v[2] == "*" and v[3] == "*" for v in values), "the company total is kept"
    assert singled_out(known, values) == []


@pytest.mark.parametrize("seed", range(3))
def test_numbers_read_under_k_3_and_under_k_4_together_single_out_no_rater(app, client, login_as, monkeypatch, seed):
    rng = random.Random(100 + seed)
    known = _organisation(app, rng, k=3)
    login_as("leadership")
    # Early April 2025, k = 3: the first quarter is released, and the reader reads it.
    april = dt.datetime(2025, 4, 2, tzinfo=dt.UTC)
    monkeypatch.setattr(releases, "utcnow", lambda: april)
    first_quarter = _labels(FIRST, dt.date(2025, 3, 31), released_by=april)
    early = published(client, first_quarter)
    # k is raised to 4; the second quarter is released under it, and the reader reads everything again.
    monkeypatch.undo()
    app.config["CONFIDENTIALITY_K"] = 4
    late = published(client, _labels(FIRST, FIRST + dt.timedelta(days=DAYS)))
    assert {v for v in late if v[:2] in first_quarter} <= early, "raising k only withholds more"
    assert singled_out(known, early | late) == []
