"""A service's refusal lands next to the form field it concerns, or is handed back."""

from wtforms import Form, StringField, SubmitField

from tracker.errors import Conflict, InvalidInput
from tracker.web.forms import show_errors


class _Form(Form):
    department = StringField()
    email = StringField()
    save = SubmitField()


def test_a_field_error_lands_on_its_field_even_under_a_service_name():
    form = _Form()
    left = show_errors(form, InvalidInput("No such department.", field="department_code"),
                       {"department_code": "department"})
    assert left == []
    assert form.department.errors == ["No such department."]


def test_an_error_without_a_field_of_the_form_is_handed_back():
    form = _Form()
    assert show_errors(form, Conflict("Already taken.")) == ["Already taken."]
    assert show_errors(form, InvalidInput("Not a button.", field="save")) == ["Not a button."]
    assert not form.email.errors and not form.department.errors
