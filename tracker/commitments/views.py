"""Pages of the service catalog, department pages and commitments with their history."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from tracker.calendars.services import calendar_query
from tracker.commitments import services, wording
from tracker.commitments.forms import CommitmentForm, ConfirmForm, choices
from tracker.departments.services import get_by_code
from tracker.errors import InvalidInput
from tracker.extensions import db
from tracker.models import COMMITMENT_STATUSES, Department, ServiceCommitment
from tracker.web.forms import show_errors
from tracker.web.templating import reader_locale

bp = Blueprint("commitments", __name__)

PAGE_SIZE = 20
MAX_PAGE = 100_000


@bp.context_processor
def _wording():
    return {
        "promise_text": wording.promise_text,
        "target_text": wording.target_text,
        "percent_text": wording.percent_text,
        "satisfaction_text": wording.satisfaction_text,
        "unit_labels": wording.UNIT_LABELS,
        "cadence_labels": wording.CADENCE_LABELS,
        "field_labels": wording.FIELD_LABELS,
        "field_value_text": wording.field_value_text,
        "can_manage": lambda commitment: services.can_manage(current_user, commitment),
    }


def _departments() -> list[Department]:
    return list(db.session.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.code)))


def _text_arg(name: str, limit: int = 100) -> str:
    return (request.args.get(name) or "").replace("\x00", "").strip()[:limit]


@bp.route("/commitments")
def catalog():
    """The service catalog; by default what the reader's department may expect."""
    own = current_user.department.code if current_user.department else None
    consumer = _text_arg("consumer", 16).upper()
    scope = request.args.get("scope")
    if not consumer and own and scope != "all":
        consumer, scope = own, "mine"
    elif consumer and consumer == own:
        scope = "mine"
    else:
        scope = "all"
    status = request.args.get("status", "published")
    if status not in (*COMMITMENT_STATUSES, "any"):
        status = "published"
    filters = {
        "provider": _text_arg("provider", 16).upper(),
        "consumer": consumer,
        "status": status,
        "q": _text_arg("q"),
    }
    query = services.commitment_query(current_user, provider=filters["provider"] or None,
                                      consumer=consumer or None, status=None if status == "any" else status,
                                      search=filters["q"] or None)
    page_number = request.args.get("page", 1, type=int)
    page = db.paginate(query, page=min(max(page_number, 1), MAX_PAGE), per_page=PAGE_SIZE, error_out=False)
    return render_template("commitments/catalog.html", page=page, filters=filters, scope=scope, own=own,
                           departments=_departments(), statuses=COMMITMENT_STATUSES)


@bp.route("/departments/<string:code>")
def department(code):
    """A department's published commitments; its drafts and a "New commitment" button for its leads."""
    dept = get_by_code(code[:16])
    manages = services.can_manage_department(current_user, dept.id)
    query = services.commitment_query(current_user, provider=dept.code)
    commitments = list(db.session.scalars(query))
    shown = {status: [c for c in commitments if c.status == status] for status in COMMITMENT_STATUSES}
    if not manages:
        shown["draft"] = []
    return render_template("commitments/department.html", department=dept, shown=shown, manages=manages)


def _prepare_form(form: CommitmentForm, provider: Department, commitment: ServiceCommitment | None) -> None:
    form.consumers.choices = choices((d.code, f"{d.code} · {d.display_name(reader_locale())}") for d in _departments()
                                     if d.id != provider.id)
    form.calendar.choices = choices((c.id, c.name) for c in db.session.scalars(calendar_query()))
    members = services.department_members(provider)
    if commitment is not None and commitment.current_version.owner not in members:
        members.append(commitment.current_version.owner)
    form.owner.choices = choices((u.id, f"{u.display_name} <{u.email}>") for u in members)


def _fill_form(form: CommitmentForm, commitment: ServiceCommitment) -> None:
    version = commitment.current_version
    form.title.data = version.title
    form.description.data = version.description
    form.needs_from_consumer.data = version.needs_from_consumer
    form.consumers.data = [] if version.all_consumers else [d.code for d in version.consumers]
    form.target_amount.data = Decimal(version.target_amount)
    form.target_unit.data = version.target_unit
    form.attainment_target.data = (Decimal(version.attainment_target) * 100).normalize()
    form.satisfaction_target.data = Decimal(version.satisfaction_target)
    form.calendar.data = version.calendar_id
    form.owner.data = version.owner_id
    form.review_cadence.data = version.review_cadence


