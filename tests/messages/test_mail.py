"""Sending the outbox: retries wait longer each time, give up at last, and never touch another message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from tests import factories
from tests.live import free_port
from tracker.config import ConfigError
from tracker.extensions import db
from tracker.messages.delivery import backoff
from tracker.messages.mail import deliver_due, parse_mail_url
from tracker.messages.models import Message
from tracker.types import utcnow


def _queue(*emails: str) -> list[int]:
    now = utcnow()
    people = [factories.make_user(email=email) for email in emails]
    db.session.execute(insert(Message), [
        {"key": f"t:{n}", "kind": "rating_request", "recipient_id": p.id, "locale": "en", "subject": f"S{n}",
         "body_text": "text", "body_html": "<p>html</p>", "message_id": f"<t.{n}@tracker.test>", "created_at": now,
         "mail_status": "queued", "attempts": 0} for n, p in enumerate(people)])
    db.session.commit()
    return [p.id for p in people]


def _by_subject() -> dict[str, Message]:
    db.session.expire_all()
    return {m.subject: m for m in db.session.scalars(select(Message))}


def test_a_refused_recipient_waits_and_the_others_go_out(make_app, mail_server):
    make_app(MAIL_URL=mail_server.url, MAIL_MAX_ATTEMPTS=2)
    _queue("gone@example.test", "here@example.test")
    mail_server.received.refuse.add("gone@example.test")
    assert deliver_due() == {"sent": 1, "failed": 1}
    messages = _by_subject()
    refused, sent = messages["S0"], messages["S1"]
    assert sent.mail_status == "sent" and len(mail_server.received.to("here@example.test")) == 1
    assert (refused.mail_status, refused.attempts) == ("queued", 1) and "550" in refused.last_error
    assert refused.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert deliver_due() == {"sent": 0, "failed": 0}  # not before its time
    assert deliver_due(now=utcnow() + timedelta(minutes=2)) == {"sent": 0, "failed": 1}
    assert _by_subject()["S0"].mail_status == "failed"  # the last attempt: given up
    assert deliver_due(now=utcnow() + timedelta(days=1)) == {"sent": 0, "failed": 0}


def test_an_unreachable_server_keeps_every_message_queued(make_app):
    make_app(MAIL_URL=f"smtp://127.0.0.1:{free_port()}")
    _queue("a@example.test", "b@example.test")
    assert deliver_due() == {"sent": 0, "failed": 2}
    assert {m.mail_status for m in _by_subject().values()} == {"queued"}


def test_a_claim_of_a_worker_that_died_is_sent_again_after_the_lease(make_app, mail_server):
    make_app(MAIL_URL=mail_server.url, MAIL_LEASE_SECONDS=60)
    _queue("a@example.test")
    db.session.execute(Message.__table__.update().values(mail_status="sending", claimed_by="dead",
                                                         next_attempt_at=utcnow()))
    db.session.commit()
    assert deliver_due() == {"sent": 0, "failed": 0}  # the dead worker's lease still runs
    assert deliver_due(now=utcnow() + timedelta(seconds=61)) == {"sent": 1, "failed": 0}
    (mail,) = mail_server.received.to("a@example.test")
    assert mail["Message-ID"] == "<t.0@tracker.test>"


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [1, 2, 4, 8, 60, 60, 60]


@pytest.mark.parametrize(("url", "reason"), [
    ("http://mail.example.test", "must start with"), ("smtp://", "names no host"),
    ("smtp://mail.example.test:99999", "port"),
])
def test_a_malformed_mail_address_is_refused_naming_the_setting(url, reason):
    with pytest.raises(ConfigError, match=reason) as raised:
        parse_mail_url(url)
    assert "TRACKER_MAIL_URL" in str(raised.value)


def test_credentials_and_schemes_are_read():
    server = parse_mail_url("smtp+starttls://robot%40corp:p%2Fss@mail.corp.test")
    assert (server.scheme, server.host, server.port, server.username, server.password) == (
        "smtp+starttls", "mail.corp.test", 587, "robot@corp", "p/ss")
    assert parse_mail_url("smtps://mail.corp.test").port == 465
