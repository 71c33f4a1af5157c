"""Domain exceptions and the one error shape every API response uses.

Services raise the exceptions below; the handlers registered here turn them, and every
HTTP error of the app, into `{"code", "status", "message", "errors"}` for the API and into
a page in the reader's language for the HTML side.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, StatementError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

log = logging.getLogger(__name__)

# Where a refused value came from, as flask-smorest names it; `errors` without one means the body.
LOCATIONS = frozenset({"json", "query", "form", "files", "path", "headers", "cookies"})


class DomainError(Exception):
    """Base of the errors that services raise; each maps to one HTTP status."""

    code = 400

    def __init__(self, message: str, errors: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(DomainError):
    code = 404


class Forbidden(DomainError):
    code = 403


class Conflict(DomainError):
    code = 409


class InvalidInput(DomainError):
    """Input that is well-formed but breaks a rule: 422, with the field it concerns."""

    code = 422

    def __init__(self, message: str, field: str | None = None, errors: dict | None = None) -> None:
        if errors is None and field is not None:
            errors = {field: [message]}
        super().__init__(message, errors)


def is_api_request() -> bool:
    """True when the current request is for the JSON API."""
    return request.path.startswith("/api/")


def error_body(code: int, message: str | None = None, errors: dict | None = None) -> dict:
    """Build the JSON error document shared by every API error."""
    status = HTTPStatus(code)
    body: dict = {"code": code, "status": status.phrase, "message": message or status.description}
    if errors:
        body["errors"] = errors if LOCATIONS.intersection(errors) else {"json": errors}
    return body


def _respond(code: int, message: str | None, errors: dict | None = None, headers=None):
    if is_api_request() or request.accept_mimetypes.best == "application/json":
        response = jsonify(error_body(code, message, errors))
        response.status_code = code
    else:
        response = render_template("error.html", code=code, message=message), code
        from flask import make_response

        response = make_response(response)
    if headers:
        for name, value in headers:
            response.headers[name] = value
    return response


def _handle_http_exception(exc: HTTPException):
    code = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors = data.get("messages") if isinstance(data, dict) else None
    message = data.get("message") if isinstance(data, dict) and data.get("message") else None
    if message is None:
        message = exc.description if code not in (404, 405, 500) else None
    if code == 404 and not message:
        message = _("Nothing was found at this address.")
    if code == 405 and not message:
        message = _("This method is not allowed here.")
    headers = []
    if code == 405:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            headers.append(("Allow", ", ".join(sorted(allowed))))
    if code == 401 and is_api_request():
        headers.append(("WWW-Authenticate", 'Bearer realm="api"'))
    if code >= 500:
        db.session.rollback()
    return _respond(code, message, errors, headers)


def _handle_domain_error(exc: DomainError):
    db.session.rollback()
    return _respond(exc.code, exc.message, exc.errors)


def _handle_integrity_error(exc: IntegrityError):
    db.session.rollback()
    log.info("integrity error turned into 409: %s", exc.orig.__class__.__name__)
    return _respond(409, _("The change conflicts with data that already exists."))


# SQLSTATE class 25006: PostgreSQL refuses a write in a read-only transaction (a standby, or
# default_transaction_read_only); psycopg reports it as an InternalError, not an OperationalError.
READ_ONLY_SQLSTATE = "25006"
# SQLite reports a missing table as an OperationalError too; only these primary result codes
# mean that the file cannot be opened, is busy, read-only, or its disk failed or is full.
SQLITE_UNAVAILABLE = {"SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_READONLY", "SQLITE_IOERR",
                      "SQLITE_FULL", "SQLITE_PERM"}


def database_unavailable(exc: BaseException) -> bool:
    """True when a database error means "not reachable now, or not accepting writes", not a bug."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    sqlite_name = getattr(exc.orig, "sqlite_errorname", None)
    if sqlite_name is not None:
        return "_".join(sqlite_name.split("_")[:2]) in SQLITE_UNAVAILABLE
    return isinstance(exc, OperationalError) or getattr(exc.orig, "sqlstate", None) == READ_ONLY_SQLSTATE


def _handle_database_error(exc: DBAPIError):
    if not database_unavailable(exc):
        return _handle_unexpected(exc)
    from tracker.database import rollback_quietly

    rollback_quietly()
    log.warning("database unavailable: %s", exc.orig.__class__.__name__ if getattr(exc, "orig", None) else exc)
    # The error page must not reach for the database again: the reader is shown as signed out.
    from tracker.extensions import login_manager

    g._login_user = login_manager.anonymous_user()
    return _respond(503, _("The database cannot be reached or does not accept changes right now. "
                           "Nothing was saved; try again in a moment."), headers=[("Retry-After", "30")])


# What CPython's datetime raises at the ends of its range (years 1 and 9999), once input has
# pushed arithmetic there: a year-9999 date plus a month, a year-1 instant moved to UTC.
_YEAR_OUT_OF_RANGE = re.compile(r"^year -?\d+ is out of range$")


def out_of_range(exc: BaseException) -> bool:
    """True for an error that only a date or number far beyond any real one can cause."""
    if isinstance(exc, StatementError) and not isinstance(exc, DBAPIError):
        exc = exc.orig  # a value the column type could not convert for the database
    if isinstance(exc, OverflowError):
        return True
    return isinstance(exc, ValueError) and bool(_YEAR_OUT_OF_RANGE.match(str(exc)))


def _handle_out_of_range(exc: Exception):
    """The last net for far dates and huge numbers that no schema bounded: 422, never 500."""
    if not out_of_range(exc):
        return _handle_unexpected(exc)
    db.session.rollback()
    log.info("value out of range turned into 422: %s", exc)
    return _respond(422, _("A date or number in the request is too far in the past, the future or "
                           "out of range to work with."))


def _handle_unexpected(exc: Exception):
    db.session.rollback()
    log.exception("unhandled error")
    return _respond(500, _("Something went wrong on our side. Nothing was saved."))


def register_error_handlers(app: Flask) -> None:
    """Install the handlers; registered after flask-smorest so they replace its own."""
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(IntegrityError, _handle_integrity_error)
    app.register_error_handler(DBAPIError, _handle_database_error)
    app.register_error_handler(PoolTimeout, _handle_database_error)
    for kind in (OverflowError, ValueError, StatementError):
        app.register_error_handler(kind, _handle_out_of_range)
    app.register_error_handler(Exception, _handle_unexpected)
