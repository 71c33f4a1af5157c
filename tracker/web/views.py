"""Home page, language choice and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user

from tracker.database import database_state
from tracker.errors import error_body
from tracker.extensions import db
from tracker.security.redirects import safe_next

bp = Blueprint("web", __name__)


@bp.route("/")
def home():
    from tracker.ratings.services import inbox_preview

    return render_template("home.html", user=current_user, inbox=inbox_preview(current_user))


@bp.route("/locale", methods=["POST"])
def set_locale():
    """Remember the chosen language for this browser (and for the signed-in user)."""
    locale = request.form.get("locale")
    if locale not in ("en", "zh"):
        abort(400, description="locale must be 'en' or 'zh'")
    session["locale"] = locale
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()
    return redirect(safe_next(request.form.get("next")))


@bp.route("/healthz")
def health():
    """For load balancers: the app answers, and the database is reachable and accepts writes.

    Always JSON: 200 `{"status": "ok", "database": "ok"}`, or 503 in the shared error shape with
    `"database": "unreachable"` or `"read_only"`.
    """
    state = database_state()
    if state == "ok":
        return jsonify(status="ok", database=state)
    messages = {"unreachable": _("The database cannot be reached."),
                "read_only": _("The database answers but refuses writes.")}
    response = jsonify({**error_body(503, messages[state]), "database": state})
    response.status_code = 503
    return response


@bp.route("/api/v1/docs")
def api_docs():
    """Interactive API documentation (Swagger UI served by the app, no CDN)."""
    return render_template("api_docs.html")
