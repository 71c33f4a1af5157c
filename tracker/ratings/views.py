"""Rating pages: the "to rate" inbox, the rating form, "my ratings" and what a provider delivered."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from tracker.extensions import db
from tracker.handoffs import services as handoff_services
from tracker.metrics import periods, ranges
from tracker.metrics import services as metrics
from tracker.models import MAX_COMMENT_LENGTH, REASON_TAGS
from tracker.ratings import services
from tracker.web.labels import REASON_LABELS

bp = Blueprint("ratings", __name__)

PAGE_SIZE = 25
QUARTER_CHOICES = 8  # finished quarters offered in the provider's view
SCORE_LABELS = [SelectChoice(1, _l("1 · very poor")), SelectChoice(2, _l("2 · poor")),
                SelectChoice(3, _l("3 · acceptable")), SelectChoice(4, _l("4 · good")),
                SelectChoice(5, _l("5 · excellent"))]


def _no_nul(form, field):
    if field.data and "\x00" in field.data:
        raise ValidationError(_("must not contain NUL characters"))


class RatingForm(FlaskForm):
    """Two scores with nothing pre-selected, reasons for low scores, an optional comment."""

    satisfaction = RadioField(_l("How satisfied are you with the result?"), choices=SCORE_LABELS, coerce=int,
                              validators=[InputRequired(message=_l("Choose a score from 1 to 5."))])
    collaboration = RadioField(_l("How well did the collaboration work?"), choices=SCORE_LABELS, coerce=int,
                               validators=[InputRequired(message=_l("Choose a score from 1 to 5."))])
    reasons = SelectMultipleField(_l("What went wrong? (for a score of 1 or 2)"),
                                  choices=[SelectChoice(tag, REASON_LABELS[tag]) for tag in REASON_TAGS])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=MAX_COMMENT_LENGTH), _no_nul])


@bp.route("/ratings/inbox")
def inbox():
    page = db.paginate(services.inbox_query(current_user), per_page=PAGE_SIZE, max_per_page=PAGE_SIZE,
                       error_out=False)
    return render_template("ratings/inbox.html", page=page, closes_at=services.rating_closes_at)


@bp.route("/ratings/mine")
def mine():
    page = db.paginate(services.my_ratings_query(current_user), per_page=PAGE_SIZE, max_per_page=PAGE_SIZE,
                       error_out=False)
    return render_template("ratings/mine.html", page=page,
                           may_change=lambda r: services.may_change(current_user, r))


@bp.route("/handoffs/<int(max=2147483647):handoff_id>/rate", methods=["GET", "POST"])
def rate(handoff_id: int):
    # A refusal reaches the app's error handler, which shows its message in the reader's language.
    handoff = handoff_services.get_handoff(current_user, handoff_id)
    services.check_may_rate(current_user, handoff)
    existing = services.own_rating(current_user, handoff.id)
    services.check_not_released(existing)
    form = RatingForm()
    if not form.is_submitted() and existing is not None:
        form.satisfaction.data = existing.satisfaction
        form.collaboration.data = existing.collaboration
        form.reasons.data = existing.reason_tags
        form.comment.data = existing.comment
    if form.validate_on_submit():
        services.rate(current_user, handoff.id, form.satisfaction.data, form.collaboration.data,
                      reasons=form.reasons.data, comment=form.comment.data)
        db.session.commit()
        flash(_("Thank you: your rating is saved."), "success")
        return redirect(url_for("ratings.inbox"))
    status = 422 if form.errors else 200
    return render_template("ratings/rate.html", form=form, handoff=handoff, existing=existing,
                           closes_at=services.changeable_until(handoff, existing)), status


@bp.route("/rate/<token>", methods=["GET", "POST"])
def rate_from_link(token: str):
    """Rate from a link in a message, without signing in; opening it records nothing, submitting saves once."""
    token = token[:512]
    signed_in = current_user if current_user.is_authenticated else None
    recipient = services.link_recipient(token)
    if signed_in is None and recipient is not None and recipient.locale:
        g.recipient_locale = recipient.locale  # nobody signed in: the page, refusals included, speaks as the mail did
        refresh()
    person, handoff = services.link_target(token, signed_in)
    form = RatingForm()
    if form.validate_on_submit():
        services.rate(person, handoff.id, form.satisfaction.data, form.collaboration.data,
                      reasons=form.reasons.data, comment=form.comment.data)
        db.session.commit()
        return render_template("ratings/rated_from_link.html", handoff=handoff, signed_in=signed_in)
    status = 422 if form.errors else 200
    return render_template("ratings/rate.html", form=form, handoff=handoff, existing=None,
                           closes_at=services.changeable_until(handoff, None)), status


@bp.route("/ratings/delivered")
def delivered():
    """The provider's view: what it delivered, due and met, and how each consumer rated it in a quarter."""
    provider = services.provider_for(current_user, request.args.get("provider", "")[:16] or None)
    # "2026Q1" is how quarters were named in links to this page before; labels are "2026-Q1".
    asked = re.sub(r"^(\d{4})Q([1-4])$", r"\1-Q\2", request.args.get("quarter", "")[:16].strip().upper())
    quarter = ranges.finished_start("quarter", asked or None)
    consumers = page = None
    if provider is not None:
        consumers = metrics.ratings_by_consumer(current_user, provider, quarter)
        page = db.paginate(services.delivered_query(provider.id), per_page=PAGE_SIZE, max_per_page=PAGE_SIZE,
                           error_out=False)
    quarters = ranges.finished_starts("quarter", QUARTER_CHOICES)
    if quarter not in quarters:
        quarters.append(quarter)
    comments = [(c.consumer, text) for c in consumers or () for text in c.comments]
    unlisted = sum(c.comment_count - len(c.comments) for c in consumers or ())
    return render_template("ratings/delivered.html", provider=provider, page=page, consumers=consumers,
                           comments=comments, unlisted=unlisted,
                           departments={d.code: d for d in metrics.department_list()},
                           quarter=periods.label(quarter, "quarter"),
                           quarters=[periods.label(q, "quarter") for q in quarters],
                           k=current_app.config["CONFIDENTIALITY_K"])
