"""The differencing rule's decisions, stored and kept current on every rating write.

differencing.py decides, from the atom rollups, which weeks, months and quarters of a scope may be
shown without a difference of them isolating fewer than k raters. Deriving that on every request
costs a dashboard most of its time (every scope of the company, the raters of its thin atoms), so
the decisions are kept in `metric_hidden_periods`: one row per scope and period that holds at least
k raters but must be withheld. Periods with fewer than k raters need no row (the threshold
withholds them), and most periods are shown, so the table stays small and a request reads a few
rows of it.

Which decisions one rating can change: the rating falls in one atom (week w within month m). The
rule reads that atom for week w, for the months w overlaps (a week is shown only when each of its
parts is; a month's remainder is its share of the weeks not shown), for the weeks inside those
months (a month may hide a week whose ratings all lie in it, to make up k; that includes a week
straddling two months with ratings in one of them only) and for the quarters holding those months
(made of the months' decisions and remainders). All of them lie in the quarters of the months w
overlaps, widened to whole weeks: a write decides those quarters again, for the four scopes the
rating counts in (its pair, the provider's and the consumer's totals, the company), and replaces
their rows. To decide a week that straddles into a neighbouring quarter, the neighbouring month is
read and decided as well, so every quarter that stores such a week agrees on it.

`metric_hidden_state` names the k the rows were decided for. It is written by the migration on an
empty database and by `flask --app wsgi metrics rebuild` (which decides every period again); while
it is missing or names another k than the configuration, `period_guard` falls back to deriving the
decisions on each request, which is slower and never wrong.

On PostgreSQL two writes in the same quarters could each decide from a view without the other's
uncommitted atoms; a transaction-scoped advisory lock per quarter, taken before deciding, makes
the later one wait and then read the earlier one's committed atoms. SQLite has one writer at a time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import String, and_, bindparam, delete, func, insert, or_, select, text, type_coerce

from tracker.extensions import db
from tracker.metrics import periods
from tracker.metrics.differencing import PeriodGuard, Scope, as_date, decide_scopes, scope_filter, span
from tracker.metrics.models import MetricAtom, MetricHiddenPeriod, MetricHiddenState, MetricPeriod

_LOCK_CLASS = 0x51A7  # first key of the advisory locks: "decisions of one quarter"
_NO_PERIODS: dict[str, set[dt.date]] = {"week": set(), "month": set(), "quarter": set()}


def stored_k() -> int | None:
    """The k the stored decisions hold for, or None when they are not complete."""
    return db.session.scalar(select(MetricHiddenState.k).where(MetricHiddenState.id == 1))


def period_guard(kind: str, starts: Iterable[dt.date], k: int, *conditions, scopes: str = "all"):
    """A guard with PeriodGuard's `hides`, reading stored decisions when they hold for k."""
    starts = frozenset(starts)
    if stored_k() == k:
        return StoredGuard(kind, starts, *conditions, scopes=scopes)
    return PeriodGuard(kind, starts, k, *conditions, scopes=scopes)


class StoredGuard:
    """PeriodGuard.hides for periods with at least k raters, read from metric_hidden_periods.

    For a period with fewer than k raters it answers False: the threshold withholds that value.
    """

    def __init__(self, kind: str, starts: Iterable[dt.date], *conditions, scopes: str = "all") -> None:
        self.kind = kind
        self.starts = frozenset(starts)
        stored = MetricHiddenPeriod
        query = select(stored.provider_id, stored.consumer_id, type_coerce(stored.period_start, String)).where(
            stored.period_kind == kind, stored.period_start >= min(self.starts),
            stored.period_start <= max(self.starts),
            *scope_filter(stored, conditions, scopes))
        self._hidden = {(p, c, as_date(start)) for p, c, start in db.session.execute(query)}

    def hides(self, provider_id: int, consumer_id: int, start: dt.date) -> bool:
        if start not in self.starts:
            raise ValueError(f"{start} is outside the periods this guard has read")
        return (provider_id, consumer_id, start) in self._hidden


