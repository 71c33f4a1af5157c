"""Authentication rules: passwords, server-side sign-in sessions and bearer API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.audit.services import record
from tracker.auth.passwords import password_problem, personal_words
from tracker.database import get_for_update
from tracker.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.models import ApiToken, AuthSession, User
from tracker.types import utcnow

TOKEN_PREFIX = "trk_"  # noqa: S105 - a public marker, not a secret
PASSWORD_METHOD = "scrypt"  # noqa: S105 - the hash algorithm's name
# A password hash that never matches, checked when the email is unknown so that a failed
# sign-in takes the same time whether or not the account exists.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=PASSWORD_METHOD)
# Idle sessions touch the database at most this often.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_password(user: User, password: str, field: str = "password") -> None:
    """Give the user a new password that the policy accepts, stored as a salted scrypt hash."""
    problem = password_problem(password, personal_words(user.email, user.display_name))
    if problem is not None:
        raise InvalidInput(problem, field=field)
    user.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)


def password_matches(user: User, password: str) -> bool:
    """True when the password is the user's current one."""
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


def change_own_password(user: User, old_password: str, new_password: str, *, end_tokens: bool) -> str:
    """Change a person's own password and sign them out everywhere else; return the new session id.

    The old password is required, so a session left open on a shared computer cannot lock its
    owner out. Every other sign-in session ends (whoever knew the old password may be signed in
    with it); the current one is replaced by a fresh id. With end_tokens, every API token of
    the person is revoked too.
    """
    if not password_matches(user, old_password):
        raise InvalidInput(_("This is not your current password."), field="old_password")
    if old_password == new_password:
        raise InvalidInput(_("Choose a password different from the current one."), field="new_password")
    set_password(user, new_password, field="new_password")
    own_now = user.password_set_by_admin
    user.password_set_by_admin = False  # their own password: their ratings count towards k from now on
    end_all_sessions(user)
    revoked = 0
    if end_tokens:
        live = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        revoked = db.session.execute(live.values(revoked_at=utcnow())).rowcount
    record(user, "user.password_change", user, {"tokens_revoked": revoked, "replaced_password_set_by_admin": own_now})
    return start_session(user)


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with this email and password, or None."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


def start_session(user: User) -> str:
    """Record a new sign-in session for the user and return its secret id for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(AuthSession(token_hash=_digest(token), user=user))
    user.session_token = token
    return token


def load_session(token: str, idle: timedelta, absolute: timedelta) -> User | None:
    """Return the user of a live sign-in session, or None when it ended or timed out."""
    record = db.session.scalar(select(AuthSession).where(AuthSession.token_hash == _digest(token)))
    if record is None:
        return None
    now = utcnow()
    if now - record.created_at > absolute or now - record.last_seen_at > idle or not record.user.is_active:
        db.session.delete(record)
        db.session.commit()
        return None
    user = record.user
    if now - record.last_seen_at > LAST_SEEN_RESOLUTION:
        # End the reading transaction first, so that on SQLite the write starts a new one
        # that waits for the lock instead of failing to upgrade a stale snapshot.
        db.session.commit()
        db.session.execute(update(AuthSession).where(AuthSession.id == record.id).values(last_seen_at=now))
        db.session.commit()
    user.session_token = token
    return user


def end_session(token: str | None) -> None:
    """Forget a sign-in session so that its cookie no longer works."""
    if token:
        db.session.execute(delete(AuthSession).where(AuthSession.token_hash == _digest(token)))


def end_all_sessions(user: User) -> None:
    """Sign a user out everywhere (after a password or role change, or erasure)."""
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))


def create_token(user: User, name: str = "integration", scopes: str = "read write") -> tuple[ApiToken, str]:
    """Create an API token for the user; the secret is returned once and stored only hashed."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=_digest(secret), prefix=secret[:12], scopes=scopes)
    db.session.add(token)
    return token, secret


def user_for_token(secret: str) -> tuple[User, ApiToken] | None:
    """Return the user and token behind a bearer secret, or None when unknown or revoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    user = token.user
    if token.last_used_at is None or now - token.last_used_at > LAST_SEEN_RESOLUTION:
        db.session.commit()
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return user, token


def revoke_token(token_id: int, owner: User | None = None) -> ApiToken:
    """Revoke a token (only the owner's own unless owner is None, i.e. an administrator)."""
    token = get_for_update(ApiToken, token_id)
    if token is None or (owner is not None and token.user_id != owner.id):
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token
