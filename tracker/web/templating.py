"""Template helpers: locale-aware formatting and the navigation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_datetime
from flask import Flask, current_app
from flask_babel import format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from tracker.web.labels import TEMPLATE_GLOBALS

# (endpoint, label, roles that see it or None for everyone); entries whose endpoint is not
# registered are left out, so a feature appears in the menu as soon as it exists.
NAVIGATION = (
    ("web.home", _l("Home"), None),
    ("commitments.catalog", _l("Service catalog"), None),
    ("handoffs.index", _l("Handoffs"), None),
    ("ratings.inbox", _l("To rate"), None),
    ("dashboards.matrix", _l("Dashboards"), None),
    ("admin.index", _l("Administration"), ("admin",)),
)


def nav_items() -> list[tuple[str, str]]:
    """The menu entries the current user may open."""
    role = current_user.role if current_user.is_authenticated else None
    return [
        (endpoint, label)
        for endpoint, label, roles in NAVIGATION
        if endpoint in current_app.view_functions and (roles is None or role in roles)
    ]


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


def init_templating(app: Flask) -> None:
    """Register filters and globals used by every template."""

    @app.context_processor
    def _globals():
        locale = reader_locale()
        return {
            "current_locale": locale,
            "html_lang": "zh-Hans" if locale == "zh" else "en",
            "nav_items": nav_items() if current_user.is_authenticated else [],
        }

    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["decimal"] = lambda value, fmt=None: format_decimal(value, fmt) if value is not None else ""

    def department_name(department) -> str:
        if department is None:
            return ""
        return department.display_name(reader_locale())

    app.jinja_env.filters["dept"] = department_name
    app.jinja_env.filters["in_zone"] = in_zone
