"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.auth.passwords import MAX_PASSWORD_LENGTH

ROLE_NAMES = {
    "employee": _l("Employee"),
    "lead": _l("Lead"),
    "leadership": _l("Leadership"),
    "admin": _l("Administrator"),
}
ROLE_CHOICES = [SelectChoice(value, label) for value, label in ROLE_NAMES.items()]
LOCALE_CHOICES = [
    SelectChoice("", _l("Browser's choice")),
    SelectChoice("en", "English"),
    SelectChoice("zh", "简体中文"),
]


class PersonCreateForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="employee")
    department = SelectField(_l("Department"), choices=[])
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=MAX_PASSWORD_LENGTH)])


class PersonEditForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    department = SelectField(_l("Department"), choices=[])
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)
    active = BooleanField(_l("Active (may sign in)"))


class EraseForm(FlaskForm):
    confirm_email = StringField(_l("Type the person's email to confirm"), validators=[DataRequired(), Length(max=254)])
