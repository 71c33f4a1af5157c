"""Rollups follow every rating write and equal the raw computation, after random writes, edits and deletions."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from tests.factories import Org, at
from tests.metrics.rollup_checks import brute_force, rollup_state
from tracker.extensions import db
from tracker.metrics.models import MetricAtomRater
from tracker.metrics.periods import local_day, period_start
from tracker.metrics.rollups import BulkRatingWriteRefused, bulk_rating_writes, rebuild_rollups
from tracker.models import Rating


def atom_state() -> dict:
    return {(r.provider_id, r.consumer_id, r.week_start, r.month_start, r.rater_key): r.n
            for r in db.session.scalars(select(MetricAtomRater))}


def brute_force_atoms(zone: ZoneInfo) -> dict:
    """Ratings per rater for every pair and atom, straight from the rating rows."""
    raters: dict = defaultdict(int)
    for rating in db.session.scalars(select(Rating)):
        day = local_day(rating.created_at, zone)
        atom = (period_start(day, "week"), period_start(day, "month"))
        raters[(rating.provider_id, rating.consumer_id, *atom, rating.rater_key)] += 1
    return dict(raters)


def random_changes(seed: int) -> None:
    """60 random rating inserts, score edits, moves in time and deletions, written as plain ORM rows."""
    rng = random.Random(seed)
    org = Org()
    codes = ["FIN", "HR", "IT"]
    base = at(2025, 12, 20, 0)
    ratings = []
    for _ in range(60):
        action = rng.random()
        if action < 0.6 or not ratings:
            provider, consumer = rng.sample(codes, 2)
            # Times straddle local midnights, month and quarter ends (Shanghai is UTC+8).
            when = base + timedelta(hours=rng.randrange(0, 24 * 40))
            ratings.append(org.rate(provider, consumer, rng.randrange(4), rng.randint(1, 5), rng.randint(1, 5), when))
        elif action < 0.75:
            rating = rng.choice(ratings)
            rating.satisfaction, rating.collaboration = rng.randint(1, 5), rng.randint(1, 5)
        elif action < 0.85:
            rating = rng.choice(ratings)
            rating.created_at = base + timedelta(hours=rng.randrange(0, 24 * 40))
        else:
            rating = ratings.pop(rng.randrange(len(ratings)))
            db.session.delete(rating)
        if rng.random() < 0.3:
            # Sometimes several changes wait for one flush (they are added up together), and
            # sometimes a commit expires every row, so the next edit starts from unloaded values.
            db.session.commit() if rng.random() < 0.5 else db.session.flush()
    db.session.commit()


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_equal_raw_after_random_changes(app, seed):
    random_changes(seed)
    kept = rollup_state()
    assert kept == brute_force(ZoneInfo("Asia/Shanghai"))
    rebuild_rollups()
    db.session.commit()
    assert rollup_state() == kept


@pytest.mark.parametrize("seed", [3, 4])
def test_atom_rollups_equal_raw_after_random_changes(app, seed):
    random_changes(seed)
    kept = atom_state()
    assert kept == brute_force_atoms(ZoneInfo("Asia/Shanghai"))
    rebuild_rollups()
    db.session.commit()
    assert atom_state() == kept


def test_atom_rollups_follow_a_rekeyed_rater(app):
    org = Org()
    rating = org.rate("FIN", "HR", 1, 4, 4, at(2026, 1, 30))
    org.rate("FIN", "HR", 2, 4, 4, at(2026, 2, 1))
    rating.rater_key = 10**6
    db.session.commit()
    assert atom_state() == brute_force_atoms(ZoneInfo("Asia/Shanghai"))
    assert rollup_state() == brute_force(ZoneInfo("Asia/Shanghai"))


def test_a_rolled_back_savepoint_takes_its_rollup_changes_with_it(app):
    org = Org()
    rating = org.rate("FIN", "HR", 1, 4, 4, at(2026, 1, 30))
    db.session.commit()
    kept = rollup_state(), atom_state()
    savepoint = db.session.begin_nested()
    rating.satisfaction = 1
    org.rate("FIN", "IT", 2, 2, 2, at(2026, 2, 3))
    db.session.flush()
    assert rollup_state() != kept[0]
    savepoint.rollback()
    assert (rollup_state(), atom_state()) == kept
    db.session.commit()
    assert rollup_state() == brute_force(ZoneInfo("Asia/Shanghai"))


def test_an_edit_that_touches_no_summed_column_leaves_the_rollups_alone(app):
    rating = Org().rate("FIN", "HR", 1, 4, 4, at(2026, 1, 30))
    db.session.commit()
    kept = rollup_state()
    rating.comment = "Quick and friendly."
    db.session.commit()
    assert rollup_state() == kept


def test_bulk_statements_on_ratings_are_refused_outside_bulk_rating_writes(app):
    Org().rate("FIN", "HR", 1, 4, 4, at(2026, 1, 30))
    db.session.commit()
    with pytest.raises(BulkRatingWriteRefused):
        db.session.execute(update(Rating).values(satisfaction=1))
    db.session.rollback()
    with bulk_rating_writes():
        db.session.execute(update(Rating).values(satisfaction=1, created_at=at(2026, 3, 2)))
    db.session.commit()
    assert db.session.scalar(select(Rating.satisfaction)) == 1
    assert rollup_state() == brute_force(ZoneInfo("Asia/Shanghai"))
    assert atom_state() == brute_force_atoms(ZoneInfo("Asia/Shanghai"))


def test_rebuild_follows_a_zone_with_daylight_saving(app):
    app.config["COMPANY_TIMEZONE"] = "Europe/Berlin"
    org = Org()
    # 2026-03-29 01:30 UTC is 03:30 local on the day clocks go forward; 2025-10-25 22:30 UTC is Sunday local.
    for i, when in enumerate((at(2026, 3, 29, 1), at(2026, 3, 28, 23), at(2025, 10, 25, 22), at(2025, 12, 31, 23))):
        org.rate("FIN", "HR", i, 3, 4, when)
    db.session.commit()
    kept = rollup_state(), atom_state()
    assert kept == (brute_force(ZoneInfo("Europe/Berlin")), brute_force_atoms(ZoneInfo("Europe/Berlin")))
    rebuild_rollups()
    assert (rollup_state(), atom_state()) == kept


def test_rebuild_command_reports_the_rows(app, runner):
    Org().rate("FIN", "HR", 1, 5, 5, at(2026, 1, 5))
    result = runner.invoke(args=["metrics", "rebuild"])
    assert "rollups rebuilt: 12 period rows, 12 rater rows" in result.output
