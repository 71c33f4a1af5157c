"""Forms for writing commitments."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.calendars.services import target_problem
from tracker.commitments.schemas import MAX_TEXT
from tracker.commitments.wording import CADENCE_LABELS, UNIT_LABELS
from tracker.models import REVIEW_CADENCES, TARGET_UNITS


def choices(pairs) -> list[SelectChoice]:
    """Options of a select or a group of checkboxes from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _strictly_between(low: int, high: int):
    def check(form, field):
        if field.data is not None and not low < field.data < high:
            raise ValidationError(_l("Enter a number greater than %(low)s and less than %(high)s.", low=low, high=high))

    return check


class CommitmentForm(FlaskForm):
    """The content of a commitment version; the attainment target is entered in percent."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("What is delivered, e.g. \"Purchase orders approved\"."))
    description = TextAreaField(_l("Description"), validators=[Length(max=MAX_TEXT)])
    needs_from_consumer = TextAreaField(_l("What the provider needs from the consumer"),
                                        validators=[Length(max=MAX_TEXT)])
    consumers = MultiCheckboxField(_l("Consumers"), choices=[],
                                   description=_l("Leave all unticked to serve every department."))
    target_amount = DecimalField(_l("Target"), places=2, validators=[
        InputRequired(), NumberRange(min=Decimal("0.01"), max=100_000)])
    target_unit = SelectField(_l("Target unit"), choices=choices((u, UNIT_LABELS[u]) for u in TARGET_UNITS))
    attainment_target = DecimalField(_l("Attainment target (%)"), places=2,
                                     validators=[InputRequired(), _strictly_between(0, 100)],
                                     description=_l("Share of handoffs delivered on time, e.g. 95."))
    satisfaction_target = DecimalField(_l("Satisfaction target (1-5)"), places=2,
                                       validators=[InputRequired(), NumberRange(min=1, max=5)])
    calendar = SelectField(_l("Business calendar"), coerce=int, choices=[], validate_choice=True)
    owner = SelectField(_l("Owner"), coerce=int, choices=[], description=_l("The one accountable person."))
    review_cadence = SelectField(_l("Review cadence"), choices=choices((c, CADENCE_LABELS[c]) for c in REVIEW_CADENCES))
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))

    def validate_target_amount(self, field) -> None:
        """Refuse a target longer than a commitment may state for the chosen unit."""
        if problem := target_problem(field.data, self.target_unit.data):
            raise ValidationError(problem)

    def values(self) -> dict:
        """The form's data in the terms of the commitments service."""
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "needs_from_consumer": self.needs_from_consumer.data or "",
            "consumers": list(self.consumers.data or []),
            "target_amount": self.target_amount.data,
            "target_unit": self.target_unit.data,
            "attainment_target": (self.attainment_target.data / 100).quantize(Decimal("0.0001")),
            "satisfaction_target": self.satisfaction_target.data,
            "calendar": self.calendar.data,
            "owner": self.owner.data,
            "review_cadence": self.review_cadence.data,
        }


class ConfirmForm(FlaskForm):
    """A button that confirms an action (publish, retire); the form carries the CSRF token."""

    submit = SubmitField(_l("Confirm"))
