"""Error-budget alerts: a commitment missing its due times faster than its attainment target allows.

Per published commitment, on its own business calendar, two windows end now: the last
FAST.days working days and the last SLOW.days. In each, the burn rate is the share of handoffs
that came due and were missed, divided by the share the target allows (1 - target): 1.0 spends
the budget exactly over the period. A window counts only when at least 1 / (1 - target) handoffs
came due in it, that is when the target allows at least one miss there, so one miss among three
handoffs, or a low target with a handful of handoffs, raises nothing.

The fast alert (burn >= FAST.burn over two working days) means "act now"; the slow one (burn >=
SLOW.burn over two working weeks) "this month's promise is slipping". Each fires at most once per
its window for a commitment, and the slow one is quiet while the fast one fires. They go to the
commitment's owner (else the provider's leads) and to the provider's chat channels, and say in
words what the numbers mean: misses against those allowed, the month's budget and, at this pace,
the working days until it is spent. They count handoffs only, never ratings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import selectinload

from tracker.calendars.services import calendar_spec
from tracker.calendars.timecalc import working_days_back
from tracker.extensions import db
from tracker.messages.chat import post_to_department
from tracker.messages.models import ChannelPost, Message
from tracker.messages.outbox import owner_or_leads, write_message
from tracker.metrics.periods import company_zone, current_start, utc_bounds
from tracker.models import CommitmentVersion, Handoff, ServiceCommitment
from tracker.types import utcnow


@dataclass(frozen=True)
class Window:
    kind: str
    days: int  # working days of the commitment's calendar, ending now
    burn: float  # the burn rate at or above which it fires


FAST = Window("budget_fast", 2, 5.0)  # at 5x, a month's budget lasts about four working days
SLOW = Window("budget_slow", 10, 2.0)  # at 2x, it is spent by the middle of the month
WINDOWS = (FAST, SLOW)


@dataclass(frozen=True)
class Burn:
    """A window of one commitment whose budget burns too fast, with what the alert says about it."""

    window: Window
    commitment: ServiceCommitment
    target: float
    due: int
    missed: int
    month_due: int
    month_missed: int

    @property
    def allowed(self) -> float:
        return (1 - self.target) * self.due

    @property
    def burn(self) -> float:
        return self.missed / self.due / (1 - self.target)

    @property
    def month_budget(self) -> float:
        """The misses this month's handoffs so far allow."""
        return (1 - self.target) * self.month_due

    @property
    def month_left(self) -> float:
        return max(self.month_budget - self.month_missed, 0.0)

    @property
    def days_left(self) -> float:
        """Working days until the month's budget is spent, at the window's pace of misses."""
        return self.month_left / (self.missed / self.window.days)


def _missed(now: datetime):
    return (Handoff.delivered_at > Handoff.due_at) | (Handoff.delivered_at.is_(None) & (Handoff.due_at < now))


def _midnight(day, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _counts(commitment_ids: list[int], starts: dict[str, datetime], month_start: datetime, now: datetime) -> dict:
    """{commitment id: {window kind or "month": (due, missed)}}: one GROUP BY for commitments sharing a calendar."""
    missed = _missed(now)
    bounds = {**starts, "month": month_start}
    columns = []
    for start in bounds.values():
        in_window = Handoff.due_at >= start
        columns += [func.sum(case((in_window, 1), else_=0)), func.sum(case((and_(in_window, missed), 1), else_=0))]
    query = (select(CommitmentVersion.commitment_id, *columns).join(Handoff.version)
             .where(CommitmentVersion.commitment_id.in_(commitment_ids), Handoff.cancelled_at.is_(None),
                    Handoff.due_at >= min(*starts.values(), month_start), Handoff.due_at <= now)
             .group_by(CommitmentVersion.commitment_id))
    return {row[0]: {name: (int(row[1 + 2 * i] or 0), int(row[2 + 2 * i] or 0)) for i, name in enumerate(bounds)}
            for row in db.session.execute(query)}


def burning(now: datetime | None = None) -> tuple[list[Burn], dict[tuple[str, int], datetime]]:
    """The windows burning too fast now (the slow one left out where the fast one burns), and their starts."""
    now = now or utcnow()
    commitments = db.session.scalars(select(ServiceCommitment).where(ServiceCommitment.status == "published").options(
        selectinload(ServiceCommitment.versions).selectinload(CommitmentVersion.calendar),
        selectinload(ServiceCommitment.versions).selectinload(CommitmentVersion.owner))).all()
    by_calendar = defaultdict(list)
    for commitment in commitments:
        by_calendar[commitment.current_version.calendar].append(commitment)
    month_start = utc_bounds(current_start("month", company_zone(), now), "month", company_zone())[0]
    found, starts = [], {}
    for calendar, group in by_calendar.items():
        spec, zone = calendar_spec(calendar), ZoneInfo(calendar.timezone)
        today = now.astimezone(zone).date()
        window_starts = {w.kind: _midnight(working_days_back(spec, today, w.days)[0], zone) for w in WINDOWS}
        counts = _counts([c.id for c in group], window_starts, month_start, now)
        for commitment in group:
            target = float(commitment.current_version.attainment_target)
            seen = counts.get(commitment.id, {})
            for window in WINDOWS:
                due, missed = seen.get(window.kind, (0, 0))
                enough = due * (1 - target) >= 1 - 1e-9  # the target allows at least one miss here
                if enough and missed / due / (1 - target) >= window.burn:
                    found.append(Burn(window, commitment, target, due, missed, *seen["month"]))
                    starts[(window.kind, commitment.id)] = window_starts[window.kind]
                    break  # the slow alert is quiet while the fast one fires
    return found, starts


def _fired_since(kind: str, commitment_id: int, since: datetime) -> bool:
    prefix = f"{kind}:{commitment_id}:%"
    return any(db.session.scalar(select(model.id).where(model.key.like(prefix), model.created_at >= since).limit(1))
               is not None for model in (Message, ChannelPost))


def alert_budgets(now: datetime | None = None) -> int:
    """Tell each burning commitment's owner (else the provider's leads) and channels, once per window."""
    now = now or utcnow()
    found, starts = burning(now)
    written = 0
    for burn in found:
        commitment, kind = burn.commitment, burn.window.kind
        if _fired_since(kind, commitment.id, starts[(kind, commitment.id)]):
            continue
        stamp = f"{kind}:{commitment.id}:{now:%Y%m%d%H%M}"
        url = f"{current_app.config['BASE_URL']}/commitments/{commitment.id}"
        for person in owner_or_leads(commitment.current_version.owner, commitment.provider_id):
            written += write_message(f"{stamp}:{person.id}", kind, person, "budget", action_url=url, at=now,
                                     burn=burn, commitment=commitment) is not None
        post_to_department(commitment.provider_id, kind, stamp, "budget", at=now, action_url=url, burn=burn,
                           commitment=commitment)
    db.session.flush()
    return written

