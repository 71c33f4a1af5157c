"""The stored differencing decisions equal the rule derived from the atoms, after any writes."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from sqlalchemy import delete, func, select

from tests import factories
from tests.factories import Org, use_k
from tracker.database import read_only_transaction
from tracker.extensions import db
from tracker.metrics import periods, ranges, services
from tracker.metrics.differencing import PeriodGuard
from tracker.metrics.hidden import StoredGuard, period_guard, rebuild_decisions, stored_k
from tracker.metrics.models import MetricHiddenPeriod, MetricHiddenState, MetricPeriod
from tracker.metrics.rollups import rebuild_rollups
from tracker.models import Rating

K = 3
CODES = ("AA", "BB", "CC")
FIRST_DAY = dt.date(2025, 2, 20)  # about four months around the end of March, a week straddling quarters
DAYS = 130


def _random_writes(rng: random.Random, steps: int, check=None) -> Org:
    """Ratings made, re-scored and deleted at random, as plain ORM rows; `check()` runs after every
    40 of them."""
    org = Org()
    ratings = []
    for step in range(1, steps + 1):
        action = rng.random()
        if action < 0.7 or not ratings:
            provider, consumer = rng.sample(CODES, 2)
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
            ratings.append(org.rate(provider, consumer, rng.randrange(7), rng.randint(1, 5), rng.randint(1, 5),
                                    dt.datetime.combine(day, dt.time(rng.choice([1, 4, 20])), tzinfo=dt.UTC)))
        elif action < 0.85:
            rating = rng.choice(ratings)
            rating.satisfaction = rng.randint(1, 5)
            db.session.flush()
        else:
            rating = ratings.pop(rng.randrange(len(ratings)))
            db.session.delete(rating)
            db.session.flush()
        if check is not None and step % 40 == 0:
            check()
    db.session.commit()
    return org


def _stored_rows() -> set:
    h = MetricHiddenPeriod
    return set(db.session.execute(select(h.period_kind, h.period_start, h.provider_id, h.consumer_id)).all())


@pytest.mark.parametrize("seed", [21, 22, 23, 24])
def test_stored_decisions_equal_the_rule_after_random_writes_edits_and_deletions(app, seed):
    use_k(app, K)
    tally = {"compared": 0, "withheld": 0}

    def check() -> None:
        passing = db.session.execute(select(MetricPeriod.period_kind, MetricPeriod.period_start,
                                            MetricPeriod.provider_id, MetricPeriod.consumer_id)
                                     .where(MetricPeriod.raters >= K)).all()
        for kind in periods.PERIOD_KINDS:
            starts = periods.starts_between(FIRST_DAY - dt.timedelta(days=40), FIRST_DAY + dt.timedelta(days=DAYS + 40),
                                      kind)
            stored, derived = StoredGuard(kind, starts), PeriodGuard(kind, starts, K)
            for period_kind, start, provider, consumer in passing:
                if period_kind == kind:
                    tally["compared"] += 1
                    tally["withheld"] += derived.hides(provider, consumer, start)
                    assert stored.hides(provider, consumer, start) == derived.hides(provider, consumer, start), (
                        kind, start, provider, consumer)

    _random_writes(random.Random(seed), 200, check)
    assert tally["compared"] > 100 and tally["withheld"] > 0  # the data exercise both answers
    incremental = _stored_rows()
    rebuild_decisions(K)
    assert _stored_rows() == incremental
    assert stored_k() == K


def test_rebuilding_the_rollups_decides_for_the_configured_k(app):
    use_k(app, K)
    _random_writes(random.Random(5), 80)
    incremental = _stored_rows()
    db.session.execute(delete(MetricHiddenState))
    db.session.execute(delete(MetricHiddenPeriod))
    counts = rebuild_rollups()
    assert stored_k() == K and counts["hidden"] == len(incremental) and _stored_rows() == incremental


def test_dashboards_derive_the_decisions_while_the_stored_ones_hold_for_another_k(app):
    use_k(app, K)
    org = _random_writes(random.Random(7), 120)
    viewer = factories.make_user(role="leadership")
    db.session.commit()
    quarter = periods.period_start(dt.date(2025, 4, 15), "quarter")
    weeks = ranges.period_range("week", "2025-W09", "2025-W26")

    def read() -> tuple:
        return (services.matrix(viewer, "satisfaction", "month", "2025-03"),
                services.matrix(viewer, "collaboration", "quarter", "2025-Q2"),
                factories.pair_series(viewer, "AA", "BB", weeks), services.pair_cells(viewer, "satisfaction", weeks))

    assert isinstance(period_guard("quarter", [quarter], K), StoredGuard)
    stored = read()
    db.session.execute(MetricHiddenState.__table__.update().values(k=K + 1))  # as after k was changed
    assert isinstance(period_guard("quarter", [quarter], K), PeriodGuard)
    assert read() == stored
    db.session.execute(delete(MetricHiddenState))  # as after an upgrade of a database holding ratings
    assert isinstance(period_guard("quarter", [quarter], K), PeriodGuard)
    assert read() == stored
    assert org.departments


def test_concurrent_writes_around_a_quarter_end_leave_the_decisions_a_rebuild_makes(app):
    """Four writers at once, each rating in its own transaction as the ratings service does: the
    stored decisions afterwards are the ones deciding everything again gives."""
    use_k(app, K)
    rng = random.Random(31)
    org = Org()
    plan = []
    for _ in range(160):
        provider, consumer = rng.sample(CODES, 2)
        day = dt.date(2025, 3, 17) + dt.timedelta(days=rng.randrange(28))  # around the end of Q1
        handoff = factories.make_handoff(org.commitment(provider), consumer=org.department(consumer),
                                         requested_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
                                         delivered_at=dt.datetime(2025, 3, 2, tzinfo=dt.UTC))
        rater = org.rater(consumer, rng.randrange(6))
        plan.append((handoff, rater, rng.randint(1, 5), dt.datetime.combine(day, dt.time(4), tzinfo=dt.UTC)))
    db.session.flush()
    plan = [(h.id, h.provider_id, h.consumer_id, r.id, score, instant) for h, r, score, instant in plan]
    db.session.commit()
    errors: list[BaseException] = []

    def write(items) -> None:
        try:
            with app.app_context():
                read_only_transaction.set(False)  # as a writing request: BEGIN IMMEDIATE on SQLite
                for handoff_id, provider_id, consumer_id, rater_id, score, instant in items:
                    rating = Rating(handoff_id=handoff_id, rater_id=rater_id, rater_key=rater_id,
                                    provider_id=provider_id, consumer_id=consumer_id, satisfaction=score,
                                    collaboration=score, created_at=instant)
                    db.session.add(rating)
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(plan[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors and not any(t.is_alive() for t in threads), errors
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Rating)) == len(plan)
    concurrent = _stored_rows()
    rebuild_decisions(K)
    assert _stored_rows() == concurrent
    assert concurrent  # the data withhold something
