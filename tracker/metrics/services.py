"""The dashboards' numbers: the matrix, a pair's trend, a provider's consumers, the scorecard,
flows and movers, read from the rating rollups with suppression (and attainment from attainment.py).

Every function takes the viewer and asks visibility.py what it may see; callers resolve
departments and commitments and pass them in. Rating values go through `publish` (the threshold
of confidentiality.py) and the period guard (the differencing decisions of hidden.py).
No function loads ratings row by row: sums come from the rollup tables, counts from GROUP BY.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, func, or_, select, tuple_

from tracker.errors import InvalidInput
from tracker.extensions import db
from tracker.metrics import periods, stats
from tracker.metrics.attainment import (
    attainment_by,
    attainment_value,
    budget_total,
    commitment_budgets,
    margins,
    pair_attainment,
)
from tracker.metrics.confidentiality import hidden_part_ok, shown
from tracker.metrics.hidden import period_guard
from tracker.metrics.models import MetricPeriod, MetricPeriodRater
from tracker.metrics.periods import company_zone
from tracker.metrics.ranges import PeriodRange, period_range
from tracker.metrics.results import FEW, PROTECTED, Attainment, ConsumerRatings, PairPoint, Published
from tracker.metrics.visibility import pair_filter, require_own_department, require_pair_visible, visible_department
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


def k_threshold() -> int:
    return int(current_app.config["CONFIDENTIALITY_K"])


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


def publish(sums: Sums, metric: str, k: int, extra_hidden: bool = False) -> Published:
    """The value with its interval, or withheld (saying why, with no count): never a value below k raters."""
    if not shown(sums.raters, k):
        return Published.withheld(FEW)
    if extra_hidden:
        return Published.withheld(PROTECTED)
    interval = interval_of(sums, metric)
    scale = 100.0 if metric == "csat" else 1.0
    return Published(n=sums.n, raters=sums.raters, value=round(interval.value * scale, 4),
                     low=round(interval.low * scale, 4), high=round(interval.high * scale, 4))


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


# --- the company matrix ----------------------------------------------------------------------------

def pair_cells(user: User, metric: str, prange: PeriodRange) -> list[dict]:
    """One cell per visible pair and period that is shown or protected: the API's matrix.

    A pair and period with fewer than k raters is not listed at all, exactly like one without
    ratings: listing it would tell that a rating arrived.
    """
    if metric not in METRICS:
        raise InvalidInput("Choose satisfaction, collaboration, csat or attainment.", field="metric")
    own = visible_department(user)
    names = {d.id: d.code for d in _departments().values()}
    cells = []
    if metric == "attainment":
        for (start, provider, consumer), (met, missed) in sorted(pair_attainment(prange, own).items()):
            value = attainment_value(met, missed)
            if value.n:
                cells.append({"provider": names[provider], "consumer": names[consumer],
                              "period": periods.label(start, prange.kind), **value.as_dict()})
        return cells
    k = k_threshold()
    rows = _period_rows(prange.kind, prange.starts, MetricPeriod.provider_id > 0, MetricPeriod.consumer_id > 0,
                        pair_filter(MetricPeriod, own))
    guard = period_guard(prange.kind, prange.starts, k, lambda table: pair_filter(table, own), scopes="pairs")
    for row in sorted(rows, key=lambda r: (r.period_start, names[r.provider_id], names[r.consumer_id])):
        hidden = guard.hides(row.provider_id, row.consumer_id, row.period_start)
        published = publish(_sums(row), metric, k, extra_hidden=hidden)
        if published.reason != FEW:
            cells.append({"provider": names[row.provider_id], "consumer": names[row.consumer_id],
                          "period": periods.label(row.period_start, prange.kind), **published.as_dict()})
    return cells


@dataclass
class Matrix:
    """A heat map for one whole period: cells plus the margins that may be shown.

    Cells and margins with fewer than k raters are left out, exactly like those without ratings;
    `with_handoffs` (who asked whom for work in the period, which is not confidential) tells a
    pair with "not enough ratings" from one with no handoffs.
    """

    kind: str
    start: dt.date
    metric: str
    departments: list[Department]
    cells: dict = field(default_factory=dict)  # (provider_id, consumer_id) -> Published or Attainment
    providers: dict = field(default_factory=dict)  # provider_id -> the row margin
    consumers: dict = field(default_factory=dict)  # consumer_id -> the column margin
    company: Published | Attainment | None = None
    with_handoffs: set = field(default_factory=set)  # (provider_id, consumer_id) with handoffs in the period

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
    result = Matrix(kind, start, metric, departments, with_handoffs=_pairs_with_handoffs(prange, own))
    if metric == "attainment":
        found = pair_attainment(prange, own)
        for (_, provider, consumer), counts in found.items():
            result.cells[(provider, consumer)] = attainment_value(*counts)
        providers, consumers, company = margins(found, own)
        result.providers = {p: attainment_value(*counts) for p, counts in providers.items()}
        result.consumers = {c: attainment_value(*counts) for c, counts in consumers.items()}
        result.company = None if company is None else attainment_value(*company)
        return result
    k = k_threshold()
    rows = _period_rows(kind, prange.starts)
    hidden_keys = _hidden_rater_keys(kind, start, [(r.provider_id, r.consumer_id) for r in rows
                                                   if r.provider_id and r.consumer_id and r.raters < k])
    hidden_by_provider = _union_by(hidden_keys, "provider_id")
    hidden_by_consumer = _union_by(hidden_keys, "consumer_id")
    # Weeks, months and quarters of one scope are published side by side: see differencing.py.
    guard = period_guard(kind, (start,), k, lambda table: pair_filter(table, own))
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
        hidden_rows = [p for p, v in result.providers.items() if v.suppressed]
        hidden_columns = [c for c, v in result.consumers.items() if v.suppressed]
        safe = (hidden_part_ok(_union_by(hidden_keys, None)[None], k)
                and hidden_part_ok(_hidden_margin_union(kind, start, "provider_id", hidden_rows), k)
                and hidden_part_ok(_hidden_margin_union(kind, start, "consumer_id", hidden_columns), k))
        result.company = publish(_sums(company), metric, k, extra_hidden=not safe or guard.hides(0, 0, start))
    return _few_as_without_ratings(result, own)


def _few_as_without_ratings(result: Matrix, own: int | None) -> Matrix:
    """Cells and margins with fewer than k raters read exactly as those without ratings.

    Whatever the ratings, a pair (and its departments) with handoffs in the period reads "not
    enough ratings" unless its value is shown or protected, and one without handoffs is left out:
    what the reader sees then depends on the handoffs, which are not confidential, and on values
    that may be shown, never on whether a rating arrived.
    """
    few = Published.withheld(FEW)
    result.cells = {pair: value for pair, value in result.cells.items() if value.reason != FEW}
    result.providers = {key: value for key, value in result.providers.items() if value.reason != FEW}
    result.consumers = {key: value for key, value in result.consumers.items() if value.reason != FEW}
    for provider, consumer in result.with_handoffs:
        result.cells.setdefault((provider, consumer), few)
        if own is None or own == provider:
            result.providers.setdefault(provider, few)
        if own is None or own == consumer:
            result.consumers.setdefault(consumer, few)
    if result.company is None or result.company.reason == FEW:
        result.company = few if own is None and result.with_handoffs else None
    return result


def _pairs_with_handoffs(prange: PeriodRange, own: int | None) -> set[tuple[int, int]]:
    """(provider, consumer) of the visible pairs with a handoff requested or delivered in the range."""
    zone = company_zone()
    lower, _ = periods.utc_bounds(prange.first, prange.kind, zone)
    _, upper = periods.utc_bounds(prange.last, prange.kind, zone)
    query = (select(Handoff.provider_id, Handoff.consumer_id).distinct()
             .where(or_(and_(Handoff.requested_at >= lower, Handoff.requested_at < upper),
                        and_(Handoff.delivered_at >= lower, Handoff.delivered_at < upper)), pair_filter(Handoff, own)))
    return {(provider, consumer) for provider, consumer in db.session.execute(query)}


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


def pair_series(user: User, provider: Department, consumer: Department, prange: PeriodRange) -> dict:
    """Satisfaction, collaboration, CSAT and attainment per period for a pair and its reverse."""
    if provider.id == consumer.id:
        raise InvalidInput("A pair needs two different departments.", field="consumer")
    require_pair_visible(user, provider.id, consumer.id)
    k = k_threshold()
    result = {"provider": provider.code, "consumer": consumer.code, "period": prange.kind}
    guard = period_guard(prange.kind, prange.starts, k, lambda table: or_(
        and_(table.provider_id == provider.id, table.consumer_id == consumer.id),
        and_(table.provider_id == consumer.id, table.consumer_id == provider.id)), scopes="pairs")
    for key, (p, c) in (("series", (provider, consumer)), ("reverse", (consumer, provider))):
        rows = {r.period_start: r for r in _period_rows(
            prange.kind, prange.starts, MetricPeriod.provider_id == p.id, MetricPeriod.consumer_id == c.id)}
        attainment = attainment_by(prange.kind, prange.starts, [], Handoff.provider_id == p.id,
                                    Handoff.consumer_id == c.id)
        points = []
        for start in prange.starts:
            sums = _sums(rows[start]) if start in rows else Sums()
            hidden = guard.hides(p.id, c.id, start)
            suppressed = not shown(sums.raters, k) or hidden
            values = {metric: publish(sums, metric, k, extra_hidden=hidden) for metric in RATING_METRICS}
            reason = None if not suppressed else FEW if not shown(sums.raters, k) else PROTECTED
            points.append(PairPoint(
                period=periods.label(start, prange.kind), start=start.isoformat(),
                n=None if suppressed else sums.n, suppressed=suppressed, reason=reason,
                raters=None if suppressed else sums.raters,
                attainment=attainment_value(*attainment.get((start,), (0, 0))),
                **{metric: None if value.suppressed else value for metric, value in values.items()}))
        satisfaction_target, attainment_target = _pair_target(p.id, c.id)
        result[key] = {"provider": p.code, "consumer": c.code, "satisfaction_target": satisfaction_target,
                       "attainment_target": attainment_target, "points": points}
    return result


# --- a provider's consumers over one finished quarter ------------------------------------------------

MAX_COMMENTS = 200  # per consumer: a page of text, not an unbounded list
def ratings_by_consumer(user: User, provider: Department, start: dt.date) -> list[ConsumerRatings]:
    """Each consumer of a provider in one finished quarter: the pair trend's values, and comments.

    Values, intervals and suppression are those of pair_series for the pair and quarter (the same
    rollups, threshold and differencing decisions), so the two views cannot be subtracted from
    each other. Comments come only with a value that is shown, from the whole quarter and sorted
    by their text: no month, week or time is attached that could tie one to a smaller group.
    """
    require_own_department(user, provider.id,
                           "Only members of the provider department, leadership and administrators see this.")
    k = k_threshold()
    rows = _period_rows("quarter", (start,), MetricPeriod.provider_id == provider.id, MetricPeriod.consumer_id > 0)
    guard = period_guard("quarter", (start,), k, lambda table: table.provider_id == provider.id, scopes="pairs")
    names = _departments([r.consumer_id for r in rows])
    result = []
    for row in sorted(rows, key=lambda r: names[r.consumer_id].code):
        sums = _sums(row)
        hidden = guard.hides(provider.id, row.consumer_id, start)
        consumer, period = names[row.consumer_id].code, periods.label(start, "quarter")
        if not shown(sums.raters, k):
            continue  # not listed, exactly like a consumer without ratings
        if hidden:
            result.append(ConsumerRatings(consumer=consumer, period=period, suppressed=True, reason=PROTECTED))
            continue
        comments, comment_count = _comments(provider.id, row.consumer_id, start)
        result.append(ConsumerRatings(
            consumer=consumer, period=period, suppressed=False, n=sums.n, raters=sums.raters,
            comments=comments, comment_count=comment_count,
            **{metric: publish(sums, metric, k, extra_hidden=hidden) for metric in RATING_METRICS}))
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


# --- department scorecard ----------------------------------------------------------------------------

def scorecard(user: User, department: Department, prange: PeriodRange, locale: str | None = None) -> dict:
    """For one provider: attainment per commitment, budget burn, satisfaction by consumer, reason tags.

    `locale` names the reader's language for the department's name.
    """
    own = require_own_department(user, department.id, "You may see only your own department's scorecard.")
    k = k_threshold()
    commitments = db.session.scalars(select(ServiceCommitment).where(
        ServiceCommitment.provider_id == department.id, ServiceCommitment.status != "draft")
        .order_by(ServiceCommitment.id)).all()
    budgets = commitment_budgets(own, commitments, prange)
    for budget in budgets:
        budget["total"] = budget_total(budget["points"], budget["attainment_target"] / 100)
    names = _departments()
    by_consumer: dict[str, Published] = {}
    # Satisfaction by consumer over the range: one whole period at a time is what the rollups hold,
    # so the scorecard uses the last period of the range.
    last = prange.last
    sums_by_consumer = {r.consumer_id: r for r in _period_rows(
        prange.kind, (last,), MetricPeriod.provider_id == department.id)}
    hidden = _hidden_union(prange.kind, last, k, "provider_id",
                           [MetricPeriod.provider_id == department.id, MetricPeriod.consumer_id > 0])
    guard = period_guard(prange.kind, (last,), k, lambda table: table.provider_id == department.id)
    for consumer_id, row in sorted(sums_by_consumer.items(), key=lambda item: names[item[0]].code if item[0] else ""):
        if consumer_id == 0:
            continue
        value = publish(_sums(row), "satisfaction", k, extra_hidden=guard.hides(department.id, consumer_id, last))
        if value.reason != FEW:  # left out, exactly like a consumer without ratings
            by_consumer[names[consumer_id].code] = value
    overall_row = sums_by_consumer.get(0)
    overall = publish(_sums(overall_row) if overall_row else Sums(), "satisfaction", k,
                      extra_hidden=not hidden_part_ok(hidden.get(department.id, 0), k)
                      or guard.hides(department.id, 0, last))
    # Tags break the department's total down, so they are shown only where that total is (a quarter's
    # tags minus its months' would otherwise be a withheld month's).
    reasons = [] if overall.suppressed else _reason_pareto(department.id, prange.kind, last, k)
    satisfaction_target = max((float(c.current_version.satisfaction_target) for c in commitments), default=None)
    on_time = bool(budgets) and all(
        b["total"]["attainment"] is not None and b["total"]["attainment"] >= b["attainment_target"] for b in budgets)
    rated_low = (satisfaction_target is not None and overall.shown and overall.high < satisfaction_target)
    return {"department": department.code, "name": department.display_name(locale), "period": prange.kind,
            "last_period": periods.label(last, prange.kind), "commitments": budgets, "by_consumer": by_consumer,
            "satisfaction": overall, "satisfaction_target": satisfaction_target, "reasons": reasons,
            "on_time_but_rated_low": bool(on_time and rated_low)}


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
             .where(Handoff.requested_at >= lower, Handoff.requested_at < upper, pair_filter(Handoff, own))
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
                        pair_filter(MetricPeriod, own))
    by_pair: dict = {}
    for row in rows:
        by_pair.setdefault((row.provider_id, row.consumer_id), {})[row.period_start] = _sums(row)
    names = {d.id: d.code for d in _departments().values()}
    guard = period_guard(kind, (previous, current), k, lambda table: pair_filter(table, own), scopes="pairs")
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
