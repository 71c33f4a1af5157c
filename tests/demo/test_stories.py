"""The demo organisation's data: consistent rows and the stories a user can find on the dashboards.

One demo seed per database serves every test of this module; none of them writes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from tests.factories import Seeded
from tracker.calendars.services import calendar_spec
from tracker.calendars.timecalc import next_working_instant
from tracker.demo.seed import (
    DEMO_PASSWORD,
    RATING_WINDOW,
    SIGN_IN_EXAMPLES,
    STORIES,
    spring_festival_windows,
)
from tracker.extensions import db
from tracker.handoffs.lifecycle import handoff_due_at
from tracker.models import (
    BusinessCalendar,
    CommitmentConsumer,
    CommitmentVersion,
    Department,
    Handoff,
    HandoffEvent,
    Rating,
    RatingReason,
    ServiceCommitment,
    User,
)

K = 5  # the default confidentiality threshold


def months(seeded: Seeded) -> list[tuple[datetime, datetime]]:
    """The whole calendar months of the period, as [first, next first) in UTC."""
    found = []
    first = seeded.start
    while True:
        following = datetime(first.year + first.month // 12, first.month % 12 + 1, 1, tzinfo=UTC)
        if following > seeded.end:
            return found
        found.append((first, following))
        first = following


def mean_satisfaction(*where) -> float:
    rated = select(func.avg(Rating.satisfaction)).join(Handoff, Handoff.id == Rating.handoff_id)
    return float(db.session.scalar(rated.where(*where)))


def pair(seeded: Seeded, provider: str, consumer: str):
    return and_(Rating.provider_id == seeded.codes[provider], Rating.consumer_id == seeded.codes[consumer])


def first_and_last_quarter(seeded: Seeded, story: str) -> tuple[float, float]:
    """Mean satisfaction of a story pair in its first and last three months, the Spring Festival aside."""
    spans = months(seeded)
    where = [pair(seeded, *STORIES[story]), ~spring_festival(seeded)]
    early = mean_satisfaction(*where, Rating.created_at >= spans[0][0], Rating.created_at < spans[2][1])
    late = mean_satisfaction(*where, Rating.created_at >= spans[-3][0], Rating.created_at < seeded.end)
    return early, late


def test_improving_pair_gains_more_than_a_point(seeded):
    early, late = first_and_last_quarter(seeded, "improving")
    assert late - early > 1.0, (early, late)


def test_degrading_pair_loses_more_than_a_point(seeded):
    early, late = first_and_last_quarter(seeded, "degrading")
    assert early - late > 1.0, (early, late)


@pytest.mark.parametrize("story", ["improving", "degrading"])
def test_story_pairs_have_more_than_k_raters_every_month(seeded, story):
    where = pair(seeded, *STORIES[story])
    for first, following in months(seeded):
        raters = db.session.scalar(select(func.count(func.distinct(Rating.rater_key))).where(
            where, Rating.created_at >= first, Rating.created_at < following))
        assert raters > K, (story, first, raters)


def spring_festival(seeded: Seeded):
    """Handoffs requested in the weeks around any Chinese New Year of the period (Shanghai days)."""
    shanghai = ZoneInfo("Asia/Shanghai")
    windows = spring_festival_windows(seeded.start.date(), seeded.end.date())
    return or_(*(and_(Handoff.requested_at >= datetime.combine(lo, time(0), shanghai),
                      Handoff.requested_at < datetime.combine(hi + timedelta(days=1), time(0), shanghai))
                 for lo, hi in windows))


def test_period_holds_a_whole_spring_festival(seeded):
    windows = spring_festival_windows(seeded.start.date(), seeded.end.date())
    assert any(seeded.start.date() <= lo and hi < seeded.end.date() for lo, hi in windows)


def test_spring_festival_ratings_are_lower(seeded):
    window = spring_festival(seeded)
    during = mean_satisfaction(window)
    rest = mean_satisfaction(~window)
    assert during < rest - 0.4, (during, rest)


def test_spring_festival_deliveries_are_late_more_often(seeded):
    def late_share(where) -> float:
        delivered, late = db.session.execute(select(
            func.count(), func.sum(func.cast(Handoff.delivered_at > Handoff.due_at, db.Integer)),
        ).where(Handoff.status == "delivered", where)).one()
        return late / delivered

    window = spring_festival(seeded)
    assert late_share(window) > 2 * late_share(~window)


def test_on_time_department_meets_its_deadlines(seeded):
    provider = seeded.codes[STORIES["on_time_rated_poorly"]]
    delivered, on_time = db.session.execute(select(
        func.count(), func.sum(func.cast(Handoff.delivered_at <= Handoff.due_at, db.Integer)),
    ).where(Handoff.provider_id == provider, Handoff.status == "delivered")).one()
    assert delivered > 100
    assert on_time / delivered >= 0.95


def test_on_time_department_is_rated_poorly(seeded):
    provider = seeded.codes[STORIES["on_time_rated_poorly"]]
    satisfaction, collaboration = db.session.execute(select(
        func.avg(Rating.satisfaction), func.avg(Rating.collaboration)).where(Rating.provider_id == provider)).one()
    assert float(satisfaction) < 3.0
    assert float(collaboration) < 3.0


def test_on_time_department_is_tagged_for_attitude_reach_and_information(seeded):
    provider = seeded.codes[STORIES["on_time_rated_poorly"]]
    tags = db.session.execute(
        select(RatingReason.tag, func.count()).join(Rating, Rating.id == RatingReason.rating_id)
        .where(Rating.provider_id == provider).group_by(RatingReason.tag).order_by(func.count().desc())
    ).all()
    assert {tag for tag, _ in tags[:3]} == {"attitude", "hard-to-reach", "not-informed"}


@pytest.mark.parametrize("small", STORIES["small_pairs"])
def test_small_pairs_have_fewer_than_k_raters_in_total(seeded, small):
    raters = db.session.scalar(select(func.count(func.distinct(Rating.rater_key))).where(pair(seeded, *small)))
    assert 1 <= raters < K


def test_demo_employee_has_deliveries_to_rate(seeded):
    employee = db.session.scalar(select(User).where(User.email == SIGN_IN_EXAMPLES["employee"]))
    mine = select(Rating.id).where(Rating.handoff_id == Handoff.id, Rating.rater_id == employee.id)
    to_rate = db.session.scalar(select(func.count()).select_from(Handoff).where(
        Handoff.consumer_id == employee.department_id, Handoff.status == "delivered",
        Handoff.delivered_at >= seeded.end - RATING_WINDOW, ~mine.exists()))
    assert to_rate >= 5


def test_demo_employee_has_rated_before(seeded):
    employee = db.session.scalar(select(User).where(User.email == SIGN_IN_EXAMPLES["employee"]))
    assert db.session.scalar(select(func.count()).select_from(Rating).where(Rating.rater_id == employee.id)) > 0


@pytest.mark.parametrize("role", ["admin", "leadership", "lead", "employee"])
def test_sign_in_examples_work_with_the_demo_password(seeded, role):
    client = seeded.app.test_client()
    response = client.post("/login", data={"email": SIGN_IN_EXAMPLES[role], "password": DEMO_PASSWORD})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == SIGN_IN_EXAMPLES[role]))
    assert user.role == role


def test_sign_in_examples_belong_to_it_and_sales(seeded):
    lead = db.session.scalar(select(User).where(User.email == SIGN_IN_EXAMPLES["lead"]))
    employee = db.session.scalar(select(User).where(User.email == SIGN_IN_EXAMPLES["employee"]))
    assert (lead.department.code, employee.department.code) == ("IT", "SALES")


def test_every_department_has_a_chinese_name(seeded):
    assert db.session.scalar(select(func.count()).select_from(Department).where(Department.name_zh.is_(None))) == 0


def test_commitments_use_the_china_and_the_us_calendar(seeded):
    used = set(db.session.execute(
        select(BusinessCalendar.name, BusinessCalendar.timezone, BusinessCalendar.country,
               BusinessCalendar.subdivision)
        .join(CommitmentVersion, CommitmentVersion.calendar_id == BusinessCalendar.id)
        .where(CommitmentVersion.published_at.is_not(None))).all())
    assert ("China office", "Asia/Shanghai", "CN", None) in used
    assert ("US office", "America/New_York", "US", "NY") in used


def test_catalog_holds_a_draft_and_a_retired_commitment(seeded):
    statuses = dict(db.session.execute(
        select(ServiceCommitment.status, func.count()).group_by(ServiceCommitment.status)).all())
    assert statuses["draft"] >= 1 and statuses["retired"] >= 1 and statuses["published"] >= 15


def test_retired_commitment_has_no_handoffs_after_retirement(seeded):
    late = db.session.scalar(
        select(func.count()).select_from(Handoff)
        .join(CommitmentVersion, CommitmentVersion.id == Handoff.commitment_version_id)
        .join(ServiceCommitment, ServiceCommitment.id == CommitmentVersion.commitment_id)
        .where(ServiceCommitment.status == "retired", Handoff.requested_at >= ServiceCommitment.retired_at))
    assert late == 0


def test_revised_commitments_keep_earlier_handoffs_on_version_one(seeded):
    second = aliased(CommitmentVersion)
    rows = db.session.execute(
        select(CommitmentVersion.number, second.published_at, Handoff.requested_at)
        .join(Handoff, Handoff.commitment_version_id == CommitmentVersion.id)
        .join(second, and_(second.commitment_id == CommitmentVersion.commitment_id, second.number == 2))
    ).all()
    assert {number for number, _, _ in rows} == {1, 2}
    assert all((requested < revised) == (number == 1) for number, revised, requested in rows)


def test_handoffs_go_only_to_named_consumers(seeded):
    named = select(CommitmentConsumer.version_id).where(
        CommitmentConsumer.version_id == Handoff.commitment_version_id,
        CommitmentConsumer.department_id == Handoff.consumer_id)
    stray = db.session.scalar(
        select(func.count()).select_from(Handoff)
        .join(CommitmentVersion, CommitmentVersion.id == Handoff.commitment_version_id)
        .where(CommitmentVersion.all_consumers.is_(False), ~named.exists()))
    assert stray == 0


def test_due_times_follow_the_calendars_and_pauses(seeded):
    handoffs = db.session.scalars(select(Handoff).options(
        selectinload(Handoff.events),
        selectinload(Handoff.version).selectinload(CommitmentVersion.calendar))).all()
    assert len(handoffs) > 2000
    wrong = [h.id for h in handoffs if handoff_due_at(h) != h.due_at]
    assert wrong == []


def test_requests_are_made_in_working_time(seeded):
    rows = db.session.execute(select(Handoff.requested_at, BusinessCalendar)
                              .join(CommitmentVersion, CommitmentVersion.id == Handoff.commitment_version_id)
                              .join(BusinessCalendar, BusinessCalendar.id == CommitmentVersion.calendar_id)).all()
    specs = {}
    outside = [at for at, calendar in rows
               if next_working_instant(at, specs.setdefault(calendar.id, calendar_spec(calendar))) != at]
    assert outside == []


def test_every_state_change_has_its_event(seeded):
    def missing(kind: str, column, status: str | None = None) -> int:
        event = select(HandoffEvent.id).where(HandoffEvent.handoff_id == Handoff.id, HandoffEvent.kind == kind,
                                              HandoffEvent.at == column)
        return db.session.scalar(select(func.count()).select_from(Handoff).where(
            Handoff.status == status if status else column.is_not(None), ~event.exists()))

    assert missing("request", Handoff.requested_at, None) == 0
    assert missing("deliver", Handoff.delivered_at, "delivered") == 0
    assert missing("cancel", Handoff.cancelled_at, "cancelled") == 0


def test_handoffs_in_every_state_and_with_pauses(seeded):
    statuses = dict(db.session.execute(select(Handoff.status, func.count()).group_by(Handoff.status)).all())
    assert statuses["delivered"] > 2000 and statuses["cancelled"] > 10 and statuses["open"] > 5
    reasons = set(db.session.scalars(select(HandoffEvent.reason).where(HandoffEvent.kind == "pause")))
    assert reasons == {"waiting_on_consumer", "waiting_on_third_party"}


def test_open_handoffs_past_due_exist(seeded):
    assert db.session.scalar(select(func.count()).select_from(Handoff).where(
        Handoff.status == "open", Handoff.due_at < seeded.end)) > 0


def test_some_handoffs_come_from_the_service_desk(seeded):
    refs = db.session.scalars(select(Handoff.external_ref).where(Handoff.external_source == "servicedesk")).all()
    assert len(refs) > 100
    assert all(ref.startswith("SD-") for ref in refs)


def test_ratings_come_from_the_consumer_within_the_window(seeded):
    rows = db.session.execute(
        select(Rating.rater_id, Rating.rater_key, Rating.provider_id, Rating.consumer_id, Rating.created_at,
               Handoff.provider_id, Handoff.consumer_id, Handoff.status, Handoff.delivered_at, User.department_id)
        .join(Handoff, Handoff.id == Rating.handoff_id).join(User, User.id == Rating.rater_id)).all()
    assert len(rows) > 2000
    wrong = [row for row in rows if not (
        row[0] == row[1] and row[2:4] == row[5:7] and row[3] == row[9] and row[7] == "delivered"
        and row[8] <= row[4] <= min(row[8] + RATING_WINDOW, seeded.end))]
    assert wrong == []


def test_reason_tags_only_on_low_scores(seeded):
    high = db.session.scalar(
        select(func.count()).select_from(RatingReason).join(Rating, Rating.id == RatingReason.rating_id)
        .where(Rating.satisfaction > 2, Rating.collaboration > 2))
    assert high == 0


def test_some_ratings_have_comments(seeded):
    with_comment = db.session.scalar(select(func.count()).select_from(Rating).where(Rating.comment.is_not(None)))
    assert with_comment > 200
