"""Releases: a closed period's numbers, decided once by the release rule and never changed.

Nothing of an open period is published. Once a period has closed (in the company's zone) and
RELEASE_DELAY_MINUTES have passed, its release is made: by `flask --app wsgi metrics release`, or
by the first read that needs it. A week waits for the last month it overlaps to close: released
first, a week would split the month into pieces (a month minus its shown weeks is its withheld
weeks), so a department's month, which leaders read, would give way to its thinnest week.
Releases are made in the order they fall due, and at one time the coarsest first (a quarter,
then its last month, then the month's weeks), each decided by release_rule.py against every
value already released, so that the quarter keeps its numbers and the finer periods give way.
They are stored in `metric_releases` (one row per period),
`metric_release_values` (one row per scope with ratings: shown with its sums, or withheld and
why) and `metric_release_tags` (the reason tags that may be shown). Dashboards read these tables
only, so two reads of a closed period at any two times give the same numbers.

A rating counts in the week it was first given; erasing a person moves their ratings to a
pseudonym and changes no score. Ratings of accounts whose password an administrator set
(User.password_set_by_admin) count in the sums but not as raters: k real people stand behind
every value shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask import current_app
from sqlalchemy import String, and_, func, or_, select, text, tuple_, type_coerce, union
from sqlalchemy.exc import IntegrityError, OperationalError

from tracker.extensions import db
from tracker.metrics import periods
from tracker.metrics.models import (
    MetricAtomRater,
    MetricPeriod,
    MetricRelease,
    MetricReleasePair,
    MetricReleaseTag,
    MetricReleaseValue,
)
from tracker.metrics.periods import PERIOD_KINDS, company_zone
from tracker.metrics.release_rule import SHOWN, Candidate, Ledger, atom_periods, importance, single_scope
from tracker.metrics.rollups import SUM_COLUMNS
from tracker.metrics.sqlperiods import as_date, period_column
from tracker.models import Handoff, Rating, RatingReason, User
from tracker.types import utcnow

_LOCK = (0x51A7, 0x5E1E)  # advisory lock: "making releases"
_KIND_ORDER = {kind: -i for i, kind in enumerate(PERIOD_KINDS)}  # at one time: quarter, month, then weeks


def delay() -> dt.timedelta:
    return dt.timedelta(minutes=int(current_app.config["RELEASE_DELAY_MINUTES"]))


def release_time(kind: str, start: dt.date) -> dt.datetime:
    """When a period's release is due: its end in the company's zone plus the delay; for a week, the
    end of the last month it overlaps (see the module's docstring)."""
    if kind == "week":
        kind, start = "month", periods.period_start(start + dt.timedelta(days=6), "month")
    return periods.utc_bounds(start, kind, company_zone())[1] + delay()


def is_due(kind: str, start: dt.date, now: dt.datetime | None = None) -> bool:
    return release_time(kind, start) <= (now or utcnow())


def _order(item: tuple[str, dt.date]) -> tuple:
    kind, start = item
    return release_time(kind, start), _KIND_ORDER[kind], start


def due_periods(now: dt.datetime | None = None) -> list[tuple[str, dt.date]]:
    """Closed periods with ratings and no release yet, in the order they must be released."""
    now = now or utcnow()
    first = db.session.scalar(select(func.min(MetricPeriod.period_start)).where(MetricPeriod.period_kind == "week"))
    if first is None:
        return []
    first = as_date(first)
    made = {(kind, as_date(start)) for kind, start in db.session.execute(
        select(MetricRelease.period_kind, type_coerce(MetricRelease.period_start, String)))}
    due = []
    for kind in PERIOD_KINDS:
        start = periods.period_start(first, kind)
        while is_due(kind, start, now):
            if (kind, start) not in made:
                due.append((kind, start))
            start = periods.next_start(start, kind)
    return sorted(due, key=_order)


def release_due(now: dt.datetime | None = None) -> list[tuple[str, dt.date]]:
    """Make every release that is due, in order, and commit; returns the periods released.

    Two processes may try at once: on PostgreSQL an advisory lock makes the later one wait and
    then find the releases made; on SQLite the later writer fails and leaves them to the first.
    """
    due = due_periods(now)
    if not due:
        return []
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": _LOCK[0], "b": _LOCK[1]})
            due = due_periods(now)
        for batch in due_batches(due):
            release_batch(batch)
        db.session.commit()
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and "locked" not in str(exc.orig).lower():
            raise
        db.session.rollback()  # another process released them first, or is releasing them now
        return []
    return due


def due_batches(due: list[tuple[str, dt.date]]) -> list[list[tuple[str, dt.date]]]:
    """The due periods grouped by the time they fall due (in order): each group is decided together."""
    groups: dict = defaultdict(list)
    for item in due:
        groups[release_time(*item)].append(item)
    return [groups[when] for when in sorted(groups)]


def _decision_order(candidate: Candidate) -> tuple:
    """Within one batch: the coarsest period first (a quarter, its last month, the month's weeks), and
    within a period the company, then department totals, then pairs, busiest first (importance).

    Deciding level by level instead (the company's quarter, month and weeks, then the departments',
    then the pairs') keeps the weekly company total and loses almost every pair's month, which the
    company's weeks cut into pieces: on the demo, 98 % of the company's weeks against 1 % of the
    pairs' months.
    """
    return _KIND_ORDER[candidate.key[0]], *importance(candidate)


def release_batch(items: list[tuple[str, dt.date]]) -> dict[str, int]:
    """Decide and store the releases of periods that fall due at one time, together.

    They are decided as one system, in _decision_order. Earlier batches must be released already.
    """
    k = int(current_app.config["CONFIDENTIALITY_K"])
    for kind, start in items:
        db.session.add(MetricRelease(period_kind=kind, period_start=start, k=k, released_at=utcnow(),
                                     pairs_recorded=True))
    db.session.flush()  # a second release of the same period fails here
    zone = company_zone()
    pairs = [{"period_kind": kind, "period_start": start, "provider_id": p, "consumer_id": c}
             for kind, start in items for p, c in sorted(pairs_with_handoffs(*periods.utc_bounds(start, kind, zone)))]
    if pairs:
        db.session.execute(MetricReleasePair.__table__.insert(), pairs)
    quarters = sorted({periods.period_start(day, "quarter") for kind, start in items for day in (
        start, periods.next_start(start, kind) - dt.timedelta(days=1))})
    quarters = periods.starts_between(quarters[0], quarters[-1], "quarter")
    first, end = _window(quarters)
    rows = db.session.execute(select(*MetricPeriod.__table__.c).where(
        tuple_(MetricPeriod.period_kind, MetricPeriod.period_start).in_(items), MetricPeriod.n > 0)).all()
    not_counted = _not_counted()
    ledger = Ledger(_pair_atoms(first, end, not_counted), _published(first, end, quarters[0]), k)
    raters = {key: len(ledger.raters_of(key)) for key in (_key(row) for row in rows)}
    decisions = ledger.decide(sorted((Candidate(key, count) for key, count in raters.items()), key=_decision_order))
    values = []
    for row in rows:
        key = _key(row)
        shown = decisions[key] == SHOWN
        values.append({"period_kind": row.period_kind, "period_start": row.period_start,
                       "provider_id": row.provider_id, "consumer_id": row.consumer_id, "status": decisions[key],
                       "raters": raters[key] if shown else 0,
                       **{column: getattr(row, column) if shown else 0 for column in SUM_COLUMNS}})
    if values:
        db.session.execute(MetricReleaseValue.__table__.insert(), values)
    providers = defaultdict(set)  # (kind, start) -> providers whose total is shown
    for (kind, start, (p, c)), status in decisions.items():
        if status == SHOWN and p and not c:
            providers[(kind, start)].add(p)
    tags = _release_tags(providers, first, end, quarters[0], k, not_counted) if providers else 0
    return {"values": len(values), "shown": sum(1 for v in values if v["status"] == SHOWN), "tags": tags}


def _key(row) -> tuple:
    return row.period_kind, as_date(row.period_start), (row.provider_id, row.consumer_id)


def _window(quarters: list[dt.date]) -> tuple[dt.date, dt.date]:
    """First and last-plus-one local day of the atoms a release of these quarters' periods is decided on:
    every period that can share an atom with them lies in these quarters, widened to whole weeks."""
    first = periods.period_start(quarters[0], "week")
    last_week = periods.period_start(periods.next_start(quarters[-1], "quarter") - dt.timedelta(days=1), "week")
    return first, periods.next_start(last_week, "week")


def _not_counted() -> frozenset[int]:
    """Rater keys that count in the sums but not as raters: accounts whose password an administrator set."""
    return frozenset(db.session.scalars(select(User.id).where(User.password_set_by_admin.is_(True))))


def _pair_atoms(first: dt.date, end: dt.date, not_counted: frozenset[int]) -> dict:
    """{((provider, consumer), week, month): rater keys} of every pair atom whose week starts in [first, end)
    (an atom whose ratings all come from raters not counted has an empty set)."""
    found: dict = defaultdict(set)
    query = select(MetricAtomRater.provider_id, MetricAtomRater.consumer_id,
                   type_coerce(MetricAtomRater.week_start, String), type_coerce(MetricAtomRater.month_start, String),
                   MetricAtomRater.rater_key).where(
        MetricAtomRater.week_start >= first, MetricAtomRater.week_start < end,
        MetricAtomRater.provider_id > 0, MetricAtomRater.consumer_id > 0)
    for provider, consumer, week, month, rater in db.session.connection().execute(query):
        raters = found[((provider, consumer), as_date(week), as_date(month))]
        if rater not in not_counted:
            raters.add(rater)
    return {atom: frozenset(raters) for atom, raters in found.items()}


def _in_window(table, first: dt.date, end: dt.date, months_from: dt.date):
    """Periods that overlap the window: weeks starting in it, months and quarters from its first quarter."""
    return or_(and_(table.period_kind == "week", table.period_start >= first, table.period_start < end),
               and_(table.period_kind != "week", table.period_start >= months_from, table.period_start < end))


def _published(first: dt.date, end: dt.date, months_from: dt.date) -> set:
    table = MetricReleaseValue
    query = select(table.period_kind, type_coerce(table.period_start, String), table.provider_id,
                   table.consumer_id).where(table.status == SHOWN, _in_window(table, first, end, months_from))
    return {(kind, as_date(start), (p, c)) for kind, start, p, c in db.session.execute(query)}


def _release_tags(providers: dict[tuple[str, dt.date], set[int]], first: dt.date, end: dt.date,
                  months_from: dt.date, k: int, not_counted: frozenset[int]) -> int:
    """Reason tags of a batch's periods, for the providers whose total is shown in each: every tag's
    count is decided by the same rule, against the counts of that tag already released for the
    provider, coarsest period first as the values are."""
    zone = company_zone()
    lower = periods.utc_bounds(first, "week", zone)[0]
    upper = periods.utc_bounds(end, "week", zone)[0]
    dialect = db.session.get_bind().dialect.name
    week, month = (period_column(dialect, part, zone, "ratings.created_at", lower, upper) for part in ("week", "month"))
    query = (select(Rating.provider_id, RatingReason.tag, week, month, Rating.rater_key, func.count())
             .join(RatingReason, RatingReason.rating_id == Rating.id)
             .where(Rating.created_at >= lower, Rating.created_at < upper)
             .group_by(Rating.provider_id, RatingReason.tag, week, month, Rating.rater_key))
    atoms: dict = defaultdict(set)
    counts: dict = defaultdict(int)
    period_raters: dict = defaultdict(set)
    for provider, tag, week_start, month_start, rater, n in db.session.execute(query):
        week_start, month_start = as_date(week_start), as_date(month_start)
        counted = set() if rater in not_counted else {rater}
        atoms[((provider, tag), week_start, month_start)].update(counted)
        for period in atom_periods(week_start, month_start):
            if provider in providers.get(period, ()):
                counts[(*period, provider, tag)] += n
                period_raters[(*period, provider, tag)].update(counted)
    table = MetricReleaseTag
    published = {(kind_, as_date(start_), (p, tag)) for kind_, start_, p, tag in db.session.execute(
        select(table.period_kind, type_coerce(table.period_start, String), table.provider_id, table.tag)
        .where(_in_window(table, first, end, months_from)))}
    ledger = Ledger({atom: frozenset(raters) for atom, raters in atoms.items()}, published, k, single_scope)
    candidates = sorted((Candidate((kind, start, (provider, tag)), len(raters))
                         for (kind, start, provider, tag), raters in period_raters.items()),
                        key=lambda c: (_KIND_ORDER[c.key[0]], -c.raters, c.key[2]))
    rows = [{"period_kind": kind, "period_start": start, "provider_id": provider, "tag": tag,
             "n": counts[(kind, start, provider, tag)], "raters": len(period_raters[(kind, start, provider, tag)])}
            for (kind, start, (provider, tag)), status in ledger.decide(candidates).items() if status == SHOWN]
    if rows:
        db.session.execute(MetricReleaseTag.__table__.insert(), rows)
    return len(rows)


# --- reading releases ---------------------------------------------------------------------------------

def released_starts(kind: str, starts) -> set[dt.date]:
    """The given periods that are released (making due releases first).

    A period that is due and has no release held no ratings (release_due releases every due period
    from the first week with ratings on), so it reads as released, with nothing in it.
    """
    release_due()
    starts = list(starts)
    if not starts:
        return set()
    now = utcnow()
    query = select(type_coerce(MetricRelease.period_start, String)).where(
        MetricRelease.period_kind == kind, MetricRelease.period_start >= starts[0],
        MetricRelease.period_start <= starts[-1])
    made = {as_date(start) for start in db.session.scalars(query)}
    return {start for start in starts if start in made or is_due(kind, start, now)}


_VALUE_COLUMNS = tuple(c for c in MetricReleaseValue.__table__.c if c.name != "period_start")


def release_rows(kind: str, starts, *conditions) -> dict[tuple[dt.date, int, int], object]:
    """{(start, provider, consumer): row} of the released values of the given periods (plain rows)."""
    starts = sorted(starts)
    if not starts:
        return {}
    table = MetricReleaseValue
    # SQLite hands dates back as text, which as_date parses faster than the Date type's own reader.
    start = table.period_start if db.session.get_bind().dialect.name == "postgresql" else type_coerce(
        table.period_start, String)
    query = select(start.label("start"), *_VALUE_COLUMNS).where(
        table.period_kind == kind, table.period_start >= starts[0], table.period_start <= starts[-1], *conditions)
    wanted = set(starts)
    found = {}
    for row in db.session.execute(query):
        start = as_date(row.start)
        if start in wanted:
            found[(start, row.provider_id, row.consumer_id)] = row
    return found


def release_tags(kind: str, start: dt.date, provider_id: int) -> list[tuple[str, int, int]]:
    """(tag, n, raters) of the reason tags released for a provider's period."""
    table = MetricReleaseTag
    return [tuple(row) for row in db.session.execute(select(table.tag, table.n, table.raters).where(
        table.period_kind == kind, table.period_start == start, table.provider_id == provider_id))]


def pairs_with_handoffs(lower: dt.datetime, upper: dt.datetime, *conditions) -> set[tuple[int, int]]:
    """(provider, consumer) of the pairs with a handoff requested or delivered in [lower, upper)."""
    # Two range reads of covering indexes, one per time, instead of one OR over the whole table.
    requested, delivered = (select(Handoff.provider_id, Handoff.consumer_id).where(
        column >= lower, column < upper, *conditions) for column in (Handoff.requested_at, Handoff.delivered_at))
    return {(provider, consumer) for provider, consumer in db.session.execute(union(requested, delivered))}


def released_pairs(kind: str, start: dt.date, *conditions) -> set[tuple[int, int]] | None:
    """The pairs with handoffs that a period's release recorded, or None when it recorded none."""
    recorded = db.session.scalar(select(MetricRelease.pairs_recorded).where(
        MetricRelease.period_kind == kind, MetricRelease.period_start == start))
    if not recorded:
        return None
    table = MetricReleasePair
    return {(p, c) for p, c in db.session.execute(select(table.provider_id, table.consumer_id).where(
        table.period_kind == kind, table.period_start == start, *conditions))}
