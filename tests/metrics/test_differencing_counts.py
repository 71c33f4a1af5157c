"""The guard's shortcut (atom counts, period totals, raters of thin atoms) decides as the full rule on rater sets."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tests.factories import Org
from tracker.extensions import db
from tracker.metrics import differencing, periods


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_guard_decides_as_the_rule_on_rater_sets(app, seed):
    rng = random.Random(seed)
    org = Org()
    first_day = dt.date(2025, 1, 1)
    for _ in range(120):
        provider, consumer = rng.sample(["AA", "BB", "CC"], 2)
        day = first_day + dt.timedelta(days=rng.randrange(181))
        org.rate(provider, consumer, rng.randrange(8), 3, 3, dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC))
    for week in range(26):  # a pair whose every atom holds 0 or 3 raters
        for rater in range(3):
            org.rate("DD", "EE", rater, 4, 4, dt.datetime(2025, 1, 1, 4, tzinfo=dt.UTC) + dt.timedelta(weeks=week))
    db.session.commit()
    ids = [d.id for d in org.departments.values()]
    scopes = [(p, c) for p in [0, *ids] for c in [0, *ids] if p != c or p == 0]
    for kind in periods.PERIOD_KINDS:
        starts = periods.starts_between(first_day, dt.date(2025, 6, 30), kind)
        guard = differencing.PeriodGuard(kind, starts, 3)
        atoms = differencing.load_atoms(*differencing.span(kind, starts))
        for scope in scopes:
            expected = differencing.shown_periods(atoms[scope], 3)[kind] if scope in atoms else set()
            assert {s for s in starts if guard.allows(*scope, s)} == expected & set(starts), (kind, scope)
