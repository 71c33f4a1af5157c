"""A delivered handoff asks its requester to rate it: one message, in their language, in the same transaction."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.handoffs.services import change_state, create_handoff
from tracker.messages.mail import deliver_due
from tracker.messages.models import Message
from tracker.models import Rating


def _requested(world, locale=None, **user):
    requester = factories.make_user(department=world.consumer, locale=locale, **user)
    worker = factories.make_user(role="lead", department=world.provider)  # a lead may also reopen
    handoff = create_handoff(requester, world.commitment.id, world.consumer.code, "Laptop for Ana")
    db.session.commit()
    return requester, worker, handoff


def _messages():
    return db.session.scalars(select(Message).order_by(Message.id)).all()


def test_delivery_asks_the_requester_once_in_their_language(world):
    requester, worker, handoff = _requested(world, locale="zh")
    change_state(worker, handoff.id, "deliver")
    db.session.commit()
    (message,) = _messages()
    assert (message.recipient_id, message.kind, message.handoff_id) == (requester.id, "rating_request", handoff.id)
    assert message.locale == "zh" and "请评价" in message.subject and "Laptop for Ana" in message.subject
    assert message.mail_status == "kept"  # no mail server: read in the app
    assert re.search(r"http://127\.0\.0\.1:5000/rate/[\w.-]+", message.body_text)
    assert message.action_url in message.body_html and message.action_url in message.body_text
    # Reopened and delivered again: still the one request.
    change_state(worker, handoff.id, "reopen")
    change_state(worker, handoff.id, "deliver")
    db.session.commit()
    assert len(_messages()) == 1


def test_a_delivery_rolled_back_sends_nothing(world):
    _requester, worker, handoff = _requested(world)
    change_state(worker, handoff.id, "deliver")
    db.session.rollback()
    assert _messages() == []


@pytest.mark.parametrize("who", ["other department", "inactive"])
def test_no_request_to_someone_who_cannot_rate(world, who):
    requester, worker, handoff = _requested(world)
    if who == "inactive":
        requester.active = False
    else:
        requester.department = world.other
    db.session.commit()
    change_state(worker, handoff.id, "deliver")
    db.session.commit()
    assert _messages() == []


def test_with_a_mail_server_the_request_is_mailed_in_text_and_html(make_app, mail_server):
    make_app(MAIL_URL=mail_server.url)
    world = factories.make_handoff_world()
    _requester, worker, handoff = _requested(world, locale="en", email="ana@example.test")
    change_state(worker, handoff.id, "deliver")
    db.session.commit()
    assert deliver_due() == {"sent": 1, "failed": 0}
    (mail,) = mail_server.received.to("ana@example.test")
    (message,) = _messages()
    assert mail["Message-ID"] == message.message_id and mail["Subject"] == "Please rate: Laptop for Ana"
    assert mail["Content-Language"] == "en"
    text, html = mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()
    assert message.action_url in text and f'href="{message.action_url}"' in html
    assert message.mail_status == "sent" and message.sent_at is not None
    assert deliver_due() == {"sent": 0, "failed": 0}  # sent once
    assert db.session.scalar(select(func.count()).select_from(Rating)) == 0
