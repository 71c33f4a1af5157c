"""Keeping the rating rollups current.

Contract for the ratings service (call it inside the same transaction as the change):

    from tracker.metrics.rollups import RatingSnapshot, apply_rating_change

    apply_rating_change(None, RatingSnapshot.of(rating))          # after inserting and flushing a rating
    old = RatingSnapshot.of(rating); ...edit...; db.session.flush()
    apply_rating_change(old, RatingSnapshot.of(rating))           # after changing scores (or anything else)
    apply_rating_change(RatingSnapshot.of(rating), None)          # before or after deleting a rating
    rekey_rater(old_key, new_key)                                  # when a rater's pseudonym changes

`apply_rating_change` only executes SQL on `db.session`; it never commits, so the rollups and
the rating succeed or fail together. Snapshots are plain values, so take the "old" one before
changing the row. `rebuild_rollups()` recomputes everything from the ratings table with a few
INSERT ... SELECT ... GROUP BY statements (after bulk loads; `flask --app wsgi metrics rebuild`).

What is kept, for every rating and every period kind (week, month, quarter) in the company's
time zone (config COMPANY_TIMEZONE), in four scopes (the pair, the provider towards all, the
consumer from all, the company): the count, sums and sums of squares of both scores, the count of
satisfaction >= 4, and one row per distinct rater holding how many ratings that rater gave there.
The same four scopes also keep, per *atom* (the part of an ISO week lying in one calendar month),
one row per rater with that rater's number of ratings and the atom's count of such rows
(metric_atom_raters, metric_atoms), which the differencing rule reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.extensions import db
from tracker.metrics.hidden import rebuild_decisions, refresh_after_write
from tracker.metrics.models import MetricAtom, MetricAtomRater, MetricPeriod, MetricPeriodRater
from tracker.metrics.periods import PERIOD_KINDS, company_zone, local_day, period_start
from tracker.metrics.sqlperiods import period_column

SUM_FIELDS = ("n", "sat_sum", "sat_sq", "sat_good", "col_sum", "col_sq")


@dataclass(frozen=True)
class RatingSnapshot:
    """What the rollups need to know about one rating."""

    provider_id: int
    consumer_id: int
    rater_key: int
    satisfaction: int
    collaboration: int
    created_at: dt.datetime

    @classmethod
    def of(cls, rating) -> RatingSnapshot:
        return cls(rating.provider_id, rating.consumer_id, rating.rater_key, rating.satisfaction,
                   rating.collaboration, rating.created_at)


def _scopes(snapshot: RatingSnapshot) -> tuple[tuple[int, int], ...]:
    p, c = snapshot.provider_id, snapshot.consumer_id
    return ((p, c), (p, 0), (0, c), (0, 0))


def _deltas(snapshot: RatingSnapshot, sign: int, zone: ZoneInfo, sums: dict, raters: dict,
            atom_raters: dict) -> None:
    day = local_day(snapshot.created_at, zone)
    atom = (period_start(day, "week"), period_start(day, "month"))
    for provider, consumer in _scopes(snapshot):
        atom_raters[(provider, consumer, *atom, snapshot.rater_key)] += sign
    s, c = snapshot.satisfaction, snapshot.collaboration
    values = (1, s, s * s, 1 if s >= 4 else 0, c, c * c)
    for kind in PERIOD_KINDS:
        start = period_start(day, kind)
        for provider, consumer in _scopes(snapshot):
            key = (kind, start, provider, consumer)
            row = sums[key]
            for i, value in enumerate(values):
                row[i] += sign * value
            raters[(*key, snapshot.rater_key)] += sign


def _insert(model):
    return (pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert)(model)


def apply_rating_change(old: RatingSnapshot | None, new: RatingSnapshot | None) -> None:
    """Move one rating's contribution from `old` to `new` (either may be None) in the rollups."""
    zone = company_zone()
    sums: dict = defaultdict(lambda: [0] * len(SUM_FIELDS))
    raters: dict = defaultdict(int)
    atom_raters: dict = defaultdict(int)
    if old is not None:
        _deltas(old, -1, zone, sums, raters, atom_raters)
    if new is not None:
        _deltas(new, +1, zone, sums, raters, atom_raters)
    rater_changes = _move_raters(MetricPeriodRater, ("period_kind", "period_start", "provider_id", "consumer_id"),
                                 raters)
    for key in sorted(set(sums) | set(rater_changes)):
        values = sums[key]
        if any(values) or rater_changes[key]:
            _move_sums(key, values, rater_changes[key])
    atom_changes = _move_raters(MetricAtomRater, ("provider_id", "consumer_id", "week_start", "month_start"),
                                atom_raters)
    for (provider, consumer, week, month), change in sorted(atom_changes.items()):
        if change:
            _move_count(MetricAtom, "raters", change, provider_id=provider, consumer_id=consumer,
                        week_start=week, month_start=month)
    snapshots = [s for s in (old, new) if s is not None]
    refresh_after_write({scope for s in snapshots for scope in _scopes(s)},
                        {local_day(s.created_at, zone) for s in snapshots})