@bp.route("/departments/<string:code>/commitments/new", methods=["GET", "POST"])
def new(code):
    """Write a new commitment; it is saved as a draft."""
    provider = get_by_code(code[:16])
    services.require_department_manager(current_user, provider.id)
    form = CommitmentForm()
    _prepare_form(form, provider, None)
    general: list[str] = []
    preview = None
    if request.method == "GET":
        form.owner.data = current_user.id if current_user.department_id == provider.id else None
        form.target_amount.data, form.attainment_target.data = Decimal(2), Decimal(95)
        form.satisfaction_target.data, form.review_cadence.data = Decimal(4), "month"
    elif form.validate_on_submit():
        try:
            if form.preview.data:
                preview, _changed = services.preview_version(provider, form.values())
            else:
                commitment = services.create_commitment(current_user, provider.code, **form.values())
                db.session.commit()
                flash(_("The draft is saved. Check it, then publish it."), "success")
                return redirect(url_for("commitments.detail", commitment_id=commitment.id))
        except InvalidInput as error:
            db.session.rollback()
            general = show_errors(form, error)
    status = 422 if form.errors or general else 200
    heading = _("New commitment of %(department)s", department=provider.display_name(reader_locale()))
    return render_template("commitments/form.html", form=form, provider=provider, commitment=None, heading=heading,
                           general=general, preview=preview, changes=None), status


def _load(commitment_id: int) -> ServiceCommitment:
    # A form post may change the commitment: lock it for the rest of the request.
    return services.get_commitment(current_user, commitment_id, for_update=request.method == "POST")


ID = "<int(max=2147483647):commitment_id>"


@bp.route(f"/commitments/{ID}")
def detail(commitment_id):
    """A commitment: the promise in plain words, its owner, calendar and history."""
    commitment = _load(commitment_id)
    return render_template("commitments/detail.html", commitment=commitment, version=commitment.current_version,
                           confirm=ConfirmForm())


@bp.route(f"/commitments/{ID}/edit", methods=["GET", "POST"])
def edit(commitment_id):
    """Edit a draft, or revise a published commitment (publishing version n+1)."""
    commitment = _load(commitment_id)
    services.require_department_manager(current_user, commitment.provider_id)
    if commitment.status == "retired":
        flash(_("A retired commitment cannot be changed."), "warning")
        return redirect(url_for("commitments.detail", commitment_id=commitment.id))
    form = CommitmentForm()
    _prepare_form(form, commitment.provider, commitment)
    general: list[str] = []
    preview = changes = None
    if request.method == "GET":
        _fill_form(form, commitment)
    elif form.validate_on_submit():
        try:
            if form.preview.data:
                preview, changes = services.preview_version(commitment.provider, form.values(), commitment)
            else:
                was_draft = commitment.status == "draft"
                services.update_commitment(current_user, commitment, **form.values())
                db.session.commit()
                if was_draft:
                    flash(_("The draft is saved."), "success")
                else:
                    flash(_("Version %(number)s is published.", number=commitment.current_version.number), "success")
                return redirect(url_for("commitments.detail", commitment_id=commitment.id))
        except InvalidInput as error:
            db.session.rollback()
            general = show_errors(form, error)
    status = 422 if form.errors or general else 200
    if commitment.status == "draft":
        heading = _("Edit the draft")
    else:
        heading = _("Revise: version %(number)s", number=commitment.current_version.number + 1)
    return render_template("commitments/form.html", form=form, provider=commitment.provider, commitment=commitment,
                           heading=heading, general=general, preview=preview, changes=changes), status


@bp.route(f"/commitments/{ID}/publish", methods=["POST"])
def publish(commitment_id):
    """Publish a draft."""
    commitment = _load(commitment_id)
    services.require_department_manager(current_user, commitment.provider_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.publish_commitment(current_user, commitment)
    db.session.commit()
    flash(_("The commitment is published as version %(number)s.", number=commitment.current_version.number),
          "success")
    return redirect(url_for("commitments.detail", commitment_id=commitment.id))


@bp.route(f"/commitments/{ID}/retire", methods=["GET", "POST"])
def retire(commitment_id):
    """Ask for confirmation, then retire a published commitment."""
    commitment = _load(commitment_id)
    services.require_department_manager(current_user, commitment.provider_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.retire_commitment(current_user, commitment)
        db.session.commit()
        flash(_("The commitment is retired; its history stays."), "success")
        return redirect(url_for("commitments.detail", commitment_id=commitment.id))
    return render_template("commitments/retire.html", commitment=commitment, form=form)


@bp.route(f"/commitments/{ID}/compare")
def compare(commitment_id):
    """The fields that changed between two versions."""
    commitment = _load(commitment_id)
    numbers = [v.number for v in commitment.versions]
    older_number = request.args.get("from", type=int)
    newer_number = request.args.get("to", type=int)
    if older_number is None or newer_number is None:
        newer_number = numbers[-1]
        older_number = numbers[-2] if len(numbers) > 1 else numbers[-1]
    older = services.get_version(commitment, older_number)
    newer = services.get_version(commitment, newer_number)
    return render_template("commitments/compare.html", commitment=commitment, older=older, newer=newer,
                           changes=services.compare_versions(older, newer), numbers=numbers)
