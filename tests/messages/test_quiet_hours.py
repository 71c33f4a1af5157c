"""Quiet hours: mail and chat posts wait for the recipient's working time; round-the-clock alerts do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.messages.chat import post_about
from tracker.messages.mail import deliver_due
from tracker.messages.models import Channel, ChannelPost, Message
from tracker.messages.outbox import request_ratings
from tracker.messages.quiet import send_after, set_hours

TUESDAY_NIGHT = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
WEDNESDAY_NINE = datetime(2026, 12, 9, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def _delivered(world, at=TUESDAY_NIGHT, commitment=None):
    requester = factories.make_user(department=world.consumer)
    handoff = factories.make_handoff(commitment or world.commitment, consumer=world.consumer,
                                     requested_by=requester, requested_at=at - timedelta(hours=9),
                                     delivered_at=at - timedelta(minutes=5))
    request_ratings(handoff, at=at)
    db.session.commit()
    return requester, handoff


def test_a_request_written_at_night_is_kept_at_once_and_mailed_at_nine(make_app, mail_server):
    make_app(QUIET_HOURS=True, MAIL_URL=mail_server.url, COMPANY_TIMEZONE="Asia/Shanghai")
    world = factories.make_handoff_world()
    requester, _handoff = _delivered(world)
    message = db.session.scalars(select(Message)).one()
    assert message.recipient_id == requester.id and message.created_at == TUESDAY_NIGHT  # in the tracker now
    assert message.next_attempt_at == WEDNESDAY_NINE
    assert deliver_due(now=TUESDAY_NIGHT + timedelta(hours=2)) == {"sent": 0, "failed": 0}
    assert deliver_due(now=WEDNESDAY_NINE + timedelta(seconds=1)) == {"sent": 1, "failed": 0}
    assert [rcpt for rcpt, _mail in mail_server.received.messages] == [[requester.email]]


def test_in_working_time_and_on_the_departments_own_calendar_mail_goes_at_once(make_app, mail_server):
    make_app(QUIET_HOURS=True, MAIL_URL=mail_server.url, COMPANY_TIMEZONE="Asia/Shanghai")
    world = factories.make_handoff_world()
    _delivered(world, at=WEDNESDAY_NINE + timedelta(hours=2))
    assert db.session.scalars(select(Message.next_attempt_at)).one() is None
    lead = factories.make_user(role="lead", department=world.consumer)
    set_hours(lead, world.consumer, world.commitment.current_version.calendar_id)  # round the clock, in UTC
    _delivered(world)
    assert [m.next_attempt_at for m in db.session.scalars(select(Message).order_by(Message.id))] == [None, None]


def test_alerts_of_round_the_clock_promises_are_urgent_and_others_wait(make_app):
    make_app(QUIET_HOURS=True, COMPANY_TIMEZONE="Asia/Shanghai")
    world = factories.make_handoff_world()  # its commitment: 8 calendar hours
    office = factories.make_commitment(provider=world.provider, target_amount=Decimal("2"))  # business days
    night = factories.make_handoff(world.commitment, consumer=world.consumer)
    daytime = factories.make_handoff(office, consumer=world.consumer)
    assert send_after(world.provider.id, TUESDAY_NIGHT, "overdue", night) is None
    assert send_after(world.provider.id, TUESDAY_NIGHT, "overdue", daytime) == WEDNESDAY_NINE
    assert send_after(world.provider.id, TUESDAY_NIGHT, "rating_request", night) == WEDNESDAY_NINE


def test_a_channel_post_at_night_waits_for_the_morning(make_app):
    make_app(QUIET_HOURS=True, COMPANY_TIMEZONE="Asia/Shanghai")
    world = factories.make_handoff_world()
    db.session.add(Channel(department=world.provider, label="Desk", address="json://127.0.0.1:9/hook",
                           shown="json://127.0.0.1:9/hook", locale="en"))
    handoff = factories.make_handoff(world.commitment, consumer=world.consumer)
    post_about(handoff, "new_request", at=TUESDAY_NIGHT)
    assert db.session.scalars(select(ChannelPost.next_attempt_at)).one() == WEDNESDAY_NINE


def test_the_lead_chooses_the_working_hours_on_the_departments_page(world, client, login_as, auth):
    calendar = world.commitment.current_version.calendar
    login_as("lead", department=world.consumer)
    assert client.post("/departments/IT/hours", data={"calendar": str(calendar.id)}).status_code == 403
    auth.logout()
    login_as("lead", department=world.provider)
    assert client.post("/departments/IT/hours", data={"calendar": str(calendar.id)}).status_code == 302
    page = client.get("/departments/IT/channels").get_data(as_text=True)
    assert f'<option value="{calendar.id}" selected>' in page and "now wait for the working time of" in page
    client.post("/departments/IT/hours", data={"calendar": "999999"})
    assert "There is no business calendar with the id 999999." in client.get("/departments/IT/channels").get_data(
        as_text=True)
    client.post("/departments/IT/hours", data={"calendar": ""})
    assert f'<option value="{calendar.id}" selected>' not in client.get("/departments/IT/channels").get_data(
        as_text=True)
