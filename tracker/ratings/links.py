"""Signed rating links: one person, one handoff, valid while the handoff's rating window is open.

The link is the only thing that lets someone rate without signing in, so it carries no more
power than that: it names the handoff and the person, is signed with the application's secret
(salted for this use alone), and is checked again on every use against the person (still active,
still in the consumer department), the handoff (still delivered, its window open) and whether the
person has rated it already (a link saves one rating; changing it needs signing in).
"""

from __future__ import annotations

from tracker.models import Handoff, User
from tracker.security.signing import sign, unsign

_SALT = "rating-link"


def link_token(person: User, handoff: Handoff) -> str:
    return sign(_SALT, [handoff.id, person.id])


def link_path(person: User, handoff: Handoff) -> str:
    """The path of a person's rating link for a handoff (messages put the tracker's address before it)."""
    return f"/rate/{link_token(person, handoff)}"


def read_token(token: str) -> tuple[int, int] | None:
    """(handoff id, person id) of a genuine link, None for one that was altered or made up."""
    values = unsign(_SALT, token, (int, int))
    return (values[0], values[1]) if values else None
