"""Rules for ratings: who rates what and when, one rating per rater, and what others may see.

A rating may be given and changed while the handoff's rating window is open, and changed only
until its first release: the release of the month it was first given in (releases.py). After
that its numbers are published and stay as they were, so an edit could only make a later
number disagree with a released one (and their difference would tell the old and the new score).

Nothing here returns a rater's identity to anyone but the rater. What the provider may see of
its ratings (numbers, comments) comes from tracker.metrics.services, like every dashboard's.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from tracker.auth.permissions import sees_whole_company
from tracker.departments.services import get_by_code
from tracker.errors import Conflict, DomainError, Forbidden, NotFound
from tracker.extensions import db
from tracker.handoffs.services import get_handoff, is_member
from tracker.metrics import periods
from tracker.metrics.periods import company_zone
from tracker.metrics.releases import release_time
from tracker.models import Department, Handoff, HandoffParticipant, Rating, RatingReason, User
from tracker.ratings.links import read_token
from tracker.ratings.window import rating_closes_at, window
from tracker.types import utcnow

LOW_SCORE = 2


def _month_given(created_at: datetime):
    """The start of the company-time month a rating given at `created_at` counts in."""
    return periods.period_start(periods.local_day(created_at, company_zone()), "month")


def released_at(created_at: datetime) -> datetime:
    """When a rating given at `created_at` is first released (with its month) and can no longer change."""
    return release_time("month", _month_given(created_at))


def changeable_until(handoff: Handoff, rating: Rating | None, now: datetime | None = None) -> datetime | None:
    """Until when the rating (or one given now) may be changed: the window's close or its release."""
    closes = rating_closes_at(handoff)
    if closes is None:
        return None
    given = rating.created_at if rating is not None else (now or utcnow())
    return min(closes, released_at(given))


def only_the_asked() -> bool:
    """Whether only a handoff's requester and participants may rate it (TRACKER_RATING_BY=asked)."""
    return current_app.config["RATING_BY"] == "asked"


def was_asked(user: User, handoff: Handoff) -> bool:
    return handoff.requested_by_id == user.id or any(p.id == user.id for p in handoff.participants)


def may_rate(user: User, handoff: Handoff, now: datetime | None = None) -> bool:
    """True when the user may rate (or re-rate) the handoff now."""
    now = now or utcnow()
    return (
        is_member(user, handoff.consumer_id)
        and not is_member(user, handoff.provider_id)
        and (not only_the_asked() or was_asked(user, handoff))
        and handoff.status == "delivered"
        and handoff.delivered_at is not None
        and now <= handoff.delivered_at + window()
    )


def check_may_rate(user: User, handoff: Handoff, now: datetime | None = None) -> None:
    """Raise the domain error that says why the user may not rate this handoff."""
    now = now or utcnow()
    if not is_member(user, handoff.consumer_id) or is_member(user, handoff.provider_id):
        raise Forbidden(_("Only members of the consumer department may rate this handoff."))
    if only_the_asked() and not was_asked(user, handoff):
        raise Forbidden(_("Only the people this handoff was requested by or for may rate it."))
    if handoff.status != "delivered" or handoff.delivered_at is None:
        raise Conflict(_("Only delivered handoffs can be rated; this one is %(status)s.", status=handoff.status))
    if now > handoff.delivered_at + window():
        raise Conflict(_("The rating window of this handoff has closed."))


def check_not_released(rating: Rating | None, now: datetime | None = None) -> None:
    """Raise Conflict when the rating has been released and can no longer be changed."""
    if rating is not None and (now or utcnow()) >= released_at(rating.created_at):
        raise Conflict(_("This rating was published with the numbers of %(period)s and can no longer be changed.",
                         period=periods.label(_month_given(rating.created_at), "month")))


def may_change(user: User, rating: Rating, now: datetime | None = None) -> bool:
    """True when the user may still change their rating: its window is open and it is not released."""
    now = now or utcnow()
    return may_rate(user, rating.handoff, now) and now < released_at(rating.created_at)


class LinkGone(DomainError):
    """A genuine rating link that can no longer save a rating (its window closed)."""

    code = 410


def link_recipient(token: str) -> User | None:
    """The person a genuine rating link was sent to (whatever else may stop it), None for a false one."""
    found = read_token(token)
    return db.session.get(User, found[1]) if found else None


def link_target(token: str, signed_in: User | None, now: datetime | None = None) -> tuple[User, Handoff]:
    """(person, handoff) a rating link rates for, or the domain error that says why it cannot.

    Nothing is recorded here: opening a link (as every mail scanner does) only shows the form.
    """
    found = read_token(token)
    person, handoff = (db.session.get(User, found[1]), db.session.get(Handoff, found[0])) if found else (None, None)
    if person is None or handoff is None or not person.is_active:
        raise NotFound(_("This rating link is not valid. Open the handoff from your inbox instead."))
    if signed_in is not None and signed_in.id != person.id:
        raise Forbidden(_("This rating link was sent to someone else. Only its recipient can rate with it."))
    if own_rating(person, handoff.id) is not None:
        raise Conflict(_("You have rated this handoff already. Sign in and open “My ratings” to change it."))
    try:
        check_may_rate(person, handoff, now)
    except Conflict as exc:
        raise LinkGone(exc.message) from None
    return person, handoff


