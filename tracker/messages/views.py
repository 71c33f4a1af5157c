"""Message pages: each person's own messages, and what administrators may know of delivery."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.extensions import db
from tracker.messages import services
from tracker.ratings.services import may_rate, own_rating

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
    return render_template("messages/detail.html", message=message, mail_status=mail_status_label(
        message.mail_status), action_url=action_url, action_label=action_label)
