"""Rollups kept on every write equal the raw computation, after random writes, edits and deletions."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.metrics.rollup_checks import brute_force, rollup_state
from tests.metrics.util import Org, at
from tracker.extensions import db
from tracker.metrics.models import MetricAtom, MetricAtomRater
from tracker.metrics.periods import local_day, period_start
from tracker.metrics.rollups import RatingSnapshot, apply_rating_change, rebuild_rollups, rekey_rater
from tracker.models import Rating


def atom_state() -> tuple[dict, dict]:
    atoms = {(r.provider_id, r.consumer_id, r.week_start, r.month_start): r.raters
             for r in db.session.scalars(select(MetricAtom))}
    raters = {(r.provider_id, r.consumer_id, r.week_start, r.month_start, r.rater_key): r.n
              for r in db.session.scalars(select(MetricAtomRater))}
    return atoms, raters


def brute_force_atoms(zone: ZoneInfo) -> tuple[dict, dict]:
    """Distinct raters and ratings per rater for every scope and atom, straight from the rating rows."""
    raters: dict = defaultdict(int)
    for rating in db.session.scalars(select(Rating)):
        day = local_day(rating.created_at, zone)
        atom = (period_start(day, "week"), period_start(day, "month"))
        for p, q in ((rating.provider_id, rating.consumer_id), (rating.provider_id, 0),
                     (0, rating.consumer_id), (0, 0)):
            raters[(p, q, *atom, rating.rater_key)] += 1
    atoms: dict = defaultdict(int)
    for key in raters:
        atoms[key[:4]] += 1
    return dict(atoms), dict(raters)


def random_changes(seed: int) -> None:
    """60 random rating inserts, score edits, moves in time and deletions, rollups kept as the service keeps them."""
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
            old = RatingSnapshot.of(rating)
            rating.satisfaction, rating.collaboration = rng.randint(1, 5), rng.randint(1, 5)
            db.session.flush()
            apply_rating_change(old, RatingSnapshot.of(rating))
        elif action < 0.85:
            rating = rng.choice(ratings)
            old = RatingSnapshot.of(rating)
            rating.created_at = base + timedelta(hours=rng.randrange(0, 24 * 40))
            db.session.flush()
            apply_rating_change(old, RatingSnapshot.of(rating))
        else:
            rating = ratings.pop(rng.randrange(len(ratings)))
            apply_rating_change(RatingSnapshot.of(rating), None)
            db.session.delete(rating)
            db.session.flush()
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
    rekey_rater(rating.rater_key, 10**6)
    rating.rater_key = 10**6
    db.session.commit()
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
    Org().rate("FIN", "HR", 1, 5, 5, at(2026, 1, 5), rollups=False)
    result = runner.invoke(args=["metrics", "rebuild"])
    assert "rollups rebuilt: 12 period rows, 12 rater rows" in result.output
