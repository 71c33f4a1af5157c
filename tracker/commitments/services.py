"""Rules for service commitments: drafts, publishing, revisions as new versions, retiring."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from tracker.audit.services import record
from tracker.auth.permissions import can_manage_department, is_admin, require_department_manager
from tracker.calendars.services import target_problem
from tracker.database import get_for_update
from tracker.errors import Conflict, Forbidden, InvalidInput, NotFound
from tracker.extensions import db
from tracker.models import (
    BusinessCalendar,
    CommitmentConsumer,
    CommitmentVersion,
    Department,
    ServiceCommitment,
    User,
)
from tracker.types import utcnow

# The content of a version, as the service takes it; a revision copies what it does not change.
VERSION_FIELDS = (
    "title",
    "description",
    "needs_from_consumer",
    "consumers",
    "target_amount",
    "target_unit",
    "attainment_target",
    "satisfaction_target",
    "calendar",
    "owner",
    "review_cadence",
)


def can_see_drafts(user: User, provider_id: int) -> bool:
    """Drafts are for the provider's own people and administrators."""
    return is_admin(user) or (user.is_authenticated and user.department_id == provider_id)


def can_manage(user: User, commitment: ServiceCommitment) -> bool:
    """Leads of the provider and administrators create, revise, publish and retire."""
    return can_manage_department(user, commitment.provider_id)


def _current_version_number():
    """The number of a commitment's current (last) version, as a correlated subquery."""
    inner = aliased(CommitmentVersion)
    return (
        select(func.max(inner.number)).where(inner.commitment_id == ServiceCommitment.id).scalar_subquery()
    )


def commitment_query(viewer: User, provider: str | None = None, consumer: str | None = None,
                     status: str | None = None, search: str | None = None) -> Select:
    """The commitments a viewer may see, filtered on their current version, by provider and title."""
    current = CommitmentVersion
    query = (
        select(ServiceCommitment)
        .join(current, and_(current.commitment_id == ServiceCommitment.id, current.number == _current_version_number()))
        .join(Department, Department.id == ServiceCommitment.provider_id)
        .options(selectinload(ServiceCommitment.versions).selectinload(CommitmentVersion.consumers),
                 selectinload(ServiceCommitment.provider))
        .order_by(Department.code, func.lower(current.title), ServiceCommitment.id)
    )
    if not is_admin(viewer):
        visible = ServiceCommitment.status != "draft"
        if viewer.department_id is not None:
            visible = or_(visible, ServiceCommitment.provider_id == viewer.department_id)
        query = query.where(visible)
    if provider:
        query = query.where(Department.code == provider.strip().upper())
    if consumer:
        consumer_id = select(Department.id).where(Department.code == consumer.strip().upper()).scalar_subquery()
        named = exists().where(CommitmentConsumer.version_id == current.id,
                               CommitmentConsumer.department_id == consumer_id)
        query = query.where(or_(current.all_consumers, named), ServiceCommitment.provider_id != consumer_id)
    if status:
        query = query.where(ServiceCommitment.status == status)
    needle = (search or "").strip().lower()
    if needle:
        query = query.where(or_(func.lower(current.title).contains(needle, autoescape=True),
                                func.lower(current.description).contains(needle, autoescape=True)))
    return query


def get_commitment(viewer: User, commitment_id: int, for_update: bool = False) -> ServiceCommitment:
    """Return a commitment the viewer may read; NotFound when missing, Forbidden for others' drafts.

    Callers that change it (edit, revise, publish, retire) ask for_update, and load it so before
    anything else reads it or its versions: the row stays locked until the commit, so the state
    they check still holds when they write, and a publish and a draft edit never interleave.
    """
    if for_update:
        commitment = get_for_update(ServiceCommitment, commitment_id)
    else:
        commitment = db.session.get(ServiceCommitment, commitment_id)
    if commitment is None:
        raise NotFound(_("There is no service commitment with the id %(id)s.", id=commitment_id))
    if commitment.status == "draft" and not can_see_drafts(viewer, commitment.provider_id):
        raise Forbidden(_("Drafts are visible only to the provider department and administrators."))
    return commitment