def own_rating(user: User, handoff_id: int) -> Rating | None:
    """The user's own rating of a handoff, if any."""
    return db.session.scalar(select(Rating).where(Rating.handoff_id == handoff_id, Rating.rater_id == user.id))


def get_own_rating(user: User, handoff_id: int) -> Rating:
    """The user's own rating of a handoff they may see, or NotFound."""
    get_handoff(user, handoff_id)
    rating = own_rating(user, handoff_id)
    if rating is None:
        raise NotFound(_("You have not rated this handoff."))
    return rating


def rate(user: User, handoff_id: int, satisfaction: int, collaboration: int, reasons: list[str] | None = None,
         comment: str | None = None, now: datetime | None = None) -> tuple[Rating, bool]:
    """Create or change the user's rating of a handoff; returns (rating, created).

    Two submits at once never make two rows: the unique key (handoff, rater) refuses the
    second INSERT inside a savepoint, and the loser updates the winner's row instead.
    """
    handoff = get_handoff(user, handoff_id)
    check_may_rate(user, handoff, now)
    low = satisfaction <= LOW_SCORE or collaboration <= LOW_SCORE
    tags = sorted(set(reasons or ())) if low else []
    comment = (comment or "").strip() or None
    rating = own_rating(user, handoff.id)
    check_not_released(rating, now)
    if rating is None:
        try:
            with db.session.begin_nested():
                rating = Rating(
                    handoff_id=handoff.id, rater_id=user.id, rater_key=user.id, provider_id=handoff.provider_id,
                    consumer_id=handoff.consumer_id, satisfaction=satisfaction, collaboration=collaboration,
                    comment=comment, reasons=[RatingReason(tag=t) for t in tags],
                )
                db.session.add(rating)
                db.session.flush()
            return rating, True
        except IntegrityError:
            rating = own_rating(user, handoff.id)
            if rating is None:
                raise Conflict(_("The rating could not be saved; try again.")) from None
    rating.satisfaction = satisfaction
    rating.collaboration = collaboration
    rating.comment = comment
    for reason in [r for r in rating.reasons if r.tag not in tags]:
        rating.reasons.remove(reason)
    present = {r.tag for r in rating.reasons}
    rating.reasons.extend(RatingReason(tag=t) for t in tags if t not in present)
    rating.updated_at = utcnow()
    db.session.flush()
    return rating, False


def inbox_query(user: User, now: datetime | None = None) -> Select:
    """Delivered handoffs received by the user's department that the user may still rate."""
    now = now or utcnow()
    department_id = user.department_id if user.department_id is not None else -1
    rated = exists().where(Rating.handoff_id == Handoff.id, Rating.rater_id == user.id)
    asked = or_(Handoff.requested_by_id == user.id, exists().where(
        HandoffParticipant.handoff_id == Handoff.id, HandoffParticipant.user_id == user.id))
    return (
        select(Handoff)
        .where(Handoff.consumer_id == department_id, Handoff.provider_id != department_id,
               Handoff.status == "delivered", Handoff.delivered_at >= now - window(), ~rated,
               *((asked,) if only_the_asked() else ()))
        .options(selectinload(Handoff.provider), selectinload(Handoff.version))
        .order_by(Handoff.delivered_at.asc(), Handoff.id)
    )


def inbox_count(user: User, now: datetime | None = None) -> int:
    return db.session.scalar(select(func.count()).select_from(inbox_query(user, now).order_by(None).subquery()))


def my_ratings_query(user: User) -> Select:
    """The user's own ratings, latest first."""
    return (
        select(Rating)
        .where(Rating.rater_id == user.id)
        .options(selectinload(Rating.handoff).selectinload(Handoff.provider), selectinload(Rating.reasons))
        .order_by(Rating.updated_at.desc(), Rating.id.desc())
    )


# -- the provider's view ----------------------------------------------------------------

def provider_for(user: User, code: str | None) -> Department | None:
    """The provider department whose view the user asks for; members see their own, leadership all."""
    if code:
        department = get_by_code(code)
        if not (sees_whole_company(user) or is_member(user, department.id)):
            raise Forbidden(_("Only members of this department, leadership and administrators see this."))
        return department
    if user.department_id is None and not sees_whole_company(user):
        raise Forbidden(_("Only members of a department see what it delivered."))
    return user.department


def delivered_query(provider_id: int) -> Select:
    """Delivered handoffs of a provider, latest first."""
    return (
        select(Handoff)
        .where(Handoff.provider_id == provider_id, Handoff.status == "delivered")
        .options(selectinload(Handoff.consumer), selectinload(Handoff.version))
        .order_by(Handoff.delivered_at.desc(), Handoff.id.desc())
    )


def inbox_preview(user: User, size: int = 5) -> dict:
    """The inbox's size and its first few handoffs, for the home page."""
    items = db.session.scalars(inbox_query(user).limit(size)).all()
    return {"count": inbox_count(user) if len(items) == size else len(items), "handoffs": items}
