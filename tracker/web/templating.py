"""Template helpers: locale-aware formatting and the navigation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import plotly.io as pio
from babel.dates import format_datetime as babel_datetime
from flask import Flask, current_app
from flask_babel import format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from tracker.web.labels import TEMPLATE_GLOBALS

# (endpoint, label, roles that see it or None for everyone); entries whose endpoint is not
# registered are left out, so a feature appears in the menu as soon as it exists.
NAVIGATION = (
    ("web.home", _l("Home"), None),
    ("commitments.catalog", _l("Service catalog"), None),
    ("handoffs.index", _l("Handoffs"), None),
    ("ratings.inbox", _l("To rate"), None),
    ("messages.index", _l("Messages"), None),
    ("dashboards.matrix", _l("Dashboards"), None),
    ("admin.index", _l("Administration"), ("admin",)),
)


def nav_items() -> list[tuple[str, str]]:
    """The menu entries the current user may open."""
    role = current_user.role if current_user and current_user.is_authenticated else None
    return [
        (endpoint, label)
        for endpoint, label, roles in NAVIGATION
        if endpoint in current_app.view_functions and (roles is None or role in roles)
    ]


def unread_messages() -> int:
    """How many of the signed-in person's messages are unread (the menu shows it)."""
    from tracker.messages.services import unread_count

    return unread_count(current_user) if current_user and current_user.is_authenticated else 0


def reader_locale() -> str:
    """The reader's language code, "en" when none is chosen."""
    return str(get_locale() or "en")


def in_zone(value: datetime | None, zone: str | None = None, fmt: str = "medium") -> str:
    """A time shown in a calendar's time zone, with the zone named."""
    if value is None:
        return ""
    name = zone or "UTC"
    shown = babel_datetime(value, fmt, tzinfo=ZoneInfo(name), locale=reader_locale())
    return f"{shown} ({name})"


def business_duration(value: timedelta | None) -> str:
    """Working time as hours and minutes."""
    if value is None:
        return ""
    minutes = int(abs(value).total_seconds() // 60)
    return _("%(hours)s h %(minutes)s min", hours=minutes // 60, minutes=minutes % 60)


_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027", "\u2028": "\\u2028",
               "\u2029": "\\u2029"}


def figure_json(figure) -> Markup:
    """A figure as JSON that is safe inside <script type="application/json"> (U+2028/2029 included).

    Plain dict figures go straight to the C JSON encoder (ASCII only, so U+2028/2029 and every
    non-ASCII character leave as \\u escapes); go.Figure goes through plotly's encoder.
    """
    if isinstance(figure, dict):
        text = json.dumps(figure, separators=(",", ":"), allow_nan=False)
    else:
        text = pio.to_json(figure, validate=False, remove_uids=True)
    for character, escaped in _JS_ESCAPES.items():
        if character in text:
            text = text.replace(character, escaped)
    return Markup(text)  # noqa: S704 - every unsafe character escaped


def init_templating(app: Flask) -> None:
    """Register filters and globals used by every template."""

    @app.context_processor
    def _globals():
        locale = reader_locale()
        return {
            "current_locale": locale,
            "html_lang": "zh-Hans" if locale == "zh" else "en",
            # Messages are rendered outside any request too (a job), where nobody is signed in.
            "nav_items": nav_items() if current_user and current_user.is_authenticated else [],
            "unread_messages": unread_messages,
        }

    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.filters["business_duration"] = business_duration
    app.jinja_env.filters["figure_json"] = figure_json
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["decimal"] = lambda value, fmt=None: format_decimal(value, fmt) if value is not None else ""

    def department_name(department) -> str:
        if department is None:
            return ""
        return department.display_name(reader_locale())

    app.jinja_env.filters["dept"] = department_name
    app.jinja_env.filters["in_zone"] = in_zone