def _move_raters(model, key_names: tuple[str, ...], changes: dict) -> dict:
    """Apply {(*key, rater_key): change in ratings} to a per-rater table (in key order, so that
    concurrent writers lock rows in one order); returns {key: change in the number of raters}."""
    names = (*key_names, "rater_key")
    raters: dict = defaultdict(int)
    for key, change in sorted(changes.items()):
        if change:
            raters[key[:-1]] += _move_count(model, "n", change, **dict(zip(names, key, strict=True)))
    return raters


def _move_count(model, column: str, change: int, **key) -> int:
    """Add `change` to a counting row (kept while > 0); return +1/-1 when the row appears/disappears."""
    counter = getattr(model, column)
    where = [getattr(model, name) == value for name, value in key.items()]
    if change > 0:
        statement = _insert(model).values(**key, **{column: change})
        statement = statement.on_conflict_do_update(
            index_elements=list(key), set_={column: counter + change},
        ).returning(counter)
        return 1 if db.session.execute(statement).scalar_one() == change else 0
    gone = db.session.execute(delete(model).where(*where, counter == -change))
    if gone.rowcount:
        return -1
    db.session.execute(update(model).where(*where).values({column: counter + change}))
    return 0


def _move_sums(key, values: list[int], rater_change: int) -> None:
    kind, start, provider, consumer = key
    fields = dict(zip(SUM_FIELDS, values, strict=True))
    set_ = {name: getattr(MetricPeriod, name) + value for name, value in fields.items()}
    set_["raters"] = MetricPeriod.raters + rater_change
    where = (MetricPeriod.period_kind == kind, MetricPeriod.period_start == start,
             MetricPeriod.provider_id == provider, MetricPeriod.consumer_id == consumer)
    if fields["n"] <= 0:
        # The row exists (its ratings are being edited or removed). Databases check the proposed
        # row of an INSERT before ON CONFLICT, so negative deltas go through UPDATE.
        db.session.execute(update(MetricPeriod).where(*where).values(set_))
        db.session.execute(delete(MetricPeriod).where(*where, MetricPeriod.n == 0))
        return
    statement = _insert(MetricPeriod).values(
        period_kind=kind, period_start=start, provider_id=provider, consumer_id=consumer,
        raters=rater_change, **fields)
    statement = statement.on_conflict_do_update(
        index_elements=["period_kind", "period_start", "provider_id", "consumer_id"], set_=set_)
    db.session.execute(statement)


def rekey_rater(old_key: int, new_key: int) -> None:
    """Move every rollup row of one rater to a new pseudonym (when a person is erased).

    The new key must be unused, so no row can collide; counts stay exactly as they were.
    """
    for model in (MetricPeriodRater, MetricAtomRater):
        db.session.execute(update(model).where(model.rater_key == old_key).values(rater_key=new_key))


