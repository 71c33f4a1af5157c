"""Administration pages: people (create, change, export, erase), API tokens, the audit log, message delivery."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from tracker.admin.forms import ROLE_NAMES, EraseForm, PersonCreateForm, PersonEditForm
from tracker.auth.permissions import require_admin
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.messages import services as message_services
from tracker.models import Department
from tracker.users import services
from tracker.web.forms import flash_errors
from tracker.web.templating import reader_locale

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50
NO_DEPARTMENT = _l("None (administrators only)")
# The services' field names that the people forms call otherwise.
FORM_FIELDS = {"department_code": "department"}
MESSAGE_KIND_NAMES = {"rating_request": _l("Rating requests"), "due_soon": _l("Handoffs due soon"),
                      "overdue": _l("Handoffs overdue"), "budget_fast": _l("Error budgets burning fast"),
                      "budget_slow": _l("Error budgets burning"), "satisfaction_drop": _l("Satisfaction drops"),
                      "digest": _l("Weekly digests")}


@bp.before_request
def _administrators_only():
    require_admin(current_user)


def _department_choices() -> list[SelectChoice]:
    departments = db.session.scalars(select(Department).order_by(Department.code))
    locale = reader_locale()
    return [SelectChoice("", NO_DEPARTMENT),
            *(SelectChoice(d.code, f"{d.code} · {d.display_name(locale)}") for d in departments)]


def _page(query):
    page = request.args.get("page", 1, type=int)
    return db.paginate(query, page=max(1, min(page, 100_000)), per_page=PAGE_SIZE, error_out=False)


@bp.route("")
def index():
    return render_template("admin/index.html")


@bp.route("/messages")
def messages():
    """Delivery of what the tracker sends: counts per kind and state, never a message or its recipient."""
    return render_template("admin/messages.html", counts=message_services.delivery_counts(),
                           kinds=MESSAGE_KIND_NAMES, mail_server=message_services.mail_server_name())


@bp.route("/people", methods=["GET", "POST"])
def people():
    form = PersonCreateForm()
    form.department.choices = _department_choices()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user, email=form.email.data, display_name=form.display_name.data, role=form.role.data,
                department_code=form.department.data or None, password=form.password.data or None,
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash_errors(form, exc, FORM_FIELDS)
            status = 422
        else:
            flash(_("%(email)s was added.", email=user.email), "success")
            return redirect(url_for("admin.person", user_id=user.id))
    elif form.errors:
        status = 422
    search = (request.args.get("q") or "").replace("\x00", "")[:100]
    page = _page(services.user_query(current_user, search=search))
    return render_template("admin/people.html", form=form, page=page, search=search,
                           role_names=ROLE_NAMES), status


@bp.route("/people/<int(max=2147483647):user_id>", methods=["GET", "POST"])
def person(user_id):
    user = services.get_user(current_user, user_id)
    form = PersonEditForm(obj=None if request.method == "POST" else user)
    form.department.choices = _department_choices()
    if request.method == "GET":
        form.department.data = user.department.code if user.department else ""
        form.locale.data = user.locale or ""
    status = 200
    if form.validate_on_submit():
        try:
            services.update_user(
                current_user, user.id, role=form.role.data, department_code=form.department.data or None,
                active=form.active.data, display_name=form.display_name.data, locale=form.locale.data or None,
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash_errors(form, exc, FORM_FIELDS)
            status = 422
            user = services.get_user(current_user, user_id)
        else:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("admin.person", user_id=user.id))
    elif form.errors:
        status = 422
    return render_template("admin/person.html", user=user, form=form, erase_form=EraseForm()), status


@bp.route("/people/<int(max=2147483647):user_id>/export")
def export_person(user_id):
    data = services.export_person(current_user, user_id)
    db.session.commit()
    response = jsonify(data)
    response.headers["Content-Disposition"] = f'attachment; filename="person-{user_id}.json"'
    return response


@bp.route("/people/<int(max=2147483647):user_id>/erase", methods=["POST"])
def erase_person(user_id):
    user = services.get_user(current_user, user_id)
    form = EraseForm()
    if form.validate_on_submit() and form.confirm_email.data.strip().lower() == user.email:
        try:
            services.erase_user(current_user, user.id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("admin.person", user_id=user_id))
        flash(_("The person's data was erased."), "success")
        return redirect(url_for("admin.person", user_id=user_id))
    form.confirm_email.errors = [*form.confirm_email.errors, _("Type the email exactly as shown to confirm.")]
    edit = PersonEditForm(formdata=None, obj=user)
    edit.department.choices = _department_choices()
    edit.department.data = user.department.code if user.department else ""
    edit.locale.data = user.locale or ""
    return render_template("admin/person.html", user=user, form=edit, erase_form=form), 422


@bp.route("/tokens")
def tokens():
    return render_template("admin/tokens.html", page=_page(services.token_query(current_user)))


@bp.route("/tokens/<int(max=2147483647):token_id>/revoke", methods=["POST"])
def revoke_token(token_id):
    services.revoke_any_token(current_user, token_id)
    db.session.commit()
    flash(_("The token was revoked."), "success")
    return redirect(url_for("admin.tokens", page=request.args.get("page", 1, type=int)))


@bp.route("/audit")
def audit():
    action = (request.args.get("action") or "").replace("\x00", "")[:64] or None
    page = _page(services.audit_query(current_user, action=action))
    return render_template("admin/audit.html", page=page, action=action, actions=services.audit_actions(current_user))
