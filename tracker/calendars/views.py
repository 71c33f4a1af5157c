"""Pages of business calendars: a list and a detail for everyone, forms for administrators."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo, available_timezones

import holidays
from babel import Locale
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.auth.permissions import is_admin, require_admin
from tracker.calendars import services
from tracker.calendars.schemas import MAX_DATES, MAX_INTERVALS
from tracker.errors import InvalidInput
from tracker.extensions import db
from tracker.models import BusinessCalendar
from tracker.types import utcnow
from tracker.web.forms import show_errors
from tracker.web.templating import reader_locale

bp = Blueprint("calendars", __name__)

ID = "<int(max=2147483647):calendar_id>"
SHOWN_WORKING_DAYS = 10
_INTERVAL = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")
_SEPARATORS = re.compile(r"[,;\n\r]+")
_DATE_SEPARATORS = re.compile(r"[\s,;]+")


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CalendarForm(FlaskForm):
    """A business calendar in words a person types; the calendar service checks the settings."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)],
                           description=_l("An IANA name such as Asia/Shanghai or Europe/Berlin."))
    weekdays = _Checkboxes(_l("Working weekdays"), coerce=int, choices=[])
    hours = StringField(_l("Working hours"), validators=[DataRequired(), Length(max=400)],
                        description=_l("Intervals separated by commas, e.g. 09:00-12:00, 13:00-18:00."))
    country = StringField(_l("Country"), validators=[Length(max=8)],
                          description=_l("Public holidays and make-up working days of this country, e.g. CN."))
    subdivision = StringField(_l("Subdivision"), validators=[Length(max=16)],
                              description=_l("Optional, e.g. NY for New York."))
    closures = TextAreaField(_l("Company closures"), validators=[Length(max=MAX_DATES * 12)],
                             description=_l("Dates written YYYY-MM-DD, separated by commas or new lines."))
    extra_working_days = TextAreaField(_l("Extra working days"), validators=[Length(max=MAX_DATES * 12)],
                                       description=_l("Dates written YYYY-MM-DD, separated by commas or new lines."))
    save = SubmitField(_l("Save"))

    def values(self) -> dict:
        """The settings in the calendar service's terms; raises InvalidInput on unreadable text."""
        return {
            "name": self.name.data,
            "timezone": self.timezone.data,
            "weekdays": list(self.weekdays.data or []),
            "hours": _parse_hours(self.hours.data or ""),
            "country": self.country.data,
            "subdivision": self.subdivision.data,
            "closures": _parse_dates(self.closures.data),
            "extra_working_days": _parse_dates(self.extra_working_days.data),
        }

    def fill(self, calendar: BusinessCalendar) -> None:
        self.name.data = calendar.name
        self.timezone.data = calendar.timezone
        self.weekdays.data = list(calendar.weekdays)
        self.hours.data = hours_text(calendar.hours)
        self.country.data = calendar.country or ""
        self.subdivision.data = calendar.subdivision or ""
        self.closures.data = "\n".join(calendar.closures or [])
        self.extra_working_days.data = "\n".join(calendar.extra_working_days or [])


def hours_text(hours: list[list[str]]) -> str:
    """["09:00", "12:00"], ["13:00", "18:00"] written as "09:00-12:00, 13:00-18:00"."""
    return ", ".join(f"{start}-{end}" for start, end in hours)


def _parse_hours(text: str) -> list[list[str]]:
    parts = [part for part in _SEPARATORS.split(text) if part.strip()]
    if not parts:
        raise InvalidInput(_("Enter at least one interval, e.g. 09:00-18:00."), field="hours")
    if len(parts) > MAX_INTERVALS:
        raise InvalidInput(_("At most %(count)s intervals.", count=MAX_INTERVALS), field="hours")
    intervals = []
    for part in parts:
        match = _INTERVAL.match(part)
        if match is None:
            raise InvalidInput(_("“%(text)s” is not an interval written HH:MM-HH:MM.", text=part.strip()),
                               field="hours")
        intervals.append([value.zfill(5) for value in match.groups()])
    return intervals


def _parse_dates(text: str | None) -> list[str]:
    return [part for part in _DATE_SEPARATORS.split(text or "") if part]


def _weekday_choices() -> list[tuple[int, str]]:
    names = Locale.parse(reader_locale()).days["format"]["wide"]
    return [(day, names[day]) for day in range(7)]


def _country_choices() -> list[tuple[str, str]]:
    territories = Locale.parse(reader_locale()).territories
    codes = sorted(code for code in holidays.list_supported_countries() if len(code) == 2)
    return [(code, territories.get(code, code)) for code in codes]


def _form_page(form: CalendarForm, calendar: BusinessCalendar | None):
    """Show the form, saving it when it is valid; errors are shown next to their fields."""
    general: list[str] = []
    if form.validate_on_submit():
        try:
            values = form.values()
            if calendar is None:
                calendar = services.create_calendar(current_user, values)
                message = _("The calendar “%(name)s” is created.", name=calendar.name)
            else:
                services.update_calendar(current_user, calendar, values)
                message = _("The calendar “%(name)s” is saved.", name=calendar.name)
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("calendars.detail", calendar_id=calendar.id))
        except InvalidInput as error:
            db.session.rollback()
            general = show_errors(form, error)
    status = 422 if form.errors or general else 200
    return render_template("calendars/form.html", form=form, calendar=calendar, general=general,
                           zones=sorted(available_timezones()), countries=_country_choices()), status


@bp.route("/calendars")
def index():
    """Every business calendar."""
    calendars = list(db.session.scalars(services.calendar_query()))
    return render_template("calendars/index.html", calendars=calendars, hours_text=hours_text,
                           weekday_names=dict(_weekday_choices()), is_admin=is_admin(current_user))


@bp.route(f"/calendars/{ID}")
def detail(calendar_id):
    """A calendar at a glance: its settings and the next working days with their hours."""
    calendar = services.get_calendar(calendar_id)
    zone = ZoneInfo(calendar.timezone)
    today = utcnow().astimezone(zone).date()
    days = services.next_working_days(calendar, today, SHOWN_WORKING_DAYS)
    last = days[-1] if days else today
    skipped = [today + timedelta(days=n) for n in range((last - today).days + 1)
               if today + timedelta(days=n) not in set(days)]
    return render_template("calendars/detail.html", calendar=calendar, days=days, skipped=skipped, today=today,
                           hours_text=hours_text(calendar.hours), weekday_names=dict(_weekday_choices()),
                           is_admin=is_admin(current_user))


@bp.route("/calendars/new", methods=["GET", "POST"])
def new():
    """Create a business calendar (administrators)."""
    require_admin(current_user)
    form = CalendarForm()
    form.weekdays.choices = [SelectChoice(day, name) for day, name in _weekday_choices()]
    if request.method == "GET":
        form.weekdays.data = [0, 1, 2, 3, 4]
        form.hours.data = "09:00-12:00, 13:00-18:00"
    return _form_page(form, None)


@bp.route(f"/calendars/{ID}/edit", methods=["GET", "POST"])
def edit(calendar_id):
    """Change a business calendar (administrators)."""
    require_admin(current_user)
    calendar = services.get_calendar(calendar_id, for_update=request.method == "POST")
    form = CalendarForm()
    form.weekdays.choices = [SelectChoice(day, name) for day, name in _weekday_choices()]
    if request.method == "GET":
        form.fill(calendar)
    return _form_page(form, calendar)
