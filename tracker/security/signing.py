"""Signed links: a few whole numbers and names, signed with the application's secret for one use.

Each use has its own salt, so a link made for one purpose (rating, unsubscribing) is worthless for
another. A link says who and what it is for; what it may still do is checked where it is used.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def sign(salt: str, values: list[int | str]) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).dumps(values)


def unsign(salt: str, token: str, shape: tuple[type, ...]) -> list | None:
    """The values of a genuine link of this use, when they have this shape; None for anything else."""
    try:
        values = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).loads(token)
    except BadSignature:
        return None
    if not isinstance(values, list) or len(values) != len(shape):
        return None
    if not all(isinstance(v, kind) and not isinstance(v, bool) for v, kind in zip(values, shape, strict=True)):
        return None
    return values