def _quarter_key(day: dt.date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def _windows(quarters: list[dt.date], weeks_from: dt.date | None) -> dict[str, dt.date]:
    """Bounds of the periods deciding `quarters` settles (see the docstring): weeks starting in
    [week_low, week_high), months and quarters starting in [low, high)."""
    first, end = span("quarter", quarters)
    return {"week_low": first if weeks_from is None else max(first, weeks_from), "week_high": end,
            "low": quarters[0], "high": periods.next_start(quarters[-1], "quarter")}


@functools.lru_cache(maxsize=8)
def _statements(scope_count: int | None) -> tuple:
    """(atoms, withheld candidates, delete) for `scope_count` scopes (None: every scope), written once
    with bind parameters: :first/:end for the atoms' span, the _windows bounds, :k, and :p0/:c0... .

    Scopes are one term per scope (and per kind), so that PostgreSQL reads each through the
    (provider_id, consumer_id, ...) indexes instead of every scope's rows of the months.
    """
    atom, period, hidden = MetricAtom.__table__.c, MetricPeriod.__table__.c, MetricHiddenPeriod.__table__
    scopes = [(bindparam(f"p{i}"), bindparam(f"c{i}")) for i in range(scope_count or 0)]

    def in_windows(columns) -> list:
        windows = [(kind, bindparam("week_low" if kind == "week" else "low"),
                    bindparam("week_high" if kind == "week" else "high")) for kind in ("week", "month", "quarter")]
        terms = [[columns.period_kind == kind, columns.period_start >= low, columns.period_start < high]
                 for kind, low, high in windows]
        if scope_count is None:
            return [or_(*(and_(*term) for term in terms))]
        return [or_(*(and_(columns.provider_id == p, columns.consumer_id == c, *term)
                      for p, c in scopes for term in terms))]

    atom_scopes = [] if scope_count is None else [
        or_(*(and_(atom.provider_id == p, atom.consumer_id == c) for p, c in scopes))]
    atoms = select(atom.provider_id, atom.consumer_id, type_coerce(atom.week_start, String),
                   type_coerce(atom.month_start, String), atom.raters).where(
        atom.week_start >= bindparam("first"), atom.week_start < bindparam("end"), atom.raters > 0, *atom_scopes)
    candidates = select(period.period_kind, type_coerce(period.period_start, String), period.provider_id,
                        period.consumer_id).where(*in_windows(period), period.raters >= bindparam("k"))
    return atoms, candidates, delete(hidden).where(*in_windows(hidden.c))


def decide_quarters(quarters: list[dt.date], scopes: list[Scope] | None, k: int,
                    weeks_from: dt.date | None = None) -> int:
    """Decide again every period of consecutive `quarters` for `scopes` (None: every scope) and
    replace their stored rows; weeks starting before `weeks_from` are left as they are. Returns
    the number of rows written."""
    # A week with ratings in one of its two months only is inside that month, which may hide it,
    # so the months on either side of the quarters are decided too (and not stored).
    before = periods.previous_start(quarters[0], "month")
    first, end = span("month", [before, periods.next_start(quarters[-1], "quarter")])
    atoms, candidates, remove = _statements(None if scopes is None else len(scopes))
    params = {"first": first, "end": end, "k": k, **_windows(quarters, weeks_from)}
    for i, (provider, consumer) in enumerate(scopes or ()):
        params[f"p{i}"], params[f"c{i}"] = provider, consumer
    connection = db.session.connection()
    counts: dict = defaultdict(dict)
    for provider, consumer, week, month, raters in connection.execute(atoms, params):
        counts[(provider, consumer)][(as_date(week), as_date(month))] = raters
    shown = decide_scopes(counts, first, end, k)
    rows = []
    for kind, start, provider, consumer in connection.execute(candidates, params):
        start = as_date(start)
        if start not in shown.get((provider, consumer), _NO_PERIODS)[kind]:
            rows.append({"period_kind": kind, "period_start": start, "provider_id": provider,
                         "consumer_id": consumer})
    connection.execute(remove, params)
    if rows:
        connection.execute(insert(MetricHiddenPeriod.__table__), rows)
    return len(rows)


def refresh_after_write(scopes: Iterable[Scope], days: Iterable[dt.date]) -> None:
    """Decide again what ratings on the given local days can change, for the given scopes.

    Call after the atom rollups took the change, in the same transaction (rollups.apply_rating_changes, from the flush).
    """
    k = stored_k()
    if k is None:
        return
    groups: set[tuple[dt.date, ...]] = set()
    for day in days:
        week = periods.period_start(day, "week")
        groups.add(tuple(sorted({periods.period_start(d, "quarter") for d in (week, week + dt.timedelta(days=6))})))
    scopes = sorted(set(scopes))
    for quarters in sorted(groups):
        _lock(quarters)
        decide_quarters(list(quarters), scopes, k)


def _lock(quarters: tuple[dt.date, ...]) -> None:
    """On PostgreSQL, wait for other transactions deciding any quarter these decisions touch."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    first, end = span("quarter", quarters)
    keys = sorted({_quarter_key(first), _quarter_key(end - dt.timedelta(days=1)), *map(_quarter_key, quarters)})
    for key in keys:
        db.session.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": _LOCK_CLASS, "b": key})


def rebuild_decisions(k: int) -> int:
    """Decide every period of every scope from the atom rollups for k; returns the rows stored."""
    db.session.execute(delete(MetricHiddenState))
    db.session.execute(delete(MetricHiddenPeriod))
    low, high = db.session.execute(select(func.min(MetricAtom.week_start), func.max(MetricAtom.week_start))).one()
    stored = 0
    if low is not None:
        low, high = as_date(low), as_date(high)
        quarter = periods.period_start(low, "quarter")
        last = periods.period_start(high + dt.timedelta(days=6), "quarter")
        weeks_from = None
        while quarter <= last:
            stored += decide_quarters([quarter], None, k, weeks_from)
            weeks_from = span("quarter", [quarter])[1]
            quarter = periods.next_start(quarter, "quarter")
    db.session.execute(insert(MetricHiddenState).values(id=1, k=k))
    return stored
