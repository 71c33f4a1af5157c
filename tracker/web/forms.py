"""Form helpers shared by the pages."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash
from flask_wtf import FlaskForm

from tracker.errors import DomainError

# Form members that are buttons or the CSRF token, never a place for an error message.
NOT_INPUTS = frozenset({"preview", "save", "csrf_token"})


def show_errors(form: FlaskForm, error: DomainError, renames: Mapping[str, str] | None = None) -> list[str]:
    """Put a service's refusal next to the form fields it concerns; return the messages that concern none.

    `renames` maps a service's field name to the form's (e.g. "department_code" to "department").
    """
    errors = error.errors or {}
    fields = errors.get("json", errors)
    general: list[str] = []
    for name, messages in (fields or {"_schema": [error.message]}).items():
        name = (renames or {}).get(name, name)
        if name in form and name not in NOT_INPUTS:
            form[name].errors = [*form[name].errors, *messages]
        else:
            general.extend(messages)
    return general


def flash_errors(form: FlaskForm, error: DomainError, renames: Mapping[str, str] | None = None) -> None:
    """Like show_errors, for pages that show the messages concerning no field as flashed alerts."""
    for message in show_errors(form, error, renames):
        flash(message, "error")
