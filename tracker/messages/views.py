"""Message pages: each person's own messages, and what administrators may know of delivery."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from tracker.auth.permissions import require_department_manager
from tracker.calendars.services import calendar_query
from tracker.departments.services import get_by_code
from tracker.errors import DomainError, NotFound
from tracker.extensions import csrf, db
from tracker.messages import chat, preferences, quiet, services
from tracker.ratings.services import may_rate, own_rating
from tracker.web.forms import flash_errors
from tracker.web.templating import reader_locale

bp = Blueprint("messages", __name__)

PAGE_SIZE = 25


def mail_status_label(status: str) -> str:
    return {"kept": _("kept in the tracker"), "queued": _("waiting to be sent by mail"),
            "sending": _("being sent by mail"), "sent": _("sent by mail"),
            "failed": _("could not be sent by mail")}[status]


@bp.route("/messages")
def index():
    page = db.paginate(services.my_messages_query(current_user), per_page=PAGE_SIZE, max_per_page=PAGE_SIZE,
                       error_out=False)
    return render_template("messages/index.html", page=page, mailed=bool(current_app.config["MAIL_URL"]))


def _settings_form(user) -> FlaskForm:
    """One radio question per group of messages, set to the person's choices."""
    labels = {"mail": _("By mail and here") if current_app.config["MAIL_URL"] else _("Here (and by mail once a "
                                                                                    "mail server is set up)"),
              "app": _("Here only"), "off": _("Not at all")}
    current = preferences.choices(user)
    fields = {group: RadioField(label, choices=[SelectChoice(c, labels[c]) for c in preferences.CHOICES],
                                default=current[group], validators=[InputRequired()])
              for group, (_kinds, label) in preferences.GROUPS.items()}
    return type("SettingsForm", (FlaskForm,), fields)()


@bp.route("/messages/settings", methods=["GET", "POST"])
def settings():
    form = _settings_form(current_user)
    if form.validate_on_submit():
        preferences.set_choices(current_user, {group: form[group].data for group in preferences.GROUPS})
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("messages.settings"))
    return render_template("messages/settings.html", form=form), 422 if form.errors else 200


@bp.route("/messages/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail programs post the one click without a form token
def unsubscribe(token: str):
    """Stop mail of one group for the link's recipient, without signing in; opening it only asks."""
    found = preferences.read_unsubscribe(token[:512])
    if found is None:
        raise NotFound(_("This unsubscribe link is not valid. Sign in and open the messages settings instead."))
    person, group = found
    done = False
    if request.method == "POST":
        preferences.set_choices(person, {group: "app"} if preferences.choices(person)[group] == "mail" else {})
        db.session.commit()
        done = True
    return render_template("messages/unsubscribe.html", group=preferences.GROUPS[group][1], done=done)


@bp.route("/messages/<int(max=2147483647):message_id>")
def detail(message_id: int):
    message = services.read_message(current_user, message_id)
    db.session.commit()
    action_url = action_label = None
    if message.kind in ("rating_request", "rating_reminder") and message.handoff is not None:
        if own_rating(current_user, message.handoff_id) is not None:
            action_url, action_label = url_for("ratings.mine"), _("See the rating you gave")
        elif may_rate(current_user, message.handoff):
            action_url, action_label = url_for("ratings.rate", handoff_id=message.handoff_id), _("Rate it")
    if message.kind in ("due_soon", "overdue") and message.handoff is not None:
        action_url, action_label = url_for("handoffs.detail", handoff_id=message.handoff_id), _("Open the handoff")
    if message.kind in ("budget_fast", "budget_slow"):
        action_url, action_label = message.action_url, _("Open the commitment")
    if message.kind == "satisfaction_drop":
        action_url, action_label = message.action_url, _("Open the pair")
    if message.kind == "digest":
        action_url, action_label = message.action_url, _("Open the dashboard")
    return render_template("messages/detail.html", message=message, mail_status=mail_status_label(
        message.mail_status), action_url=action_url, action_label=action_label)


# -- a department's chat channels ------------------------------------------------------------

class ChannelForm(FlaskForm):
    label = StringField(_l("Channel name"), validators=[InputRequired(), Length(max=100)])
    # A password field: what is typed is not shown again, not even after a refused submit.
    address = PasswordField(_l("Address"), validators=[InputRequired(), Length(max=chat.MAX_ADDRESS)])
    locale = SelectField(_l("Language of the posts"), choices=[SelectChoice("en", "English"),
                                                               SelectChoice("zh", "简体中文")])


@bp.route("/departments/<string:code>/channels", methods=["GET", "POST"])
def channels(code: str):
    """The department's chat channels: add, try, remove (its leads and administrators)."""
    department = get_by_code(code[:16])
    require_department_manager(current_user, department.id)
    form = ChannelForm()
    status = 200
    if form.validate_on_submit():
        try:
            channel = chat.add_channel(current_user, department, form.label.data, form.address.data,
                                       form.locale.data)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash_errors(form, exc)
            status = 422
        else:
            flash(_("The channel %(label)s is added. Send it a test to see that posts arrive.", label=channel.label),
                  "success")
            return redirect(url_for("messages.channels", code=department.code))
    elif form.errors:
        status = 422
    return render_template("messages/channels.html", department=department, form=form,
                           hours=quiet.hours_of(department.id), calendars=db.session.scalars(calendar_query()).all(),
                           channels=chat.channels_of(department), counts=chat.post_counts(department),
                           schemes=current_app.config["CHAT_SCHEMES"]), status


@bp.route("/departments/<string:code>/hours", methods=["POST"])
def department_hours(code: str):
    """Choose the working time of the department's people: mail and posts wait for it."""
    department = get_by_code(code[:16])
    chosen = request.form.get("calendar", "")[:12]
    try:
        calendar = quiet.set_hours(current_user, department, int(chosen) if chosen.isdigit() else None)
    except NotFound as exc:  # a calendar removed meanwhile, or an id made up
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Messages to %(department)s now wait for the working time of %(calendar)s.",
                department=department.display_name(reader_locale()),
                calendar=calendar.name if calendar else _("the company's working week")), "success")
    return redirect(url_for("messages.channels", code=department.code))


@bp.route("/departments/<string:code>/channels/<int(max=2147483647):channel_id>/test", methods=["POST"])
def test_channel(code: str, channel_id: int):
    department = get_by_code(code[:16])
    channel = chat.get_channel(current_user, department, channel_id)
    problem = chat.test_channel(current_user, channel)
    db.session.commit()
    if problem is None:
        flash(_("The test was posted to %(label)s.", label=channel.label), "success")
    else:
        flash(_("The test could not be posted to %(label)s: %(problem)s", label=channel.label, problem=problem),
              "error")
    return redirect(url_for("messages.channels", code=department.code))


@bp.route("/departments/<string:code>/channels/<int(max=2147483647):channel_id>/remove", methods=["POST"])
def remove_channel(code: str, channel_id: int):
    department = get_by_code(code[:16])
    channel = chat.get_channel(current_user, department, channel_id)
    label = channel.label
    chat.remove_channel(current_user, channel)
    db.session.commit()
    flash(_("The channel %(label)s is removed.", label=label), "success")
    return redirect(url_for("messages.channels", code=department.code))
