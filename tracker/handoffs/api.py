"""Handoffs over the API: record, list, move along, and import in bulk."""

from __future__ import annotations

import io

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.exceptions import UnsupportedMediaType

from tracker.errors import InvalidInput
from tracker.extensions import db
from tracker.handoffs import checks, imports, schemas, services
from tracker.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate
from tracker.web.hygiene import body_limit

blp = Blueprint("api_handoffs", __name__, url_prefix="/api/v1", description="Handoffs")

# A ticketing system's export of 100,000 rows is about 12 MB; the app-wide limit (8 MB) is
# raised for this endpoint only. The body is streamed, so the limit guards time, not memory.
DEFAULT_IMPORT_MAX_BYTES = 64 * 1024 * 1024


@blp.route("/handoffs")
@blp.arguments(schemas.HandoffQuery, location="query")
@blp.response(200, schemas.Handoff(many=True))
@blp.paginate(page_size=DEFAULT_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def list_handoffs(args, pagination_parameters):
    """Handoffs where the caller's department is provider or consumer (leadership and admins: all)."""
    provider = checks.department_by_code(args["provider"], "provider") if args.get("provider") else None
    consumer = checks.department_by_code(args["consumer"], "consumer") if args.get("consumer") else None
    query = services.handoff_query(current_user, provider=provider, consumer=consumer, status=args.get("status"),
                                   start=args.get("from_"), end=args.get("to"))
    return paginate(query, pagination_parameters)


@blp.route("/handoffs", methods=["POST"])
@blp.arguments(schemas.HandoffCreate)
@blp.response(201, schemas.HandoffDetail)
def create_handoff(data):
    """Record a handoff: a request by the consumer, or a record by the provider.

    `requested_at` may lie at most TRACKER_BACKDATE_DAYS (default 3) days back and never in a
    closed period (before the later of the current week's and month's start, company time zone);
    otherwise 422 on `requested_at`. The provider's lead and administrators may go back
    TRACKER_LEAD_BACKDATE_DAYS (default 730) days, closed periods included; each such request
    writes a `handoff.request` audit event.
    """
    handoff = services.create_handoff(current_user, **data)
    db.session.commit()
    return handoff


@blp.route("/handoffs/<int(max=2147483647):handoff_id>")
@blp.response(200, schemas.HandoffDetail)
def get_handoff(handoff_id):
    """One handoff with its history."""
    return services.get_handoff(current_user, handoff_id)


@blp.route("/handoffs/<int(max=2147483647):handoff_id>/deliver", methods=["POST"])
@blp.arguments(schemas.Deliver)
@blp.response(200, schemas.HandoffDetail)
def deliver(data, handoff_id):
    """Mark delivered (provider side); `met` tells whether it was on time.

    `delivered_at` follows the back-dating rules of `POST /handoffs`. A delivered handoff can no
    longer be cancelled, so a late delivery stays a miss. Any change to a handoff with a time in a
    closed period writes a `handoff.<action>` audit event.
    """
    handoff = services.change_state(current_user, handoff_id, "deliver", at=data["delivered_at"])
    db.session.commit()
    return handoff


@blp.route("/handoffs/<int(max=2147483647):handoff_id>/pause", methods=["POST"])
@blp.arguments(schemas.Pause)
@blp.response(200, schemas.HandoffDetail)
def pause(data, handoff_id):
    """Stop the clock while waiting on the consumer or a third party (provider side)."""
    handoff = services.change_state(current_user, handoff_id, "pause", at=data["at"], reason=data["reason"])
    db.session.commit()
    return handoff


def _simple_action(action: str, doc: str):
    @blp.route(f"/handoffs/<int(max=2147483647):handoff_id>/{action}", methods=["POST"], endpoint=action)
    @blp.arguments(schemas.At)
    @blp.response(200, schemas.HandoffDetail)
    def view(data, handoff_id):
        handoff = services.change_state(current_user, handoff_id, action, at=data["at"])
        db.session.commit()
        return handoff

    view.__doc__ = doc
    return view


resume = _simple_action("resume", "Start the clock again (provider side); the due time moves by the pause.")
cancel = _simple_action("cancel", """Cancel (provider side); cancelled handoffs do not count.

A handoff that has ever been delivered cannot be cancelled (409): its delivery stays counted.
Cancelling a handoff already past due removes a miss, so only the provider's lead or an
administrator may (403 for others), and it writes a `handoff.cancel` audit event.
""")
reopen = _simple_action("reopen", """Reopen a delivered or cancelled handoff for rework.

Only the provider's lead or an administrator may (403 for others); every reopening writes a
`handoff.reopen` audit event. Reopening does not erase a miss: the handoff counts as open past due
until it is delivered again, and it cannot be cancelled afterwards.
""")


@blp.route("/handoffs/import", methods=["POST"])
@blp.arguments(schemas.ImportQuery, location="query")
@blp.doc(requestBody=schemas.IMPORT_BODY)
@blp.response(200, schemas.ImportResult)
@body_limit("HANDOFF_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES)
def import_handoffs(args):
    """Import handoffs in bulk: CSV with a header row (text/csv or a multipart `file`) or a JSON list.

    Idempotent by (external_source, external_ref). Administrators import for any provider,
    others only for commitments of their own department. Row 1 is the first data row.
    Times may lie up to TRACKER_LEAD_BACKDATE_DAYS (default 730) days back, closed periods
    included; an import that writes such times records one `handoff.import` audit event naming
    the handoffs.
    """
    mimetype = request.mimetype
    if mimetype in ("text/csv", "application/csv"):
        rows = imports.csv_rows(_text(io.BufferedReader(request.stream)))
    elif mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput(_("Attach the CSV file as the form field 'file'."), "file")
        rows = imports.csv_rows(_text(upload.stream))
    elif request.is_json:
        rows = imports.json_rows(request.get_json())
    else:
        raise UnsupportedMediaType(_("Send text/csv, multipart/form-data or application/json."))
    report = imports.import_handoffs(current_user, rows, source=args.get("source"))
    db.session.commit()
    return report.as_dict()


def _text(binary) -> io.TextIOWrapper:
    # utf-8-sig: spreadsheet programs put a byte-order mark in front of UTF-8 exports.
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
