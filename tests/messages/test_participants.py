"""Participants named on a handoff are asked to rate it with its requester; who else may rate is a setting."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tracker.errors import Forbidden
from tracker.extensions import db
from tracker.handoffs.services import change_state, create_handoff
from tracker.messages.models import Message
from tracker.models import Handoff
from tracker.ratings import services as ratings


def _delivered(world, requester, participants=()):
    handoff = create_handoff(requester, world.commitment.id, world.consumer.code, "Laptop for Ana",
                             participants=[p.email for p in participants])
    change_state(factories.make_user(department=world.provider), handoff.id, "deliver")
    db.session.commit()
    return handoff


def test_participants_are_asked_with_the_requester(world):
    requester, colleague, bystander = (factories.make_user(department=world.consumer) for _ in range(3))
    handoff = _delivered(world, requester, [colleague, requester])
    asked = set(db.session.scalars(select(Message.recipient_id).where(Message.handoff_id == handoff.id)))
    assert asked == {requester.id, colleague.id}
    assert bystander.id not in asked


def test_someone_outside_the_consumer_cannot_be_named(world, client, login_as):
    login_as("employee", department=world.consumer)
    outsider = factories.make_user(department=world.other, email="out@example.test")
    db.session.commit()
    response = client.post("/api/v1/handoffs", json={"commitment": world.commitment.id, "consumer": "SALES",
                                                     "title": "x", "participants": [outsider.email]})
    assert response.status_code == 422
    assert "out@example.test" in response.json["errors"]["json"]["participants"][0]
    response = client.post("/api/v1/handoffs", json={"commitment": world.commitment.id, "consumer": "SALES",
                                                     "title": "x", "participants": ["not an email"]})
    assert response.status_code == 422 and "participants" in response.json["errors"]["json"]


def test_the_request_form_takes_colleagues_emails_and_names_a_wrong_one(world, client, login_as):
    login_as("employee", department=world.consumer)
    colleague = factories.make_user(department=world.consumer, display_name="Colleague Ana")
    db.session.commit()
    assert "Colleague Ana" not in client.get("/handoffs").get_data(as_text=True)  # nobody is listed
    refused = client.post("/handoffs", data={"commitment": world.commitment.id, "title": "Two laptops",
                                             "participants": "nobody@example.test"})
    assert refused.status_code == 422 and "nobody@example.test" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Handoff).where(Handoff.title == "Two laptops")) is None
    response = client.post("/handoffs", data={"commitment": world.commitment.id, "title": "Two laptops",
                                              "participants": f" {colleague.email.upper()}, "})
    assert response.status_code == 302
    created = db.session.scalar(select(Handoff).where(Handoff.title == "Two laptops"))
    assert [p.id for p in created.participants] == [colleague.id]


@pytest.mark.parametrize("rating_by", ["department", "asked"])
def test_who_else_may_rate_is_a_setting(world, app, rating_by):
    app.config["RATING_BY"] = rating_by
    requester, colleague, bystander = (factories.make_user(department=world.consumer) for _ in range(3))
    handoff = _delivered(world, requester, [colleague])
    for person in (requester, colleague):
        assert ratings.may_rate(person, handoff)
    inbox = set(db.session.scalars(ratings.inbox_query(bystander)))
    if rating_by == "department":
        assert ratings.may_rate(bystander, handoff) and handoff in inbox
    else:
        assert not ratings.may_rate(bystander, handoff) and handoff not in inbox
        with pytest.raises(Forbidden):
            ratings.rate(bystander, handoff.id, 4, 4)
