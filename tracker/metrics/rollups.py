"""Keeping the rating rollups current: they follow every rating write on their own.

`follow_rating_writes()` (called once by the app factory) listens to the ORM session: every
flush that inserts, deletes or changes a `Rating` moves that rating's contribution in the
rollups, with SQL on the same connection in the same transaction. So the rollups and the ratings
succeed or roll back together (a savepoint included), and a new writer cannot forget them: the
ratings service, an import, a test factory and an erasure all write plain ORM rows. The changes
of one flush are added up first, so a flush of many ratings costs one pass.

Statements that write the ratings table in bulk (`update(Rating)`, `delete(Rating)`,
`insert(Rating)` through the session) bypass the flush, so they are refused unless they run inside
`with bulk_rating_writes():`, which rebuilds every rollup when the block ends. The demo loader
writes its rows through the database driver directly, inside that block.

`rebuild_rollups()` recomputes everything from the ratings table with a few
INSERT ... SELECT ... GROUP BY statements (`flask --app wsgi metrics rebuild`).

What is kept, for every rating and every period kind (week, month, quarter) in the company's
time zone (config COMPANY_TIMEZONE), in four scopes (the pair, the provider towards all, the
consumer from all, the company): the sums named by `RATING_SUMS` (models.py), and one row per
distinct rater holding how many ratings that rater gave there. Each pair also keeps, per *atom*
(the part of an ISO week lying in one calendar month), one row per rater with that rater's number
of ratings (metric_atom_raters), which the release rule reads (releases.py). A rating write
decides nothing about what may be shown: releases do, once per closed period.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo

from sqlalchemy import delete, event, func, inspect, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session

from tracker.extensions import db
from tracker.metrics.models import (
    RATING_SUMS,
    MetricAtomRater,
    MetricPeriod,
    MetricPeriodRater,
)
from tracker.metrics.periods import PERIOD_KINDS, company_zone, local_day, period_start
from tracker.metrics.sqlperiods import period_column
from tracker.models import Rating

SUM_COLUMNS = tuple(rating_sum.column for rating_sum in RATING_SUMS)


class BulkRatingWriteRefused(RuntimeError):
    """A statement would write the ratings table in bulk, past the rollups, outside bulk_rating_writes()."""


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
    def of(cls, rating: Rating) -> RatingSnapshot:
        """The rating as it is now."""
        return cls(*(getattr(rating, field.name) for field in fields(cls)))

    @classmethod
    def stored(cls, rating: Rating) -> RatingSnapshot:
        """The rating as the database holds it, before the changes the session has not flushed."""
        state = inspect(rating)
        values = []
        for field in fields(cls):
            history = state.attrs[field.name].history
            values.append(history.deleted[0] if history.deleted else getattr(rating, field.name))
        return cls(*values)


_PENDING = "tracker.metrics.rating_changes"
_bulk_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("bulk_rating_writes", default=False)


def follow_rating_writes() -> None:
    """Make the rollups follow every flushed rating write (idempotent: listeners are added once)."""
    for name, listener in (("before_flush", _collect_changes), ("after_flush", _apply_changes),
                           ("after_soft_rollback", _forget_changes), ("do_orm_execute", _refuse_bulk)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _collect_changes(session: Session, flush_context, instances) -> None:
    """Before a flush: the stored state of every rating the flush will change or delete."""
    changes: list[tuple[RatingSnapshot | None, Rating | None]] = []
    for rating in session.dirty:
        if isinstance(rating, Rating) and session.is_modified(rating, include_collections=False):
            changes.append((RatingSnapshot.stored(rating), rating))
    for rating in session.deleted:
        if isinstance(rating, Rating):
            changes.append((RatingSnapshot.stored(rating), None))
    # New ratings are read after the flush, once their defaults (created_at) are filled in.
    changes.extend((None, rating) for rating in session.new if isinstance(rating, Rating))
    session.info[_PENDING] = changes


def _apply_changes(session: Session, flush_context) -> None:
    """After a flush wrote the rows: move their contributions in the rollups, all at once."""
    pairs = []
    for old, rating in session.info.pop(_PENDING, ()):
        new = RatingSnapshot.of(rating) if rating is not None else None
        if old != new:
            pairs.append((old, new))
    if pairs:
        apply_rating_changes(pairs)


def _forget_changes(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING, None)


def _refuse_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete) or _bulk_allowed.get():
        return
    # An ORM statement names an annotated copy of the table: compare by name.
    if getattr(getattr(state.statement, "table", None), "name", None) == Rating.__tablename__:
        raise BulkRatingWriteRefused(
            "ratings are written in bulk past the rollups; do it inside tracker.metrics.rollups.bulk_rating_writes()")


@contextmanager
def bulk_rating_writes() -> Iterator[None]:
    """Allow bulk statements on the ratings table; every rollup is rebuilt when the block ends."""
    token = _bulk_allowed.set(True)
    try:
        yield
    finally:
        _bulk_allowed.reset(token)
    db.session.flush()
    rebuild_rollups()


def _scopes(snapshot: RatingSnapshot) -> tuple[tuple[int, int], ...]:
    provider, consumer = snapshot.provider_id, snapshot.consumer_id
    return ((provider, consumer), (provider, 0), (0, consumer), (0, 0))


def _deltas(snapshot: RatingSnapshot, sign: int, zone: ZoneInfo, sums: dict, raters: dict,
            atom_raters: dict) -> None:
    day = local_day(snapshot.created_at, zone)
    atom = (period_start(day, "week"), period_start(day, "month"))
    atom_raters[(snapshot.provider_id, snapshot.consumer_id, *atom, snapshot.rater_key)] += sign
    values = [rating_sum.of(snapshot.satisfaction, snapshot.collaboration) for rating_sum in RATING_SUMS]
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


def apply_rating_changes(changes: Iterable[tuple[RatingSnapshot | None, RatingSnapshot | None]]) -> None:
    """Move ratings' contributions from `old` to `new` (either may be None) in the rollups.

    Called by the flush listener; it only executes SQL on `db.session` and never commits.
    """
    zone = company_zone()
    sums: dict = defaultdict(lambda: [0] * len(RATING_SUMS))
    raters: dict = defaultdict(int)
    atom_raters: dict = defaultdict(int)
    for old, new in changes:
        for snapshot, sign in ((old, -1), (new, +1)):
            if snapshot is not None:
                _deltas(snapshot, sign, zone, sums, raters, atom_raters)
    rater_changes = _move_raters(MetricPeriodRater, ("period_kind", "period_start", "provider_id", "consumer_id"),
                                 raters)
    for key in sorted(set(sums) | set(rater_changes)):
        values = sums[key]
        if any(values) or rater_changes[key]:
            _move_sums(key, values, rater_changes[key])
    _move_raters(MetricAtomRater, ("provider_id", "consumer_id", "week_start", "month_start"), atom_raters)


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
    summed = dict(zip(SUM_COLUMNS, values, strict=True))
    set_ = {name: getattr(MetricPeriod, name) + value for name, value in summed.items()}
    set_["raters"] = MetricPeriod.raters + rater_change
    where = (MetricPeriod.period_kind == kind, MetricPeriod.period_start == start,
             MetricPeriod.provider_id == provider, MetricPeriod.consumer_id == consumer)
    if summed["n"] <= 0:
        # The row exists (its ratings are being edited or removed). Databases check the proposed
        # row of an INSERT before ON CONFLICT, so negative deltas go through UPDATE.
        db.session.execute(update(MetricPeriod).where(*where).values(set_))
        db.session.execute(delete(MetricPeriod).where(*where, MetricPeriod.n == 0))
        return
    statement = _insert(MetricPeriod).values(
        period_kind=kind, period_start=start, provider_id=provider, consumer_id=consumer,
        raters=rater_change, **summed)
    statement = statement.on_conflict_do_update(
        index_elements=["period_kind", "period_start", "provider_id", "consumer_id"], set_=set_)
    db.session.execute(statement)


def rebuild_rollups() -> dict[str, int]:
    """Recompute every rollup from the ratings table in SQL; returns the row counts."""
    dialect = db.session.get_bind().dialect.name
    zone = company_zone()
    first, last = db.session.execute(select(func.min(Rating.created_at), func.max(Rating.created_at))).one()
    for model in (MetricPeriodRater, MetricPeriod, MetricAtomRater):
        db.session.execute(delete(model))
    if first is None:
        return {"periods": 0, "raters": 0, "atom_raters": 0}
    summed = ", ".join(SUM_COLUMNS)
    of_ratings = ", ".join(f"SUM({rating_sum.sql})" for rating_sum in RATING_SUMS)
    of_pairs = ", ".join(f"SUM({column})" for column in SUM_COLUMNS)
    for kind in PERIOD_KINDS:
        start = period_column(dialect, kind, zone, "created_at", first, last)
        db.session.execute(text(
            "INSERT INTO metric_period_raters (period_kind, period_start, provider_id, consumer_id, rater_key, n) "
            f"SELECT '{kind}', {start}, provider_id, consumer_id, rater_key, COUNT(*) FROM ratings "
            f"GROUP BY {start}, provider_id, consumer_id, rater_key"))
        db.session.execute(text(
            f"INSERT INTO metric_periods (period_kind, period_start, provider_id, consumer_id, raters, {summed}) "
            f"SELECT '{kind}', {start}, provider_id, consumer_id, 0, {of_ratings} FROM ratings "
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
            f"INSERT INTO metric_periods (period_kind, period_start, provider_id, consumer_id, raters, {summed}) "
            f"SELECT period_kind, period_start, {provider}, {consumer}, 0, {of_pairs} FROM metric_periods "
            "WHERE provider_id > 0 AND consumer_id > 0 "
            f"GROUP BY {keys}"))
    db.session.execute(text(
        "UPDATE metric_periods SET raters = (SELECT COUNT(*) FROM metric_period_raters r "
        "WHERE r.period_kind = metric_periods.period_kind AND r.period_start = metric_periods.period_start "
        "AND r.provider_id = metric_periods.provider_id AND r.consumer_id = metric_periods.consumer_id)"))
    _rebuild_atoms(dialect, zone, first, last)
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in (
        ("periods", MetricPeriod), ("raters", MetricPeriodRater), ("atom_raters", MetricAtomRater))}


def _rebuild_atoms(dialect: str, zone: ZoneInfo, first: dt.datetime, last: dt.datetime) -> None:
    week = period_column(dialect, "week", zone, "created_at", first, last)
    month = period_column(dialect, "month", zone, "created_at", first, last)
    columns = "provider_id, consumer_id, week_start, month_start"
    db.session.execute(text(
        f"INSERT INTO metric_atom_raters ({columns}, rater_key, n) "
        f"SELECT provider_id, consumer_id, {week}, {month}, rater_key, COUNT(*) FROM ratings "
        f"GROUP BY provider_id, consumer_id, {week}, {month}, rater_key"))