def rebuild_rollups() -> dict[str, int]:
    """Recompute every rollup from the ratings table in SQL; returns the row counts."""
    from tracker.models import Rating

    dialect = db.session.get_bind().dialect.name
    zone = company_zone()
    first, last = db.session.execute(select(func.min(Rating.created_at), func.max(Rating.created_at))).one()
    for model in (MetricPeriodRater, MetricPeriod, MetricAtomRater, MetricAtom):
        db.session.execute(delete(model))
    if first is None:
        rebuild_decisions(int(current_app.config["CONFIDENTIALITY_K"]))
        return {"periods": 0, "raters": 0, "atoms": 0, "atom_raters": 0, "hidden": 0}
    for kind in PERIOD_KINDS:
        start = period_column(dialect, kind, zone, "created_at", first, last)
        db.session.execute(text(
            "INSERT INTO metric_period_raters (period_kind, period_start, provider_id, consumer_id, rater_key, n) "
            f"SELECT '{kind}', {start}, provider_id, consumer_id, rater_key, COUNT(*) FROM ratings "
            f"GROUP BY {start}, provider_id, consumer_id, rater_key"))
        db.session.execute(text(
            "INSERT INTO metric_periods (period_kind, period_start, provider_id, consumer_id, n, raters, "
            "sat_sum, sat_sq, sat_good, col_sum, col_sq) "
            f"SELECT '{kind}', {start}, provider_id, consumer_id, COUNT(*), 0, SUM(satisfaction), "
            "SUM(satisfaction * satisfaction), SUM(CASE WHEN satisfaction >= 4 THEN 1 ELSE 0 END), "
            "SUM(collaboration), SUM(collaboration * collaboration) FROM ratings "
            f"GROUP BY {start}, provider_id, consumer_id"))
    for provider, consumer in (("provider_id", "0"), ("0", "consumer_id"), ("0", "0")):
        # A constant in GROUP BY would be read as a column position: group by the real columns only.
        keys = ", ".join(["period_kind", "period_start", *(c for c in (provider, consumer) if c != "0")])
        db.session.execute(text(
            "INSERT INTO metric_period_raters (period_kind, period_start, provider_id, consumer_id, rater_key, n) "
            f"SELECT period_kind, period_start, {provider}, {consumer}, rater_key, SUM(n) FROM metric_period_raters "
            "WHERE provider_id > 0 AND consumer_id > 0 "
            f"GROUP BY {keys}, rater_key"))
        db.session.execute(text(
            "INSERT INTO metric_periods (period_kind, period_start, provider_id, consumer_id, n, raters, "
            "sat_sum, sat_sq, sat_good, col_sum, col_sq) "
            f"SELECT period_kind, period_start, {provider}, {consumer}, SUM(n), 0, SUM(sat_sum), SUM(sat_sq), "
            "SUM(sat_good), SUM(col_sum), SUM(col_sq) FROM metric_periods "
            "WHERE provider_id > 0 AND consumer_id > 0 "
            f"GROUP BY {keys}"))
    db.session.execute(text(
        "UPDATE metric_periods SET raters = (SELECT COUNT(*) FROM metric_period_raters r "
        "WHERE r.period_kind = metric_periods.period_kind AND r.period_start = metric_periods.period_start "
        "AND r.provider_id = metric_periods.provider_id AND r.consumer_id = metric_periods.consumer_id)"))
    _rebuild_atoms(dialect, zone, first, last)
    hidden = rebuild_decisions(int(current_app.config["CONFIDENTIALITY_K"]))
    return {**{name: db.session.scalar(select(func.count()).select_from(model)) for name, model in (
        ("periods", MetricPeriod), ("raters", MetricPeriodRater), ("atoms", MetricAtom),
        ("atom_raters", MetricAtomRater))}, "hidden": hidden}


def _rebuild_atoms(dialect: str, zone: ZoneInfo, first: dt.datetime, last: dt.datetime) -> None:
    week = period_column(dialect, "week", zone, "created_at", first, last)
    month = period_column(dialect, "month", zone, "created_at", first, last)
    columns = "provider_id, consumer_id, week_start, month_start"
    db.session.execute(text(
        f"INSERT INTO metric_atom_raters ({columns}, rater_key, n) "
        f"SELECT provider_id, consumer_id, {week}, {month}, rater_key, COUNT(*) FROM ratings "
        f"GROUP BY provider_id, consumer_id, {week}, {month}, rater_key"))
    for provider, consumer in (("provider_id", "0"), ("0", "consumer_id"), ("0", "0")):
        keys = ", ".join([*(c for c in (provider, consumer) if c != "0"), "week_start", "month_start"])
        db.session.execute(text(
            f"INSERT INTO metric_atom_raters ({columns}, rater_key, n) "
            f"SELECT {provider}, {consumer}, week_start, month_start, rater_key, SUM(n) FROM metric_atom_raters "
            "WHERE provider_id > 0 AND consumer_id > 0 "
            f"GROUP BY {keys}, rater_key"))
    db.session.execute(text(
        f"INSERT INTO metric_atoms ({columns}, raters) "
        f"SELECT {columns}, COUNT(*) FROM metric_atom_raters GROUP BY {columns}"))
