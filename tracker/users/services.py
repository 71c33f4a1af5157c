"""Rules for people: creating and changing them, exporting and erasing what is stored about them."""

from __future__ import annotations

import secrets

from sqlalchemy import Select, delete, func, select

from tracker.audit.services import record
from tracker.auth.permissions import require_admin
from tracker.auth.services import end_all_sessions, set_password
from tracker.database import get_for_update
from tracker.departments.services import get_by_code
from tracker.errors import Conflict, InvalidInput, NotFound
from tracker.extensions import db
from tracker.messages.models import Message
from tracker.models import LOCALES, ROLES, ApiToken, AuditEvent, AuthSession, Rating, User
from tracker.types import utcnow

ERASED_NAME = "Erased person"
# Pseudonyms of erased raters are negative, so they never collide with a user id.
_MAX_PSEUDONYM = 2**31 - 1


def create_user(
    actor: User | None,
    *,
    email: str,
    display_name: str,
    role: str = "employee",
    department_code: str | None = None,
    password: str | None = None,
    locale: str | None = None,
) -> User:
    """Create a person; everyone but an administrator belongs to a department."""
    if actor is not None:
        require_admin(actor)
    email = email.strip().lower()
    if "@" not in email:
        raise InvalidInput("is not an email address", field="email")
    if role not in ROLES:
        raise InvalidInput(f"must be one of {', '.join(ROLES)}", field="role")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with the email {email} exists already.", {"json": {"email": ["already used"]}})
    department = get_by_code(department_code) if department_code else None
    if department is None and role != "admin":
        raise InvalidInput("is required for everyone but administrators", field="department")
    user = User(
        email=email,
        display_name=display_name.strip(),
        role=role,
        department=department,
        locale=locale,
    )
    if password:
        set_password(user, password)
        user.password_set_by_admin = True  # see User.password_set_by_admin
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", user, {"role": role, "password_set_by_admin": bool(password)})
    return user


def user_query(
    actor: User,
    *,
    search: str | None = None,
    role: str | None = None,
    department_code: str | None = None,
    active: bool | None = None,
) -> Select:
    """The people an administrator may list, by email, optionally filtered."""
    require_admin(actor)
    query = select(User).order_by(User.email)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.email).like(pattern) | func.lower(User.display_name).like(pattern))
    if role:
        query = query.where(User.role == role)
    if department_code:
        query = query.where(User.department_id == get_by_code(department_code).id)
    if active is not None:
        query = query.where(User.active == active)
    return query


def get_user(actor: User, user_id: int, for_update: bool = False) -> User:
    """Return a person for an administrator, or raise NotFound.

    for_update locks the row until the commit, for changes that compare with what is stored
    (a role change records "from"; erasure happens once).
    """
    require_admin(actor)
    user = get_for_update(User, user_id) if for_update else db.session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such person.")
    return user


_UNSET = object()


def update_user(
    actor: User,
    user_id: int,
    *,
    role: str | None = None,
    department_code=_UNSET,
    active: bool | None = None,
    display_name: str | None = None,
    locale=_UNSET,
) -> User:
    """Change a person's role, department, activity, name or language; each change is audited."""
    user = get_user(actor, user_id, for_update=True)
    if user.erased_at is not None:
        raise Conflict("This person's data was erased; the record can no longer change.")
    if user.id == actor.id and (role not in (None, "admin") or active is False):
        raise InvalidInput("Administrators cannot remove their own access.", field="role" if role else "active")
    sign_out = False
    if role is not None and role != user.role:
        if role not in ROLES:
            raise InvalidInput(f"must be one of {', '.join(ROLES)}", field="role")
        record(actor, "user.role_change", user, {"from": user.role, "to": role})
        user.role = role
        sign_out = True
    if department_code is not _UNSET:
        department = get_by_code(department_code) if department_code else None
        if department != user.department:
            record(actor, "user.department_change", user, {
                "from": user.department.code if user.department else None,
                "to": department.code if department else None,
            })
            user.department = department
            sign_out = True
    if user.department is None and user.role != "admin":
        raise InvalidInput("is required for everyone but administrators", field="department")
    if active is not None and active != user.active:
        record(actor, "user.activate" if active else "user.deactivate", user)
        user.active = active
        sign_out = sign_out or not active
    changed = []
    if display_name is not None and display_name.strip() != user.display_name:
        user.display_name = display_name.strip()
        changed.append("display_name")
    if locale is not _UNSET and locale != user.locale:
        if locale is not None and locale not in LOCALES:
            raise InvalidInput(f"must be one of {', '.join(LOCALES)}", field="locale")
        user.locale = locale
        changed.append("locale")
    if changed:
        record(actor, "user.update", user, {"fields": changed})
    if sign_out:
        end_all_sessions(user)
    db.session.flush()
    return user