def get_version(commitment: ServiceCommitment, number: int) -> CommitmentVersion:
    """One version of a commitment by its number, or NotFound."""
    for version in commitment.versions:
        if version.number == number:
            return version
    raise NotFound(_("The commitment has no version %(number)s.", number=number))


def _department(code: str, field: str) -> Department:
    department = db.session.scalar(select(Department).where(Department.code == (code or "").strip().upper()))
    if department is None or not department.active:
        raise InvalidInput(_("there is no active department with the code %(code)s", code=repr(code)), field=field)
    return department


def _consumers(codes: list[str], provider: Department) -> list[Department]:
    departments: dict[int, Department] = {}
    for code in codes:
        department = _department(code, "consumers")
        if department.id == provider.id:
            raise InvalidInput(_("a department does not serve itself: leave the provider out"), field="consumers")
        departments[department.id] = department
    return sorted(departments.values(), key=lambda d: d.code)


def _calendar(value) -> BusinessCalendar:
    calendar = value if isinstance(value, BusinessCalendar) else db.session.get(BusinessCalendar, value)
    if calendar is None:
        raise InvalidInput(_("there is no business calendar with the id %(id)s", id=value), field="calendar")
    return calendar


def _owner(value, provider: Department) -> User:
    """The one accountable owner: an active person of the provider department."""
    if isinstance(value, User):
        owner = value
    elif isinstance(value, int):
        owner = db.session.get(User, value)
    else:
        owner = db.session.scalar(select(User).where(User.email == str(value).strip().lower()))
    if owner is None:
        raise InvalidInput(_("there is nobody with the email or id %(value)s", value=repr(value)), field="owner")
    if not owner.is_active or owner.department_id != provider.id:
        raise InvalidInput(_("the owner must be an active member of the provider department"), field="owner")
    return owner


def _resolved(values: dict, provider: Department) -> dict:
    """Look up the departments, calendar and owner that the input names, refusing unknown ones."""
    resolved = dict(values)
    if "consumers" in values:
        resolved["consumers"] = _consumers(values["consumers"] or [], provider)
    if "calendar" in values:
        resolved["calendar"] = _calendar(values["calendar"])
    if "owner" in values:
        resolved["owner"] = _owner(values["owner"], provider)
    for key in ("title", "description", "needs_from_consumer"):
        if key in resolved:
            resolved[key] = (resolved[key] or "").strip()
    if "title" in resolved and not resolved["title"]:
        raise InvalidInput(_("must not be empty"), field="title")
    if problem := target_problem(values.get("target_amount"), values.get("target_unit")):
        raise InvalidInput(problem, errors={"target": {"amount": [problem]}})
    return resolved


def _version_values(version: CommitmentVersion) -> dict:
    """A version's content in the service's terms, to copy or compare."""
    return {
        "title": version.title,
        "description": version.description,
        "needs_from_consumer": version.needs_from_consumer,
        "consumers": [] if version.all_consumers else list(version.consumers),
        "target_amount": Decimal(version.target_amount),
        "target_unit": version.target_unit,
        "attainment_target": Decimal(version.attainment_target),
        "satisfaction_target": Decimal(version.satisfaction_target),
        "calendar": version.calendar,
        "owner": version.owner,
        "review_cadence": version.review_cadence,
    }


def _fill(version: CommitmentVersion, values: dict) -> None:
    for key, value in values.items():
        if key == "consumers":
            version.all_consumers = not value
            version.consumers = list(value)
        else:
            setattr(version, key, value)


def changed_fields(before: dict, after: dict) -> list[str]:
    """The version fields whose values differ, in the order of VERSION_FIELDS."""
    return [key for key in VERSION_FIELDS if key in after and _comparable(before[key]) != _comparable(after[key])]


