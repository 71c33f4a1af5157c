"""The dashboards' numbers: the matrix, a pair's trend, a provider's consumers, the scorecard,
flows and movers, read from the releases (and attainment, live, from attainment.py).

Every function takes the viewer and asks visibility.py what it may see; callers resolve
departments and commitments and pass them in. Rating values come from the releases alone
(releases.py): a period is shown only once it has closed and been released, and each value is
shown, withheld for too few raters, or hidden to protect a small group, as the release decided.
A value released under a smaller k than today's is withheld when it has fewer than today's k
raters: raising k only withholds more. Nothing here reads the live rating sums, so two reads of
one period at any two times give the same numbers. Attainment is counted from handoffs, which are
not confidential, and stays live.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, func, or_, select

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
from tracker.metrics.confidentiality import shown
from tracker.metrics.models import MetricReleasePair, MetricReleaseValue
from tracker.metrics.periods import company_zone
from tracker.metrics.ranges import PeriodRange, period_range
from tracker.metrics.release_rule import SHOWN
from tracker.metrics.releases import (
    pairs_with_handoffs,
    release_rows,
    release_tags,
    release_time,
    released_pairs,
    released_starts,
)
from tracker.metrics.results import FEW, OPEN, Attainment, ConsumerRatings, PairPoint, Published
from tracker.metrics.visibility import pair_filter, require_own_department, require_pair_visible, visible_department
from tracker.models import (
    CommitmentConsumer,
    CommitmentVersion,
    Department,
    Handoff,
    Rating,
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


def publish(sums: Sums, metric: str, k: int) -> Published:
    """The value with its interval, or withheld (saying why, with no count): never a value below k raters."""
    if not shown(sums.raters, k):
        return Published.withheld(FEW)
    interval = interval_of(sums, metric)
    scale = 100.0 if metric == "csat" else 1.0
    return Published(n=sums.n, raters=sums.raters, value=round(interval.value * scale, 4),
                     low=round(interval.low * scale, 4), high=round(interval.high * scale, 4))


def _sums(row) -> Sums:
    return Sums(row.n, row.raters, row.sat_sum, row.sat_sq, row.sat_good, row.col_sum, row.col_sq)


class Released:
    """The released values of some periods of one kind, as the dashboards read them."""

    def __init__(self, kind: str, starts, *conditions) -> None:
        self.k = k_threshold()
        self.starts = released_starts(kind, starts)
        self.rows = release_rows(kind, self.starts, *conditions)
        # A value released under a smaller k than today's, with fewer than today's k raters, reads FEW.
        self._status = {key: FEW if row.status == SHOWN and not shown(row.raters, self.k) else row.status
                        for key, row in self.rows.items()}

    def is_released(self, start: dt.date) -> bool:
        return start in self.starts

    def status(self, start: dt.date, provider_id: int, consumer_id: int) -> str:
        """SHOWN, FEW, PROTECTED or OPEN for one scope and period under today's k."""
        if start not in self.starts:
            return OPEN
        return self._status.get((start, provider_id, consumer_id), FEW)  # no row: no ratings, reads as FEW

    def sums(self, start: dt.date, provider_id: int, consumer_id: int) -> Sums | None:
        """The sums of a shown value, else None."""
        key = (start, provider_id, consumer_id)  # rows exist for released periods only
        return _sums(self.rows[key]) if self._status.get(key) == SHOWN else None

    def value(self, start: dt.date, provider_id: int, consumer_id: int, metric: str) -> Published:
        sums = self.sums(start, provider_id, consumer_id)
        if sums is None:
            return Published.withheld(self.status(start, provider_id, consumer_id))
        return publish(sums, metric, self.k)

    def scopes(self, start: dt.date | None = None):
        """(start, provider, consumer) of every released value with ratings, optionally of one period."""
        return [key for key in self.rows if start is None or key[0] == start]


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
    """One cell per visible pair and released period that is shown or protected: the API's matrix.

    A pair and period with fewer than k raters is not listed at all, exactly like one without
    ratings (listing it would tell that a rating arrived), and neither is a period not released.
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
    released = Released(prange.kind, prange.starts, MetricReleaseValue.provider_id > 0,
                        MetricReleaseValue.consumer_id > 0, pair_filter(MetricReleaseValue, own))
    for start, p, c in sorted(released.scopes(), key=lambda key: (key[0], names[key[1]], names[key[2]])):
        published = released.value(start, p, c, metric)
        if published.reason != FEW:
            cells.append({"provider": names[p], "consumer": names[c],
                          "period": periods.label(start, prange.kind), **published.as_dict()})
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
    release_at: dt.datetime | None = None  # when an unreleased period's numbers are released

    @property
    def label(self) -> str:
        return periods.label(self.start, self.kind)


def matrix(user: User, metric: str, kind: str, when: str | None = None) -> Matrix:
    """The company matrix for one whole period, as released (nothing while the period is open)."""
    if metric not in METRICS:
        raise InvalidInput("Choose satisfaction, collaboration, csat or attainment.", field="metric")
    prange = period_range(kind, when, when)
    own = visible_department(user)
    start = prange.first
    departments = sorted(_departments().values(), key=lambda d: d.code)
    result = Matrix(kind, start, metric, departments, with_handoffs=_pairs_with_handoffs(kind, start, own))
    if metric == "attainment":
        found = pair_attainment(prange, own)
        for (_, provider, consumer), counts in found.items():
            result.cells[(provider, consumer)] = attainment_value(*counts)
        providers, consumers, company = margins(found, own)
        result.providers = {p: attainment_value(*counts) for p, counts in providers.items()}
        result.consumers = {c: attainment_value(*counts) for c, counts in consumers.items()}
        result.company = None if company is None else attainment_value(*company)
        return result
    released = Released(kind, prange.starts)
    if not released.is_released(start):
        result.release_at = release_time(kind, start)
    for _, p, c in released.scopes(start):
        value = released.value(start, p, c, metric)
        if p and c and (own is None or own in (p, c)):
            result.cells[(p, c)] = value
        elif p and not c and (own is None or own == p):
            result.providers[p] = value
        elif c and not p and (own is None or own == c):
            result.consumers[c] = value
        elif not p and not c and own is None:
            result.company = value
    return _few_as_without_ratings(result, own, Published.withheld(OPEN if result.release_at else FEW))


def _few_as_without_ratings(result: Matrix, own: int | None, few: Published) -> Matrix:
    """Cells and margins with fewer than k raters read exactly as those without ratings.

    Whatever the ratings, a pair (and its departments) with handoffs in the period reads "not
    enough ratings" unless its value is shown or protected, and one without handoffs is left out:
    what the reader sees then depends on the handoffs, which are not confidential, and on values
    that may be shown, never on whether a rating arrived. While the period is open, `few` says so
    instead ("released when the period closes").
    """
    result.cells = {pair: value for pair, value in result.cells.items() if value.reason != FEW}
    result.providers = {key: value for key, value in result.providers.items() if value.reason != FEW}
    result.consumers = {key: value for key, value in result.consumers.items() if value.reason != FEW}
    for provider, consumer in result.with_handoffs:
        result.cells.setdefault((provider, consumer), few)
        if own is None or own == provider:
            result.providers.setdefault(provider, few)
        if own is None or own == consumer:
            result.consumers.setdefault(consumer, few)
    if result.company is None or result.company.reason in (FEW, OPEN):
        result.company = few if own is None and result.with_handoffs else None
    return result


def _pairs_with_handoffs(kind: str, start: dt.date, own: int | None) -> set[tuple[int, int]]:
    """(provider, consumer) of the visible pairs with a handoff requested or delivered in the period:
    as its release recorded them, or from the handoffs while it is open."""
    recorded = released_pairs(kind, start, pair_filter(MetricReleasePair, own))
    if recorded is not None:
        return recorded
    return pairs_with_handoffs(*periods.utc_bounds(start, kind, company_zone()), pair_filter(Handoff, own))


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
    result = {"provider": provider.code, "consumer": consumer.code, "period": prange.kind}
    table = MetricReleaseValue
    released = Released(prange.kind, prange.starts, or_(
        and_(table.provider_id == provider.id, table.consumer_id == consumer.id),
        and_(table.provider_id == consumer.id, table.consumer_id == provider.id)))
    for key, (p, c) in (("series", (provider, consumer)), ("reverse", (consumer, provider))):
        attainment = attainment_by(prange.kind, prange.starts, [], Handoff.provider_id == p.id,
                                    Handoff.consumer_id == c.id)
        points = []
        for start in prange.starts:
            sums = released.sums(start, p.id, c.id)
            values = {metric: None if sums is None else publish(sums, metric, released.k)
                      for metric in RATING_METRICS}
            points.append(PairPoint(
                period=periods.label(start, prange.kind), start=start.isoformat(),
                n=None if sums is None else sums.n, suppressed=sums is None,
                reason=None if sums else released.status(start, p.id, c.id),
                raters=None if sums is None else sums.raters,
                attainment=attainment_value(*attainment.get((start,), (0, 0))), **values))
        satisfaction_target, attainment_target = _pair_target(p.id, c.id)
        result[key] = {"provider": p.code, "consumer": c.code, "satisfaction_target": satisfaction_target,
                       "attainment_target": attainment_target, "points": points}
    unreleased = [start for start in prange.starts if not released.is_released(start)]
    result["next_release"] = None if not unreleased else {
        "period": periods.label(unreleased[0], prange.kind), "at": release_time(prange.kind, unreleased[0])}
    return result


# --- a provider's consumers over one finished quarter ------------------------------------------------

MAX_COMMENTS = 200  # per consumer: a page of text, not an unbounded list
def ratings_by_consumer(user: User, provider: Department, start: dt.date) -> list[ConsumerRatings]:
    """Each consumer of a provider in one released quarter: the pair trend's values, and comments.

    Values and suppression are those of the quarter's release, as pair_series shows them. Comments
    come only with a value that is shown, from the whole quarter and sorted by their text: no
    month, week or time is attached that could tie one to a smaller group.
    """
    require_own_department(user, provider.id,
                           "Only members of the provider department, leadership and administrators see this.")
    released = Released("quarter", (start,), MetricReleaseValue.provider_id == provider.id,
                        MetricReleaseValue.consumer_id > 0)
    names = _departments([c for _, _, c in released.scopes()])
    period = periods.label(start, "quarter")
    result = []
    for _, _, consumer_id in sorted(released.scopes(), key=lambda key: names[key[2]].code):
        status = released.status(start, provider.id, consumer_id)
        consumer = names[consumer_id].code
        if status == FEW:
            continue  # not listed, exactly like a consumer without ratings
        if status != SHOWN:
            result.append(ConsumerRatings(consumer=consumer, period=period, suppressed=True, reason=status))
            continue
        sums = released.sums(start, provider.id, consumer_id)
        comments, comment_count = _comments(provider.id, consumer_id, start)
        result.append(ConsumerRatings(
            consumer=consumer, period=period, suppressed=False, n=sums.n, raters=sums.raters,
            comments=comments, comment_count=comment_count,
            **{metric: publish(sums, metric, released.k) for metric in RATING_METRICS}))
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
    commitments = db.session.scalars(select(ServiceCommitment).where(
        ServiceCommitment.provider_id == department.id, ServiceCommitment.status != "draft")
        .order_by(ServiceCommitment.id)).all()
    budgets = commitment_budgets(own, commitments, prange)
    for budget in budgets:
        budget["total"] = budget_total(budget["points"], budget["attainment_target"] / 100)
    names = _departments()
    by_consumer: dict[str, Published] = {}
    # Satisfaction by consumer over the range: one whole period at a time is what releases hold,
    # so the scorecard uses the last period of the range.
    last = prange.last
    released = Released(prange.kind, (last,), MetricReleaseValue.provider_id == department.id)
    for _, _, consumer_id in sorted(released.scopes(), key=lambda key: names[key[2]].code if key[2] else ""):
        value = released.value(last, department.id, consumer_id, "satisfaction")
        if consumer_id and value.reason != FEW:  # left out, exactly like a consumer without ratings
            by_consumer[names[consumer_id].code] = value
    overall = released.value(last, department.id, 0, "satisfaction")
    # Tags break the department's total down; each was decided by the release rule with it.
    reasons = [] if overall.suppressed else _reason_pareto(department.id, prange.kind, last, released.k)
    satisfaction_target = max((float(c.current_version.satisfaction_target) for c in commitments), default=None)
    on_time = bool(budgets) and all(
        b["total"]["attainment"] is not None and b["total"]["attainment"] >= b["attainment_target"] for b in budgets)
    rated_low = (satisfaction_target is not None and overall.shown and overall.high < satisfaction_target)
    return {"department": department.code, "name": department.display_name(locale), "period": prange.kind,
            "last_period": periods.label(last, prange.kind), "commitments": budgets, "by_consumer": by_consumer,
            "satisfaction": overall, "satisfaction_target": satisfaction_target, "reasons": reasons,
            "on_time_but_rated_low": bool(on_time and rated_low)}


def _reason_pareto(provider_id: int, kind: str, start: dt.date, k: int) -> list[dict]:
    """The released reason tags of the provider's period, most frequent first."""
    rows = [(tag, n, raters) for tag, n, raters in release_tags(kind, start, provider_id) if shown(raters, k)]
    return [{"tag": tag, "n": n, "raters": raters} for tag, n, raters in sorted(rows, key=lambda r: (-r[1], r[0]))]


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


