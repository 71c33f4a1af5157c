"""Attainment and error budgets, counted from handoffs (not from ratings: no threshold applies).

A handoff counts in the period its due time falls in (company time), unless it was cancelled: met
when delivered by its due time, missed when delivered late or still open after it. The matrix,
the pair trend, a commitment's budget and the scorecard all read these counts through
`attainment_by`, one GROUP BY per request.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import and_, case, func, select

from tracker.extensions import db
from tracker.metrics import periods, stats
from tracker.metrics.periods import company_zone
from tracker.metrics.ranges import PeriodRange
from tracker.metrics.results import Attainment
from tracker.metrics.sqlperiods import period_column
from tracker.metrics.visibility import pair_filter
from tracker.models import CommitmentVersion, Handoff, ServiceCommitment


def _met_and_missed(now: dt.datetime):
    met = func.sum(case((and_(Handoff.delivered_at.is_not(None), Handoff.delivered_at <= Handoff.due_at), 1),
                        else_=0))
    missed = func.sum(case((Handoff.delivered_at > Handoff.due_at, 1),
                           (and_(Handoff.delivered_at.is_(None), Handoff.due_at < now), 1), else_=0))
    return met.label("met"), missed.label("missed")


def attainment_by(kind: str, starts, group_columns, *conditions) -> dict:
    """{(period_start, *group values): (met, missed)} for handoffs due in the periods."""
    zone = company_zone()
    lower, _ = periods.utc_bounds(starts[0], kind, zone)
    _, upper = periods.utc_bounds(starts[-1], kind, zone)
    dialect = db.session.get_bind().dialect.name
    start = period_column(dialect, kind, zone, "handoffs.due_at", lower, upper).label("period_start")
    met, missed = _met_and_missed(dt.datetime.now(dt.UTC))
    query = (select(start, *group_columns, met, missed)
             .where(Handoff.due_at >= lower, Handoff.due_at < upper, Handoff.cancelled_at.is_(None), *conditions)
             .group_by(start, *group_columns))
    result = {}
    for row in db.session.execute(query):
        period = row[0] if isinstance(row[0], dt.date) else dt.date.fromisoformat(str(row[0])[:10])
        result[(period, *row[1:-2])] = (int(row.met or 0), int(row.missed or 0))
    return result


def attainment_value(met: int, missed: int) -> Attainment:
    """The published attainment of some handoffs: the share met, in percent, with its interval."""
    due = met + missed
    if not due:
        return Attainment(n=0)
    interval = stats.wilson_interval(met, due)
    return Attainment(n=due, met=met, missed=missed, value=round(interval.value * 100, 4),
                      low=round(interval.low * 100, 4), high=round(interval.high * 100, 4))


def pair_attainment(prange: PeriodRange, own: int | None) -> dict:
    """{(period_start, provider_id, consumer_id): (met, missed)} over the pairs `own` may see."""
    return attainment_by(prange.kind, prange.starts, [Handoff.provider_id, Handoff.consumer_id],
                         pair_filter(Handoff, own))


def margins(found: dict, own: int | None) -> tuple[dict, dict, tuple[int, int] | None]:
    """Row, column and company totals of pair counts: ({provider: (met, missed)}, {consumer: ...}, company).

    Attainment has no threshold, so a reader sees the totals of its own department (as provider
    and as consumer); the company total only when it sees the whole company.
    """
    providers: dict = defaultdict(lambda: (0, 0))
    consumers: dict = defaultdict(lambda: (0, 0))
    company = (0, 0)
    for (_, provider, consumer), (met, missed) in found.items():
        providers[provider] = (providers[provider][0] + met, providers[provider][1] + missed)
        consumers[consumer] = (consumers[consumer][0] + met, consumers[consumer][1] + missed)
        company = (company[0] + met, company[1] + missed)
    if own is not None:
        return ({own: providers[own]} if own in providers else {},
                {own: consumers[own]} if own in consumers else {}, None)
    return dict(providers), dict(consumers), company if found else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def budget_points(found: dict, prange: PeriodRange, target: float) -> list[dict]:
    """Attainment, error budget, what remains of it and the burn rate, per period of the range."""
    points = []
    for start in prange.starts:
        met, missed = found.get(start, (0, 0))
        budget = stats.error_budget(met, missed, target)
        points.append({"period": periods.label(start, prange.kind), "start": start.isoformat(), "due": budget.due,
                       "met": met, "missed": missed,
                       "attainment": None if budget.attainment is None else round(budget.attainment * 100, 4),
                       "error_budget": round(budget.allowed, 4), "remaining": round(budget.remaining, 4),
                       "burn_rate": _rounded(budget.burn_rate)})
    return points


def budget_total(points: list[dict], target: float) -> dict:
    """The budget of the whole range, from its periods' counts."""
    met = sum(p["met"] for p in points)
    missed = sum(p["missed"] for p in points)
    total = stats.error_budget(met, missed, target)
    return {"due": total.due, "met": met, "missed": missed,
            "attainment": None if total.attainment is None else round(total.attainment * 100, 4),
            "remaining": round(total.remaining, 4), "burn_rate": _rounded(total.burn_rate)}


def _budget(commitment: ServiceCommitment, found: dict, prange: PeriodRange) -> dict:
    target = float(commitment.current_version.attainment_target)
    return {"id": commitment.id, "provider": commitment.provider.code, "title": commitment.current_version.title,
            "attainment_target": round(target * 100, 4), "period": prange.kind,
            "points": budget_points(found, prange, target)}


def _consumer_condition(own: int | None, provider_id: int) -> list:
    # A consumer sees its own handoffs only; the provider's people and leadership see all.
    return [] if own is None or own == provider_id else [Handoff.consumer_id == own]


def commitment_budget(own: int | None, commitment: ServiceCommitment, prange: PeriodRange) -> dict:
    """One commitment's budget per period (the caller checked that the reader may see the commitment)."""
    return commitment_budgets(own, [commitment], prange)[0]


def commitment_budgets(own: int | None, commitments: list[ServiceCommitment], prange: PeriodRange) -> list[dict]:
    """The budgets of several commitments of one provider, read with one query."""
    if not commitments:
        return []
    provider_id = commitments[0].provider_id
    found = attainment_by(prange.kind, prange.starts, [CommitmentVersion.commitment_id],
                          Handoff.commitment_version_id == CommitmentVersion.id,
                          CommitmentVersion.commitment_id.in_([c.id for c in commitments]),
                          *_consumer_condition(own, provider_id))
    by_commitment: dict = defaultdict(dict)
    for (start, commitment_id), counts in found.items():
        by_commitment[commitment_id][start] = counts
    return [_budget(c, by_commitment[c.id], prange) for c in commitments]
