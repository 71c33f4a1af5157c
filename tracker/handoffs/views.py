"""Handoff pages: the list with a "new request" form, one handoff, its actions, and the provider's view."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from tracker.departments.services import get_by_code
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.handoffs import fairness, services
from tracker.models import HANDOFF_STATUSES, MAX_PARTICIPANTS, PAUSE_REASONS
from tracker.ratings import services as rating_services
from tracker.web.csvout import csv_response
from tracker.web.forms import show_errors
from tracker.web.labels import PAUSE_LABELS
from tracker.web.templating import reader_locale

bp = Blueprint("handoffs", __name__)

PAGE_SIZE = 25
DONE_MESSAGES = {"pause": _l("The handoff is paused: its clock is stopped."),
                 "resume": _l("The handoff is resumed: its clock runs again."),
                 "deliver": _l("The handoff is marked delivered."), "cancel": _l("The handoff is cancelled."),
                 "reopen": _l("The handoff is reopened.")}


class RequestForm(FlaskForm):
    """A consumer asks for work under a commitment offered to their department."""

    commitment = SelectField(_l("Service commitment"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("What do you need?"), validators=[DataRequired(), Length(max=300)])
    # Emails typed, not a list to pick from: the page names nobody the reader did not name.
    participants = StringField(_l("Colleagues who take part (they are asked to rate it too)"),
                               description=_l("Their work emails, separated by commas"),
                               validators=[Length(max=MAX_PARTICIPANTS * 256)])


class ActionForm(FlaskForm):
    """Provider actions; only pausing needs a reason."""

    reason = SelectField(_l("Reason"), choices=[SelectChoice(k, v) for k, v in PAUSE_LABELS.items()],
                         validate_choice=False)


def _filters():
    """The list's filters from the URL: an unknown department is NotFound, an unknown status is ignored."""
    args = request.args
    provider = get_by_code(args["provider"][:16]) if args.get("provider") else None
    consumer = get_by_code(args["consumer"][:16]) if args.get("consumer") else None
    status = args.get("status") if args.get("status") in HANDOFF_STATUSES else None
    return provider, consumer, status


def _shown_filters(provider, consumer, status) -> dict[str, str]:
    """The filters in use, for the links of the page: never the page number, which each link sets."""
    shown = {"provider": provider.code if provider else None, "consumer": consumer.code if consumer else None,
             "status": status}
    return {name: value for name, value in shown.items() if value}


@bp.route("/handoffs")
def index():
    provider, consumer, status = _filters()
    query = services.handoff_query(current_user, provider=provider, consumer=consumer, status=status)
    page = db.paginate(query, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
    form = _request_form()
    return render_template("handoffs/index.html", page=page, form=form,
                           filters=_shown_filters(provider, consumer, status), statuses=HANDOFF_STATUSES)


def _request_form() -> RequestForm | None:
    offered = services.offered_commitments(current_user.department_id)
    if not offered:
        return None
    form = RequestForm()
    form.commitment.choices = [
        SelectChoice(c.id, f"{c.current_version.title} · {c.provider.display_name(reader_locale())}")
        for c in offered
    ]
    return form


@bp.route("/handoffs", methods=["POST"])
def create():
    form = _request_form()
    if form is None:
        abort(403)
    if form.validate_on_submit():
        try:
            handoff = services.create_handoff(current_user, commitment=form.commitment.data,
                                              consumer=current_user.department.code, title=form.title.data,
                                              participants=[e for e in re.split(r"[,;\s]+",
                                                                                form.participants.data or "") if e])
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            form.title.errors.extend(show_errors(form, exc))  # what concerns no field of the form, by the title
        else:
            flash(_("Your request is recorded."), "success")
            return redirect(url_for("handoffs.detail", handoff_id=handoff.id))
    page = db.paginate(services.handoff_query(current_user), per_page=PAGE_SIZE, max_per_page=PAGE_SIZE,
                       error_out=False)
    return render_template("handoffs/index.html", page=page, form=form, filters={},
                           statuses=HANDOFF_STATUSES), 422


@bp.route("/handoffs/export.csv")
def export_csv():
    """The visible handoffs, with the list's filters, as CSV."""
    provider, consumer, status = _filters()
    query = services.handoff_query(current_user, provider=provider, consumer=consumer, status=status)
    header = ["id", "commitment", "version", "provider", "consumer", "title", "status", "requested_at", "due_at",
              "delivered_at", "met", "external_source", "external_ref"]
    rows = ([h.id, h.version.commitment_id, h.version.number, h.provider.code, h.consumer.code, h.title, h.status,
             h.requested_at.isoformat(), h.due_at.isoformat(), h.delivered_at.isoformat() if h.delivered_at else "",
             h.met, h.external_source, h.external_ref]
            for h in db.session.scalars(query.limit(current_app.config.get("HANDOFF_EXPORT_MAX_ROWS", 50_000))))
    return csv_response("handoffs", header, rows)


@bp.route("/handoffs/<int(max=2147483647):handoff_id>")
def detail(handoff_id: int):
    handoff = services.get_handoff(current_user, handoff_id)
    provider_side = services.acts_for_provider(current_user, handoff.provider_id)
    return render_template(
        "handoffs/detail.html", handoff=handoff, zone=handoff.version.calendar.timezone,
        left=services.business_time_left(handoff), provider_side=provider_side, form=ActionForm(),
        may_rate=rating_services.may_rate(current_user, handoff),
        referee=fairness.referees(current_user, handoff.provider_id),
        was_delivered=fairness.was_delivered(handoff),
        rated=rating_services.own_rating(current_user, handoff.id) is not None,
    )


@bp.route("/handoffs/<int(max=2147483647):handoff_id>/<any(pause, resume, deliver, cancel, reopen):action>",
          methods=["POST"])
def act(handoff_id: int, action: str):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    reason = form.reason.data if action == "pause" else None
    if action == "pause" and reason not in PAUSE_REASONS:
        abort(400)
    try:
        services.change_state(current_user, handoff_id, action, reason=reason)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if exc.code in (403, 404):
            raise
        flash(exc.message, "error")
    else:
        flash(DONE_MESSAGES[action], "success")
    return redirect(url_for("handoffs.detail", handoff_id=handoff_id))


@bp.route("/handoffs/delivered")
def delivered():
    """The provider's view moved to the ratings pages; old links keep working."""
    kept = {key: request.args[key][:16] for key in ("provider", "quarter", "page") if key in request.args}
    return redirect(url_for("ratings.delivered", **kept), 301)