def _comparable(value):
    if isinstance(value, list):
        return sorted(d.id for d in value)
    if isinstance(value, BusinessCalendar | User):
        return value.id
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def create_commitment(actor: User, provider: str, **values) -> ServiceCommitment:
    """Create a draft commitment (version 1, unpublished) for the provider department."""
    department = _department(provider, "provider")
    require_department_manager(actor, department.id)
    values.setdefault("consumers", [])
    values.setdefault("review_cadence", "month")
    values.setdefault("description", "")
    values.setdefault("needs_from_consumer", "")
    resolved = _resolved(values, department)
    commitment = ServiceCommitment(provider=department, status="draft", created_by_id=actor.id)
    version = CommitmentVersion(number=1)
    _fill(version, resolved)
    commitment.versions.append(version)
    db.session.add(commitment)
    db.session.flush()
    record(actor, "commitment.create", commitment, {"provider": department.code})
    return commitment


def preview_changes(commitment: ServiceCommitment, values: dict) -> tuple[dict, list[str]]:
    """The version content an update would give, and the fields it changes, without changing anything."""
    before = _version_values(commitment.current_version)
    resolved = _resolved(values, commitment.provider)
    return {**before, **resolved}, changed_fields(before, resolved)


def preview_version(provider: Department, values: dict,
                    commitment: ServiceCommitment | None = None) -> tuple[CommitmentVersion, list[str]]:
    """An unsaved version showing how the input would read, and the fields it changes."""
    if commitment is None:
        content, changed = _resolved(values, provider), list(VERSION_FIELDS)
        number = 1
    else:
        content, changed = preview_changes(commitment, values)
        number = commitment.current_version.number + (commitment.status == "published")
    version = CommitmentVersion(number=number)
    _fill(version, content)
    return version, changed


def update_commitment(actor: User, commitment: ServiceCommitment, **values) -> ServiceCommitment:
    """Edit a draft in place, or revise a published commitment: version n+1 is published at once."""
    require_department_manager(actor, commitment.provider_id)
    if commitment.status == "retired":
        raise Conflict(_("A retired commitment cannot be changed."))
    after, changed = preview_changes(commitment, values)
    if commitment.status == "draft":
        _fill(commitment.current_version, {key: after[key] for key in changed})
        db.session.flush()
        return commitment
    if not changed:
        raise InvalidInput(_("the revision changes nothing"), field="_schema")
    previous = commitment.current_version
    version = CommitmentVersion(number=previous.number + 1, published_at=utcnow(), published_by_id=actor.id)
    _fill(version, after)
    commitment.versions.append(version)
    db.session.flush()
    record(actor, "commitment.revise", commitment, {"version": version.number, "changed": changed})
    return commitment


def publish_commitment(actor: User, commitment: ServiceCommitment) -> ServiceCommitment:
    """Publish a draft as version 1."""
    require_department_manager(actor, commitment.provider_id)
    if commitment.status != "draft":
        raise Conflict(_("Only a draft can be published; revise a published commitment instead."))
    version = commitment.current_version
    _owner(version.owner, commitment.provider)
    version.published_at = utcnow()
    version.published_by_id = actor.id
    commitment.status = "published"
    db.session.flush()
    record(actor, "commitment.publish", commitment, {"version": version.number})
    return commitment


def retire_commitment(actor: User, commitment: ServiceCommitment) -> ServiceCommitment:
    """End a published commitment; its versions stay as history."""
    require_department_manager(actor, commitment.provider_id)
    if commitment.status != "published":
        raise Conflict(_("Only a published commitment can be retired."))
    commitment.status = "retired"
    commitment.retired_at = utcnow()
    db.session.flush()
    record(actor, "commitment.retire", commitment, {"version": commitment.current_version.number})
    return commitment


def compare_versions(older: CommitmentVersion, newer: CommitmentVersion) -> list[tuple[str, object, object]]:
    """The fields that differ between two versions, with both values."""
    before, after = _version_values(older), _version_values(newer)
    return [(key, before[key], after[key]) for key in changed_fields(before, after)]


def department_members(department: Department) -> list[User]:
    """The active people of a department, who may own its commitments."""
    return list(db.session.scalars(
        select(User).where(User.department_id == department.id, User.active.is_(True), User.erased_at.is_(None))
        .order_by(User.display_name, User.id)
    ))
