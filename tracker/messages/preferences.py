"""Each person's choice of which messages they get and where, and the unsubscribe link in every mail.

A choice is made per group of messages (a request to rate and its reminders are one group):
"mail" (by mail when a mail server is set up, and in the tracker), "app" (in the tracker only) or
"off" (not at all). Nobody chooses for anyone else. The unsubscribe link of a mail is signed for
its recipient and group; opening it only asks, and its POST (the one click of RFC 8058 that mail
programs send) turns mail of that group off, keeping the messages in the tracker.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.errors import InvalidInput
from tracker.extensions import db
from tracker.models import User
from tracker.security.signing import sign, unsign

GROUPS = {  # group -> the kinds of message it holds, and what it is called on the settings page
    "rating_request": (("rating_request", "rating_reminder"),
                       _l("Requests to rate what your department received, and their reminders")),
    "due_soon": (("due_soon",), _l("Handoffs of your department that are due soon")),
    "overdue": (("overdue",), _l("Handoffs of your department that are overdue")),
    "budget": (("budget_fast", "budget_slow"), _l("Commitments you own or lead whose error budget burns fast")),
    "satisfaction_drop": (("satisfaction_drop",), _l("Drops in your department's satisfaction, once a month is "
                                                     "released")),
    "digest": (("digest",), _l("A weekly digest: your department's week, or the company's for leadership")),
}
CHOICES = ("mail", "app", "off")
DEFAULT = "mail"
_SALT = "unsubscribe"


def group_of(kind: str) -> str:
    return next(group for group, (kinds, _label) in GROUPS.items() if kind in kinds)


def choices(user: User) -> dict[str, str]:
    """The person's choice for every group, the default where they made none."""
    stored = user.message_settings or {}
    return {group: stored[group] if stored.get(group) in CHOICES else DEFAULT for group in GROUPS}


def choice_for(user: User, kind: str) -> str:
    return choices(user)[group_of(kind)]


def set_choices(user: User, wanted: dict[str, str]) -> dict[str, str]:
    """Change the person's own choices; an unknown group or choice is refused, naming it."""
    for group, choice in wanted.items():
        if group not in GROUPS:
            raise InvalidInput(_("There is no such kind of message."), group)
        if choice not in CHOICES:
            raise InvalidInput(_("Choose by mail, in the tracker only, or not at all."), group)
    user.message_settings = {**choices(user), **wanted}
    db.session.flush()
    return choices(user)


def unsubscribe_path(user: User, kind: str) -> str:
    return f"/messages/unsubscribe/{sign(_SALT, [user.id, group_of(kind)])}"


def read_unsubscribe(token: str) -> tuple[User, str] | None:
    """(person, group) of a genuine unsubscribe link, None for one that was altered or made up."""
    values = unsign(_SALT, token, (int, str))
    if values is None or values[1] not in GROUPS:
        return None
    user = db.session.get(User, values[0])
    return (user, values[1]) if user is not None and user.is_active else None
