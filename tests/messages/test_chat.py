"""A department's chat channels: added by its lead, tried with a test, told of new requests and alerts once each.

The channels post to a real HTTP receiver on loopback (pytest-httpserver) through apprise's
generic JSON webhook (json://), as a Slack or DingTalk channel would be posted to.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug import Response

from tests import factories
from tracker.extensions import db
from tracker.handoffs.services import create_handoff
from tracker.messages.chat import add_channel, deliver_posts
from tracker.messages.models import Channel, ChannelPost
from tracker.messages.outbox import alert_due
from tracker.models import AuditEvent
from tracker.types import utcnow

SECRET = "s3cr3t-webhook-token"


def _address(httpserver, path="/hook") -> str:
    return f"json://bot:{SECRET}@{httpserver.host}:{httpserver.port}{path}"


def _posted(httpserver) -> list[dict]:
    return [json.loads(request.get_data()) for request, _response in httpserver.log]


@pytest.fixture
def lead(world, login_as):
    return login_as("lead", department=world.provider)


def _add(world, httpserver, locale="en", path="/hook"):
    lead = factories.make_user(role="lead", department=world.provider)
    channel = add_channel(lead, world.provider, "Service desk", _address(httpserver, path), locale)
    db.session.commit()
    return channel


def test_a_lead_adds_a_channel_and_its_secret_is_never_shown_back(world, client, lead, httpserver):
    response = client.post("/departments/IT/channels", data={"label": "Service desk",
                                                             "address": _address(httpserver), "locale": "en"})
    assert response.status_code == 302
    page = client.get("/departments/IT/channels").get_data(as_text=True)
    assert "Service desk" in page and f"{httpserver.host}:{httpserver.port}/hook" in page
    assert SECRET not in page and "json://bot:****@" in page
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "channel.add")).one()
    assert SECRET not in json.dumps(audit.details)
    assert db.session.scalars(select(Channel.address)).one() == _address(httpserver)  # kept for the worker


@pytest.mark.parametrize(("address", "reason"), [
    ("", "This field is required."),
    ("mailto://someone@example.com", "Use an address of one of these services"),
    ("slack://onlyonetoken", "This address is not complete for its service"),
])
def test_a_bad_address_is_refused_naming_the_field(world, client, lead, address, reason):
    response = client.post("/departments/IT/channels", data={"label": "Desk", "address": address, "locale": "en"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page.replace("&#39;", "'") and 'id="address-error"' in page
    assert db.session.scalar(select(Channel.id)) is None


def test_only_the_departments_leads_and_administrators_manage_its_channels(world, client, login_as, auth,
                                                                          httpserver):
    channel = _add(world, httpserver)
    login_as("lead", department=world.consumer)
    assert client.get("/departments/IT/channels").status_code == 403
    assert client.post(f"/departments/IT/channels/{channel.id}/remove").status_code == 403
    auth.logout()
    login_as("employee", department=world.provider)
    assert client.get("/departments/IT/channels").status_code == 403
    auth.logout()
    login_as("admin")
    assert client.get("/departments/IT/channels").status_code == 200
    assert client.post(f"/departments/IT/channels/{channel.id}/remove").status_code == 302
    assert db.session.scalar(select(Channel.id)) is None


def test_the_test_button_posts_now_and_says_when_the_service_refuses(world, client, lead, httpserver):
    channel = _add(world, httpserver)
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    assert client.post(f"/departments/IT/channels/{channel.id}/test").status_code == 302
    page = client.get("/departments/IT/channels").get_data(as_text=True)
    assert "The test was posted to Service desk." in page
    assert _posted(httpserver)[0]["title"] == "Test from the service-level tracker"
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_response(Response("no", status=500))
    client.post(f"/departments/IT/channels/{channel.id}/test")
    page = client.get("/departments/IT/channels").get_data(as_text=True)
    assert "The test could not be posted to Service desk" in page
    assert SECRET not in page


def test_a_new_request_reaches_each_channel_of_the_provider_once(world, httpserver):
    _add(world, httpserver, path="/one")
    _add(world, httpserver, locale="zh", path="/two")
    httpserver.expect_request("/one", method="POST").respond_with_data("ok")
    httpserver.expect_request("/two", method="POST").respond_with_data("ok")
    requester = factories.make_user(department=world.consumer)
    create_handoff(requester, world.commitment.id, world.consumer.code, "Laptop for Ana")
    db.session.commit()
    assert deliver_posts() == {"sent": 2, "failed": 0}
    assert deliver_posts() == {"sent": 0, "failed": 0}
    english, chinese = sorted(_posted(httpserver), key=lambda p: p["title"].isascii(), reverse=True)
    assert english["title"] == "New request: Laptop for Ana from Sales"
    assert "Sales asked for “Laptop for Ana” under “Laptop for a new hire”" in english["message"]
    assert "/handoffs/" in english["message"] and "/rate/" not in english["message"]
    assert "Laptop for Ana" in chinese["title"] and not chinese["title"].isascii()


def test_alerts_reach_the_channel_once_each(world, httpserver):
    _add(world, httpserver)
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    requester = factories.make_user(department=world.consumer)
    handoff = create_handoff(requester, world.commitment.id, world.consumer.code, "Laptop for Ana")
    db.session.commit()
    start = handoff.requested_at
    for hours in (6.1, 7, 8.1, 9):
        alert_due(start + timedelta(hours=hours))
    db.session.commit()
    assert deliver_posts() == {"sent": 3, "failed": 0}
    assert [p["title"] for p in _posted(httpserver)] == [
        "New request: Laptop for Ana from Sales", "Due soon: Laptop for Ana for Sales",
        "Overdue: Laptop for Ana for Sales"]


def test_a_refused_post_is_tried_again_after_a_backoff(world, httpserver):
    _add(world, httpserver)
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_response(Response("busy", status=503))
    requester = factories.make_user(department=world.consumer)
    create_handoff(requester, world.commitment.id, world.consumer.code, "Laptop for Ana")
    db.session.commit()
    assert deliver_posts() == {"sent": 0, "failed": 1}
    post = db.session.scalars(select(ChannelPost)).one()
    assert (post.status, post.attempts) == ("queued", 1) and "503" in post.last_error
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    assert deliver_posts() == {"sent": 0, "failed": 0}  # not before the backoff
    assert deliver_posts(now=post.next_attempt_at + timedelta(seconds=1)) == {"sent": 1, "failed": 0}
    assert len(httpserver.log) == 2


def test_a_request_dated_days_back_is_not_news(world, httpserver):
    _add(world, httpserver)
    requester = factories.make_user(department=world.consumer)
    create_handoff(requester, world.commitment.id, world.consumer.code, "Old laptop",
                   requested_at=utcnow() - timedelta(days=2, hours=12))
    create_handoff(requester, world.commitment.id, world.consumer.code, "New laptop")
    db.session.commit()
    assert [p.title for p in db.session.scalars(select(ChannelPost))] == ["New request: New laptop from Sales"]
