"""The numbers, read from the rollups (ratings) and from handoffs (attainment), with suppression.

Every function takes the viewer: leadership and administrators see every pair; a lead or an
employee only the pairs where their own department is the provider or the consumer.
No function loads ratings row by row: sums come from the rollup tables, counts from GROUP BY.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app, has_request_context
from sqlalchemy import and_, case, func, or_, select, tuple_

from tracker.auth.permissions import sees_whole_company
from tracker.commitments.services import can_see_drafts
from tracker.departments.services import get_by_code
from tracker.errors import Forbidden, InvalidInput, NotFound
from tracker.extensions import db
from tracker.metrics import periods, stats
from tracker.metrics.confidentiality import hidden_part_ok, shown
from tracker.metrics.hidden import period_guard
from tracker.metrics.models import MetricPeriod, MetricPeriodRater
from tracker.metrics.periods import company_zone
from tracker.metrics.sqlperiods import period_column
from tracker.models import (
    CommitmentConsumer,
    CommitmentVersion,
    Department,
    Handoff,
    Rating,
    RatingReason,
    ServiceCommitment,
    User,
)

RATING_METRICS = ("satisfaction", "collaboration", "csat")
METRICS = (*RATING_METRICS, "attainment")
MAX_PERIODS = 160


def k_threshold() -> int:
    return int(current_app.config["CONFIDENTIALITY_K"])


# --- who sees what -------------------------------------------------------------------------------

def visible_department(user: User) -> int | None:
    """None when the user sees the whole company, else the one department whose pairs they see."""
    if sees_whole_company(user):
        return None
    if user.department_id is None:
        raise Forbidden("You belong to no department, so there are no numbers to show you.")
    return user.department_id


def require_pair_visible(user: User, provider_id: int, consumer_id: int) -> None:
    own = visible_department(user)
    if own is not None and own not in (provider_id, consumer_id):
        raise Forbidden("You may see only the pairs in which your department is the provider or the consumer.")


def _pair_filter(model, own: int | None):
    if own is None:
        return True
    return or_(model.provider_id == own, model.consumer_id == own)


# --- ranges of whole periods ---------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodRange:
    kind: str
    starts: tuple[dt.date, ...]

    @property
    def first(self) -> dt.date:
        return self.starts[0]

    @property
    def last(self) -> dt.date:
        return self.starts[-1]


def period_range(kind: str, first: str | None = None, last: str | None = None, default_count: int = 1,
                 include_current: bool = False) -> PeriodRange:
    """Whole periods from `first` to `last` (labels or dates); by default the last complete ones."""
    if kind not in periods.PERIOD_KINDS:
        raise InvalidInput("Choose week, month or quarter.", field="period")
    zone = company_zone()
    current = periods.current_start(kind, zone)
    if last:
        end = periods.parse(last, kind, "to")
    else:
        end = current if include_current else periods.previous_start(current, kind)
    if first:
        start = periods.parse(first, kind, "from")
    else:
        start = end
        for _ in range(default_count - 1):
            start = periods.previous_start(start, kind)
    if start > end:
        raise InvalidInput("The range ends before it begins.", field="from")
    starts = periods.starts_between(start, end, kind)
    if len(starts) > MAX_PERIODS:
        raise InvalidInput(f"Ask for at most {MAX_PERIODS} periods at once.", field="from")
    return PeriodRange(kind, tuple(starts))


# --- turning sums into published values ----------------------------------------------------------

@dataclass
class Sums:
    n: int = 0
    raters: int = 0
    sat_sum: int = 0
    sat_sq: int = 0
    sat_good: int = 0
    col_sum: int = 0
    col_sq: int = 0


def interval_of(sums: Sums, metric: str) -> stats.Interval | None:
    if metric == "satisfaction":
        return stats.mean_interval(sums.n, sums.sat_sum, sums.sat_sq)
    if metric == "collaboration":
        return stats.mean_interval(sums.n, sums.col_sum, sums.col_sq)
    if metric == "csat":
        return stats.wilson_interval(sums.sat_good, sums.n)
    raise ValueError(metric)


def publish(sums: Sums, metric: str, k: int, extra_hidden: bool = False) -> dict:
    """{n, raters, value, low, high} or {n, suppressed: true}: never a value below k raters."""
    if not shown(sums.raters, k) or extra_hidden:
        return {"n": sums.n, "suppressed": True}
    interval = interval_of(sums, metric)
    scale = 100.0 if metric == "csat" else 1.0
    return {"n": sums.n, "raters": sums.raters, "value": round(interval.value * scale, 4),
            "low": round(interval.low * scale, 4), "high": round(interval.high * scale, 4)}


def _sums(row) -> Sums:
    return Sums(row.n, row.raters, row.sat_sum, row.sat_sq, row.sat_good, row.col_sum, row.col_sq)


_PERIOD_COLUMNS = tuple(MetricPeriod.__table__.c)


def _period_rows(kind: str, starts, *conditions):
    """Plain rows (not ORM objects: thousands of cells are read per matrix) of the rollups."""
    query = select(*_PERIOD_COLUMNS).where(MetricPeriod.period_kind == kind, MetricPeriod.period_start >= starts[0],
                                           MetricPeriod.period_start <= starts[-1], *conditions)
    return db.session.execute(query).all()


def _departments(ids=None) -> dict[int, Department]:
    query = select(Department)
    if ids is not None:
        query = query.where(Department.id.in_(ids))
    return {d.id: d for d in db.session.scalars(query)}


def department_list() -> list[Department]:
    """Every department, by code (for names in the reader's language)."""
    return sorted(_departments().values(), key=lambda d: d.code)


# --- attainment from handoffs ---------------------------------------------------------------------

def _attainment_columns(now: dt.datetime):
    met = func.sum(case((and_(Handoff.delivered_at.is_not(None), Handoff.delivered_at <= Handoff.due_at), 1),
                        else_=0))
    missed = func.sum(case((Handoff.delivered_at > Handoff.due_at, 1),
                           (and_(Handoff.delivered_at.is_(None), Handoff.due_at < now), 1), else_=0))
    return met.label("met"), missed.label("missed")


def _attainment_by(kind: str, starts, group_columns, *conditions) -> dict:
    """{(period_start, *group values): (met, missed)} for handoffs due in the periods."""
    zone = company_zone()
    lower, _ = periods.utc_bounds(starts[0], kind, zone)
    _, upper = periods.utc_bounds(starts[-1], kind, zone)
    dialect = db.session.get_bind().dialect.name
    start = period_column(dialect, kind, zone, "handoffs.due_at", lower, upper).label("period_start")
    met, missed = _attainment_columns(dt.datetime.now(dt.UTC))
    query = (select(start, *group_columns, met, missed)
             .where(Handoff.due_at >= lower, Handoff.due_at < upper, Handoff.cancelled_at.is_(None), *conditions)
             .group_by(start, *group_columns))
    result = {}
    for row in db.session.execute(query):
        period = row[0] if isinstance(row[0], dt.date) else dt.date.fromisoformat(str(row[0])[:10])
        result[(period, *row[1:-2])] = (int(row.met or 0), int(row.missed or 0))
    return result


def _attainment_value(met: int, missed: int) -> dict:
    due = met + missed
    if not due:
        return {"n": 0, "value": None}
    interval = stats.wilson_interval(met, due)
    return {"n": due, "met": met, "missed": missed, "value": round(interval.value * 100, 4),
            "low": round(interval.low * 100, 4), "high": round(interval.high * 100, 4)}


# --- the company matrix ----------------------------------------------------------------------------

def pair_cells(user: User, metric: str, prange: PeriodRange) -> list[dict]:
    """One cell per visible pair and period: the API's matrix."""
    if metric not in METRICS:
        raise InvalidInput("Choose satisfaction, collaboration, csat or attainment.", field="metric")
    own = visible_department(user)
    names = {d.id: d.code for d in _departments().values()}
    cells = []
    if metric == "attainment":
        conditions = [] if own is None else [or_(Handoff.provider_id == own, Handoff.consumer_id == own)]
        found = _attainment_by(prange.kind, prange.starts, [Handoff.provider_id, Handoff.consumer_id], *conditions)
        for (start, provider, consumer), (met, missed) in sorted(found.items()):
            value = _attainment_value(met, missed)
            if value["n"]:
                cells.append({"provider": names[provider], "consumer": names[consumer],
                              "period": periods.label(start, prange.kind), **value})
        return cells
    k = k_threshold()
    rows = _period_rows(prange.kind, prange.starts, MetricPeriod.provider_id > 0, MetricPeriod.consumer_id > 0,
                        _pair_filter(MetricPeriod, own))
    guard = period_guard(prange.kind, prange.starts, k, _pair_filter(Rating, own), scopes="pairs")
    for row in sorted(rows, key=lambda r: (r.period_start, names[r.provider_id], names[r.consumer_id])):
        hidden = guard.hides(row.provider_id, row.consumer_id, row.period_start)
        cells.append({"provider": names[row.provider_id], "consumer": names[row.consumer_id],
                      "period": periods.label(row.period_start, prange.kind),
                      **publish(_sums(row), metric, k, extra_hidden=hidden)})
    return cells


@dataclass
class Matrix:
    """A heat map for one whole period: cells plus the margins that may be shown."""

    kind: str
    start: dt.date
    metric: str
    departments: list[Department]
    cells: dict = field(default_factory=dict)  # (provider_id, consumer_id) -> published dict
    providers: dict = field(default_factory=dict)  # provider_id -> published dict (row margin)
    consumers: dict = field(default_factory=dict)  # consumer_id -> published dict (column margin)
    company: dict | None = None

    @property
    def label(self) -> str:
        return periods.label(self.start, self.kind)


def _hidden_rater_keys(kind: str, start: dt.date, cells: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """(provider, consumer, rater_key) of the given suppressed pair cells: each holds fewer than k raters."""
    found = []
    for offset in range(0, len(cells), 400):
        chunk = cells[offset:offset + 400]
        query = select(MetricPeriodRater.provider_id, MetricPeriodRater.consumer_id, MetricPeriodRater.rater_key).where(
            MetricPeriodRater.period_kind == kind, MetricPeriodRater.period_start == start,
            tuple_(MetricPeriodRater.provider_id, MetricPeriodRater.consumer_id).in_(chunk))
        found.extend(db.session.execute(query).all())
    return found


def _hidden_union(kind: str, start: dt.date, k: int, group: str | None, scope) -> dict:
    """Distinct raters in the suppressed pair cells of one period, per provider/consumer or overall."""
    cells = [(r.provider_id, r.consumer_id) for r in _period_rows(kind, (start,), *scope) if r.raters < k]
    return _union_by(_hidden_rater_keys(kind, start, cells), group)


def _union_by(keys: list[tuple[int, int, int]], group: str | None) -> dict:
    sets: dict = defaultdict(set)
    for provider, consumer, rater in keys:
        sets[None if group is None else provider if group == "provider_id" else consumer].add(rater)
    result = {key: len(value) for key, value in sets.items()}
    if group is None:
        result.setdefault(None, 0)
    return result


def _hidden_margin_union(kind: str, start: dt.date, column: str, hidden_ids: list[int]) -> int:
    """Distinct raters in the given provider rows (or consumer columns) of one period."""
    if not hidden_ids:
        return 0
    other = "consumer_id" if column == "provider_id" else "provider_id"
    query = select(func.count(func.distinct(MetricPeriodRater.rater_key))).where(
        MetricPeriodRater.period_kind == kind, MetricPeriodRater.period_start == start,
        getattr(MetricPeriodRater, column).in_(hidden_ids), getattr(MetricPeriodRater, other) == 0)
    return db.session.scalar(query) or 0


def matrix(user: User, metric: str, kind: str, when: str | None = None) -> Matrix:
    """The company matrix for one whole period, with margins shown only when safe."""
    if metric not in METRICS:
        raise InvalidInput("Choose satisfaction, collaboration, csat or attainment.", field="metric")
    prange = period_range(kind, when, when)
    own = visible_department(user)
    start = prange.first
    departments = sorted(_departments().values(), key=lambda d: d.code)
    result = Matrix(kind, start, metric, departments)
    if metric == "attainment":
        conditions = [] if own is None else [or_(Handoff.provider_id == own, Handoff.consumer_id == own)]
        found = _attainment_by(kind, prange.starts, [Handoff.provider_id, Handoff.consumer_id], *conditions)
        totals: dict = {}
        for (_, provider, consumer), (met, missed) in found.items():
            result.cells[(provider, consumer)] = _attainment_value(met, missed)
            for key in (("p", provider), ("c", consumer), ("all",)):
                before = totals.get(key, (0, 0))
                totals[key] = (before[0] + met, before[1] + missed)
        for key, (met, missed) in totals.items():
            if key[0] == "p" and (own is None or key[1] == own):
                result.providers[key[1]] = _attainment_value(met, missed)
            elif key[0] == "c" and (own is None or key[1] == own):
                result.consumers[key[1]] = _attainment_value(met, missed)
            elif key[0] == "all" and own is None:
                result.company = _attainment_value(met, missed)
        return result
    k = k_threshold()
    rows = _period_rows(kind, prange.starts)
    hidden_keys = _hidden_rater_keys(kind, start, [(r.provider_id, r.consumer_id) for r in rows
                                                   if r.provider_id and r.consumer_id and r.raters < k])
    hidden_by_provider = _union_by(hidden_keys, "provider_id")
    hidden_by_consumer = _union_by(hidden_keys, "consumer_id")
    # Weeks, months and quarters of one scope are published side by side: see differencing.py.
    guard = period_guard(kind, (start,), k, _pair_filter(Rating, own))
    for row in rows:
        p, c = row.provider_id, row.consumer_id
        if p and c and (own is None or own in (p, c)):
            result.cells[(p, c)] = publish(_sums(row), metric, k, extra_hidden=guard.hides(p, c, start))
        elif p and not c and (own is None or own == p):
            result.providers[p] = publish(_sums(row), metric, k, extra_hidden=guard.hides(p, 0, start)
                                          or not hidden_part_ok(hidden_by_provider.get(p, 0), k))
        elif c and not p and (own is None or own == c):
            result.consumers[c] = publish(_sums(row), metric, k, extra_hidden=guard.hides(0, c, start)
                                          or not hidden_part_ok(hidden_by_consumer.get(c, 0), k))
    company = next((r for r in rows if r.provider_id == 0 and r.consumer_id == 0), None)
    if company is not None and own is None:
        hidden_rows = [p for p, v in result.providers.items() if v.get("suppressed")]
        hidden_columns = [c for c, v in result.consumers.items() if v.get("suppressed")]
        safe = (hidden_part_ok(_union_by(hidden_keys, None)[None], k)
                and hidden_part_ok(_hidden_margin_union(kind, start, "provider_id", hidden_rows), k)
                and hidden_part_ok(_hidden_margin_union(kind, start, "consumer_id", hidden_columns), k))
        result.company = publish(_sums(company), metric, k, extra_hidden=not safe or guard.hides(0, 0, start))
    return result


# --- one pair over time ----------------------------------------------------------------------------

def _pair_target(provider_id: int, consumer_id: int):
    """The satisfaction and attainment targets of the provider's newest published commitment to the consumer."""
    named = select(CommitmentConsumer.version_id).where(
        CommitmentConsumer.version_id == CommitmentVersion.id, CommitmentConsumer.department_id == consumer_id).exists()
    query = (select(CommitmentVersion.satisfaction_target, CommitmentVersion.attainment_target)
             .join(ServiceCommitment, ServiceCommitment.id == CommitmentVersion.commitment_id)
             .where(ServiceCommitment.provider_id == provider_id, CommitmentVersion.published_at.is_not(None),
                    or_(CommitmentVersion.all_consumers, named))
             .order_by(CommitmentVersion.published_at.desc()).limit(1))
    row = db.session.execute(query).first()
    return (float(row[0]), float(row[1])) if row else (None, None)


def pair_series(user: User, provider_code: str, consumer_code: str, prange: PeriodRange) -> dict:
    """Satisfaction, collaboration, CSAT and attainment per period for a pair and its reverse."""
    provider, consumer = get_by_code(provider_code), get_by_code(consumer_code)
    if provider.id == consumer.id:
        raise InvalidInput("A pair needs two different departments.", field="consumer")
    require_pair_visible(user, provider.id, consumer.id)
    k = k_threshold()
    result = {"provider": provider.code, "consumer": consumer.code, "period": prange.kind}
    guard = period_guard(prange.kind, prange.starts, k, or_(
        and_(Rating.provider_id == provider.id, Rating.consumer_id == consumer.id),
        and_(Rating.provider_id == consumer.id, Rating.consumer_id == provider.id)), scopes="pairs")
    for key, (p, c) in (("series", (provider, consumer)), ("reverse", (consumer, provider))):
        rows = {r.period_start: r for r in _period_rows(
            prange.kind, prange.starts, MetricPeriod.provider_id == p.id, MetricPeriod.consumer_id == c.id)}
        attainment = _attainment_by(prange.kind, prange.starts, [], Handoff.provider_id == p.id,
                                    Handoff.consumer_id == c.id)
        points = []
        for start in prange.starts:
            sums = _sums(rows[start]) if start in rows else Sums()
            point = {"period": periods.label(start, prange.kind), "start": start.isoformat(), "n": sums.n}
            hidden = guard.hides(p.id, c.id, start)
            for metric in RATING_METRICS:
                published = publish(sums, metric, k, extra_hidden=hidden)
                point[metric] = None if published.get("suppressed") else {
                    "value": published["value"], "low": published["low"], "high": published["high"]}
            point["suppressed"] = not shown(sums.raters, k) or hidden
            if not point["suppressed"]:
                point["raters"] = sums.raters
            point["attainment"] = _attainment_value(*attainment.get((start,), (0, 0)))
            points.append(point)
        satisfaction_target, attainment_target = _pair_target(p.id, c.id)
        result[key] = {"provider": p.code, "consumer": c.code, "satisfaction_target": satisfaction_target,
                       "attainment_target": attainment_target, "points": points}
    return result


# --- a provider's consumers over one finished quarter ------------------------------------------------

MAX_COMMENTS = 200  # per consumer: a page of text, not an unbounded list
FIRST_YEAR = 2000  # no ratings are older; far-off years would overflow the UTC bounds


def finished_starts(kind: str, count: int) -> list[dt.date]:
    """The starts of the last `count` finished periods of a kind in company time, latest first."""
    start = periods.previous_start(periods.current_start(kind, company_zone()), kind)
    starts = []
    for _ in range(count):
        starts.append(start)
        start = periods.previous_start(start, kind)
    return starts


def finished_start(kind: str, when: str | None) -> dt.date:
    """The finished period named by `when` (a label or a date), else the latest finished one.

    A filter in a link, so anything else (an open or future period, nonsense) shows the default.
    """
    latest = finished_starts(kind, 1)[0]
    try:
        start = periods.parse(when, kind, "period") if when else latest
    except InvalidInput:
        return latest
    return start if start.year >= FIRST_YEAR and start <= latest else latest


def ratings_by_consumer(user: User, provider: Department, start: dt.date) -> list[dict]:
    """Each consumer of a provider in one finished quarter: the pair trend's values, and comments.

    Values, intervals and suppression are those of pair_series for the pair and quarter (the same
    rollups, threshold and differencing decisions), so the two views cannot be subtracted from
    each other. Comments come only with a value that is shown, from the whole quarter and sorted
    by their text: no month, week or time is attached that could tie one to a smaller group.
    """
    own = visible_department(user)
    if own is not None and own != provider.id:
        raise Forbidden("Only members of the provider department, leadership and administrators see this.")
    k = k_threshold()
    rows = _period_rows("quarter", (start,), MetricPeriod.provider_id == provider.id, MetricPeriod.consumer_id > 0)
    guard = period_guard("quarter", (start,), k, Rating.provider_id == provider.id, scopes="pairs")
    names = _departments([r.consumer_id for r in rows])
    result = []
    for row in sorted(rows, key=lambda r: names[r.consumer_id].code):
        sums = _sums(row)
        hidden = guard.hides(provider.id, row.consumer_id, start)
        entry = {"consumer": names[row.consumer_id].code, "period": periods.label(start, "quarter"),
                 "suppressed": not shown(sums.raters, k) or hidden, "comments": [], "comment_count": 0}
        if not entry["suppressed"]:
            entry.update(n=sums.n, raters=sums.raters)
            for metric in RATING_METRICS:
                published = publish(sums, metric, k, extra_hidden=hidden)
                entry[metric] = {"value": published["value"], "low": published["low"], "high": published["high"]}
            entry["comments"], entry["comment_count"] = _comments(provider.id, row.consumer_id, start)
        result.append(entry)
    return result


def _comments(provider_id: int, consumer_id: int, start: dt.date) -> tuple[list[str], int]:
    """The first MAX_COMMENTS comments of a pair in a quarter by their text, and how many there are."""
    lower, upper = periods.utc_bounds(start, "quarter", company_zone())
    where = (Rating.provider_id == provider_id, Rating.consumer_id == consumer_id, Rating.comment.is_not(None),
             Rating.created_at >= lower, Rating.created_at < upper)
    texts = db.session.scalars(select(Rating.comment).where(*where).order_by(Rating.comment, Rating.id)
                               .limit(MAX_COMMENTS)).all()
    count = len(texts) if len(texts) < MAX_COMMENTS else db.session.scalar(
        select(func.count()).select_from(Rating).where(*where))
    return list(texts), count


# --- commitments -----------------------------------------------------------------------------------

def commitment_budget(user: User, commitment_id: int, prange: PeriodRange) -> dict:
    """Attainment, error budget, remaining budget and burn rate per period for one commitment."""
    commitment = db.session.get(ServiceCommitment, commitment_id)
    if commitment is None:
        raise NotFound("There is no such commitment.")
    if commitment.status == "draft" and not can_see_drafts(user, commitment.provider_id):
        raise Forbidden("Drafts are visible only to the provider department and administrators.")
    own = visible_department(user)
    conditions = [Handoff.commitment_version_id.in_(
        select(CommitmentVersion.id).where(CommitmentVersion.commitment_id == commitment_id))]
    if own is not None and own != commitment.provider_id:
        conditions.append(Handoff.consumer_id == own)  # a consumer sees its own handoffs only
    found = _attainment_by(prange.kind, prange.starts, [], *conditions)
    target = float(commitment.current_version.attainment_target)
    points = []
    for start in prange.starts:
        met, missed = found.get((start,), (0, 0))
        budget = stats.error_budget(met, missed, target)
        points.append({"period": periods.label(start, prange.kind), "start": start.isoformat(), "due": budget.due,
                       "met": met, "missed": missed,
                       "attainment": None if budget.attainment is None else round(budget.attainment * 100, 4),
                       "error_budget": round(budget.allowed, 4), "remaining": round(budget.remaining, 4),
                       "burn_rate": None if budget.burn_rate is None else round(budget.burn_rate, 4)})
    return {"id": commitment.id, "provider": commitment.provider.code, "title": commitment.current_version.title,
            "attainment_target": round(target * 100, 4), "period": prange.kind, "points": points}


# --- department scorecard ----------------------------------------------------------------------------

def scorecard(user: User, code: str, prange: PeriodRange) -> dict:
    """For one provider: attainment per commitment, budget burn, satisfaction by consumer, reason tags."""
    department = get_by_code(code)
    own = visible_department(user)
    if own is not None and own != department.id:
        raise Forbidden("You may see only your own department's scorecard.")
    k = k_threshold()
    commitments = db.session.scalars(select(ServiceCommitment).where(
        ServiceCommitment.provider_id == department.id, ServiceCommitment.status != "draft")
        .order_by(ServiceCommitment.id)).all()
    budgets = [commitment_budget(user, c.id, prange) for c in commitments]
    for budget in budgets:
        met = sum(p["met"] for p in budget["points"])
        missed = sum(p["missed"] for p in budget["points"])
        total = stats.error_budget(met, missed, budget["attainment_target"] / 100)
        budget["total"] = {"due": total.due, "met": met, "missed": missed,
                           "attainment": None if total.attainment is None else round(total.attainment * 100, 4),
                           "remaining": round(total.remaining, 4),
                           "burn_rate": None if total.burn_rate is None else round(total.burn_rate, 4)}
    names = _departments()
    by_consumer = []
    # Satisfaction by consumer over the range: one whole period at a time is what the rollups hold,
    # so the scorecard uses the last period of the range.
    last = prange.last
    sums_by_consumer = {r.consumer_id: r for r in _period_rows(
        prange.kind, (last,), MetricPeriod.provider_id == department.id)}
    hidden = _hidden_union(prange.kind, last, k, "provider_id",
                           [MetricPeriod.provider_id == department.id, MetricPeriod.consumer_id > 0])
    guard = period_guard(prange.kind, (last,), k, Rating.provider_id == department.id)
    for consumer_id, row in sorted(sums_by_consumer.items(), key=lambda item: names[item[0]].code if item[0] else ""):
        if consumer_id == 0:
            continue
        by_consumer.append({"consumer": names[consumer_id].code, **publish(
            _sums(row), "satisfaction", k, extra_hidden=guard.hides(department.id, consumer_id, last))})
    overall_row = sums_by_consumer.get(0)
    overall = publish(_sums(overall_row) if overall_row else Sums(), "satisfaction", k,
                      extra_hidden=not hidden_part_ok(hidden.get(department.id, 0), k)
                      or guard.hides(department.id, 0, last))
    # Tags break the department's total down, so they are shown only where that total is (a quarter's
    # tags minus its months' would otherwise be a withheld month's).
    reasons = [] if overall.get("suppressed") else _reason_pareto(department.id, prange.kind, last, k)
    satisfaction_target = max((float(c.current_version.satisfaction_target) for c in commitments), default=None)
    on_time = bool(budgets) and all(
        b["total"]["attainment"] is not None and b["total"]["attainment"] >= b["attainment_target"] for b in budgets)
    rated_low = (satisfaction_target is not None and not overall.get("suppressed")
                 and overall["high"] < satisfaction_target)
    return {"department": department.code, "name": department.display_name(_reader_locale()), "period": prange.kind,
            "last_period": periods.label(last, prange.kind), "commitments": budgets, "by_consumer": by_consumer,
            "satisfaction": overall, "satisfaction_target": satisfaction_target, "reasons": reasons,
            "on_time_but_rated_low": bool(on_time and rated_low)}


def _reader_locale() -> str | None:
    """The reader's language inside a request, so that names read in it; None elsewhere."""
    from flask_babel import get_locale

    return str(get_locale()) if has_request_context() and get_locale() else None


def _reason_pareto(provider_id: int, kind: str, start: dt.date, k: int) -> list[dict]:
    """Reason tags of the provider's ratings in one period, each shown only behind k raters."""
    zone = company_zone()
    lower, upper = periods.utc_bounds(start, kind, zone)
    base = (select(RatingReason.tag, func.count().label("n"),
                   func.count(func.distinct(Rating.rater_key)).label("raters"))
            .join(Rating, Rating.id == RatingReason.rating_id)
            .where(Rating.provider_id == provider_id, Rating.created_at >= lower, Rating.created_at < upper)
            .group_by(RatingReason.tag))
    rows = db.session.execute(base).all()
    shown_rows = [r for r in rows if shown(r.raters, k)]
    hidden_tags = [r.tag for r in rows if not shown(r.raters, k)]
    result = [{"tag": r.tag, "n": r.n, "raters": r.raters} for r in sorted(shown_rows, key=lambda r: (-r.n, r.tag))]
    if hidden_tags:
        other = db.session.execute(
            select(func.count(), func.count(func.distinct(Rating.rater_key)))
            .select_from(RatingReason)
            .join(Rating, Rating.id == RatingReason.rating_id)
            .where(Rating.provider_id == provider_id, Rating.created_at >= lower, Rating.created_at < upper,
                   RatingReason.tag.in_(hidden_tags))).one()
        if shown(other[1], k):
            result.append({"tag": "other", "n": other[0], "raters": other[1]})
    return result


# --- flows and movers --------------------------------------------------------------------------------

def flows(user: User, prange: PeriodRange) -> list[dict]:
    """Handoff volume per visible pair, requested within the range."""
    own = visible_department(user)
    zone = company_zone()
    lower, _ = periods.utc_bounds(prange.first, prange.kind, zone)
    _, upper = periods.utc_bounds(prange.last, prange.kind, zone)
    query = (select(Handoff.provider_id, Handoff.consumer_id, func.count())
             .where(Handoff.requested_at >= lower, Handoff.requested_at < upper, _pair_filter(Handoff, own))
             .group_by(Handoff.provider_id, Handoff.consumer_id))
    names = {d.id: d.code for d in _departments().values()}
    return sorted(({"provider": names[p], "consumer": names[c], "handoffs": n}
                   for p, c, n in db.session.execute(query)), key=lambda f: (-f["handoffs"], f["provider"]))


def movers(user: User, kind: str, when: str | None = None, metric: str = "satisfaction", limit: int = 20) -> dict:
    """Pairs whose metric changed most against the previous period, with the change's interval."""
    if metric not in ("satisfaction", "collaboration"):
        raise InvalidInput("Choose satisfaction or collaboration.", field="metric")
    current = period_range(kind, when, when).first
    previous = periods.previous_start(current, kind)
    own = visible_department(user)
    k = k_threshold()
    rows = _period_rows(kind, (previous, current), MetricPeriod.provider_id > 0, MetricPeriod.consumer_id > 0,
                        _pair_filter(MetricPeriod, own))
    by_pair: dict = {}
    for row in rows:
        by_pair.setdefault((row.provider_id, row.consumer_id), {})[row.period_start] = _sums(row)
    names = {d.id: d.code for d in _departments().values()}
    guard = period_guard(kind, (previous, current), k, _pair_filter(Rating, own), scopes="pairs")
    result = []
    for (p, c), found in by_pair.items():
        before, after = found.get(previous), found.get(current)
        if before is None or after is None or not shown(before.raters, k) or not shown(after.raters, k):
            continue
        if guard.hides(p, c, previous) or guard.hides(p, c, current):
            continue
        a, b = interval_of(before, metric), interval_of(after, metric)
        change = stats.difference_interval(a, before.n, b, after.n)
        result.append({"provider": names[p], "consumer": names[c], "before": round(a.value, 4),
                       "after": round(b.value, 4), "change": round(change.value, 4), "low": round(change.low, 4),
                       "high": round(change.high, 4), "is_change": stats.is_change(change),
                       "n_before": before.n, "n_after": after.n})
    result.sort(key=lambda m: (not m["is_change"], -abs(m["change"]), m["provider"], m["consumer"]))
    return {"period": periods.label(current, kind), "previous": periods.label(previous, kind), "metric": metric,
            "movers": result[:limit]}