def token_query(actor: User) -> Select:
    """Every API token with its owner, newest first."""
    require_admin(actor)
    return select(ApiToken).join(ApiToken.user).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())


def revoke_any_token(actor: User, token_id: int) -> ApiToken:
    """Revoke a token of anyone (administrators); revoking a revoked token changes and records nothing."""
    from tracker.auth.services import revoke_token

    require_admin(actor)
    # Locked, so of two administrators revoking at once only the first records the revocation.
    stored = get_for_update(ApiToken, token_id)
    was_active = stored is not None and stored.revoked_at is None
    token = revoke_token(token_id)
    if was_active:
        record(actor, "token.revoke", token, {"owner_id": token.user_id})
    return token


def audit_query(actor: User, action: str | None = None) -> Select:
    """The audit log, newest first, optionally one action only (administrators)."""
    require_admin(actor)
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    return query


def audit_actions(actor: User) -> list[str]:
    """The actions that occur in the audit log, for the filter."""
    require_admin(actor)
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def _profile(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "department": user.department.code if user.department else None,
        "locale": user.locale,
        "active": user.active,
        "created_at": user.created_at.isoformat(),
        "erased_at": user.erased_at.isoformat() if user.erased_at else None,
    }


def _personal_records(user: User) -> dict:
    sessions = db.session.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user.id))
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id))
    return {
        "profile": _profile(user),
        "sign_in_sessions": sessions,
        "api_tokens": [
            {
                "id": t.id, "name": t.name, "prefix": t.prefix, "scopes": t.scopes,
                "created_at": t.created_at.isoformat(),
                "last_used_on": t.last_used_on.isoformat() if t.last_used_on else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in tokens
        ],
        "audit_events_by_them": [
            {
                "id": e.id, "at": e.at.isoformat(), "action": e.action, "target_type": e.target_type,
                "target_id": e.target_id, "details": e.details,
            }
            for e in events
        ],
    }


def export_person(actor: User, user_id: int) -> dict:
    """What an administrator may export about a person: everything but the ratings they gave.

    Who gave a rating is shown to the rater alone (see SECURITY.md); the ratings are part of
    the person's own export instead.
    """
    user = get_user(actor, user_id)
    data = _personal_records(user)
    record(actor, "user.export", user)
    return data


def export_own_data(user: User) -> dict:
    """Everything stored about the signed-in person, including the ratings they gave."""
    data = _personal_records(user)
    ratings = db.session.scalars(select(Rating).where(Rating.rater_id == user.id).order_by(Rating.id))
    data["ratings_given"] = [
        {
            "id": r.id, "handoff_id": r.handoff_id, "handoff_title": r.handoff.title,
            "provider": r.handoff.provider.code, "consumer": r.handoff.consumer.code,
            "satisfaction": r.satisfaction, "collaboration": r.collaboration, "comment": r.comment,
            "reasons": r.reason_tags, "created_at": r.created_at.isoformat(), "updated_at": r.updated_at.isoformat(),
        }
        for r in ratings
    ]
    return data


def _fresh_pseudonym() -> int:
    while True:
        key = -(secrets.randbelow(_MAX_PSEUDONYM) + 1)
        if db.session.scalar(select(Rating.id).where(Rating.rater_key == key).limit(1)) is None:
            return key


def erase_user(actor: User, user_id: int) -> User:
    """Erase a person's personal data; their ratings stay in the aggregates, linked to no one."""
    user = get_user(actor, user_id, for_update=True)
    if user.id == actor.id:
        raise InvalidInput("Administrators cannot erase themselves.", field="user")
    if user.erased_at is not None:
        raise Conflict("This person's data was erased already.")
    # Every rating of the person moves to one fresh pseudonym (the rollups follow the rows), so
    # distinct-rater counts hold and nothing points back to the person.
    pseudonym = _fresh_pseudonym()
    for rating in db.session.scalars(select(Rating).where(Rating.rater_id == user.id)).all():
        rating.rater_id = None
        rating.rater_key = pseudonym
    end_all_sessions(user)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(Message).where(Message.recipient_id == user.id))  # they name the person and hold links
    user.email = f"erased-{user.id}@invalid"
    user.display_name = ERASED_NAME
    user.password_hash = None
    user.locale = None
    user.active = False
    user.erased_at = utcnow()
    record(actor, "user.erase", user)
    db.session.flush()
    return user
