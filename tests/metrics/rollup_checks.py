"""The rollups as stored and as recomputed from the rating rows, for the tests that compare them."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tracker.extensions import db
from tracker.metrics.models import MetricPeriod, MetricPeriodRater
from tracker.metrics.periods import PERIOD_KINDS, local_day, period_start
from tracker.models import Rating


def rollup_state() -> tuple[dict, dict]:
    periods = {(r.period_kind, r.period_start, r.provider_id, r.consumer_id):
               (r.n, r.raters, r.sat_sum, r.sat_sq, r.sat_good, r.col_sum, r.col_sq)
               for r in db.session.scalars(select(MetricPeriod))}
    raters = {(r.period_kind, r.period_start, r.provider_id, r.consumer_id, r.rater_key): r.n
              for r in db.session.scalars(select(MetricPeriodRater))}
    return periods, raters


def brute_force(zone: ZoneInfo) -> tuple[dict, dict]:
    """The same numbers straight from the rating rows, in Python."""
    sums: dict = defaultdict(lambda: [0] * 6)
    raters: dict = defaultdict(int)
    for rating in db.session.scalars(select(Rating)):
        day = local_day(rating.created_at, zone)
        s, c = rating.satisfaction, rating.collaboration
        for kind in PERIOD_KINDS:
            start = period_start(day, kind)
            for p, q in ((rating.provider_id, rating.consumer_id), (rating.provider_id, 0),
                         (0, rating.consumer_id), (0, 0)):
                row = sums[(kind, start, p, q)]
                for i, value in enumerate((1, s, s * s, int(s >= 4), c, c * c)):
                    row[i] += value
                raters[(kind, start, p, q, rating.rater_key)] += 1
    distinct: dict = defaultdict(int)
    for key in raters:
        distinct[key[:4]] += 1
    periods = {key: (v[0], distinct[key], *v[1:]) for key, v in sums.items()}
    return periods, dict(raters)