@dataclass(frozen=True)
class PairChange:
    """One pair's released metric in a period and the one before, and the change with its interval."""

    provider_id: int
    consumer_id: int
    before: stats.Interval
    after: stats.Interval
    change: stats.Interval
    n_before: int
    n_after: int

    @property
    def is_change(self) -> bool:
        return stats.is_change(self.change)


def pair_changes(kind: str, current: dt.date, metric: str, *conditions) -> list[PairChange]:
    """The change of every pair shown in both the period and the one before (released values only)."""
    previous = periods.previous_start(current, kind)
    released = Released(kind, (previous, current), MetricReleaseValue.provider_id > 0,
                        MetricReleaseValue.consumer_id > 0, *conditions)
    found = []
    for _, p, c in released.scopes(current):
        before, after = released.sums(previous, p, c), released.sums(current, p, c)
        if before is None or after is None:
            continue
        a, b = interval_of(before, metric), interval_of(after, metric)
        found.append(PairChange(p, c, a, b, stats.difference_interval(a, before.n, b, after.n), before.n, after.n))
    return found


def movers(user: User, kind: str, when: str | None = None, metric: str = "satisfaction", limit: int = 20) -> dict:
    """Pairs whose metric changed most against the previous period, with the change's interval."""
    if metric not in ("satisfaction", "collaboration"):
        raise InvalidInput("Choose satisfaction or collaboration.", field="metric")
    current = period_range(kind, when, when).first
    previous = periods.previous_start(current, kind)
    names = {d.id: d.code for d in _departments().values()}
    result = [{"provider": names[m.provider_id], "consumer": names[m.consumer_id], "before": round(m.before.value, 4),
               "after": round(m.after.value, 4), "change": round(m.change.value, 4), "low": round(m.change.low, 4),
               "high": round(m.change.high, 4), "is_change": m.is_change, "n_before": m.n_before,
               "n_after": m.n_after}
              for m in pair_changes(kind, current, metric, pair_filter(MetricReleaseValue, visible_department(user)))]
    result.sort(key=lambda m: (not m["is_change"], -abs(m["change"]), m["provider"], m["consumer"]))
    return {"period": periods.label(current, kind), "previous": periods.label(previous, kind), "metric": metric,
            "movers": result[:limit]}


def broken_promises(kind: str, start: dt.date) -> list[tuple[ServiceCommitment, Attainment]]:
    """Published commitments whose attainment in the period fell below their target, worst first (one query)."""
    commitments = {c.id: c for c in db.session.scalars(select(ServiceCommitment).where(
        ServiceCommitment.status == "published"))}
    if not commitments:
        return []
    found = attainment_by(kind, (start,), [CommitmentVersion.commitment_id],
                          Handoff.commitment_version_id == CommitmentVersion.id,
                          CommitmentVersion.commitment_id.in_(list(commitments)))
    broken = []
    for (_start, commitment_id), (met, missed) in found.items():
        commitment, value = commitments[commitment_id], attainment_value(met, missed)
        if value.value is not None and value.value < float(commitment.current_version.attainment_target) * 100:
            broken.append((commitment, value))
    return sorted(broken, key=lambda item: (item[1].value, item[0].id))
