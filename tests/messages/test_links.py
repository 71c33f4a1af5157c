"""Rating links: opening one records nothing, submitting saves one rating for its recipient alone."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories
from tracker.extensions import db
from tracker.handoffs.services import change_state, create_handoff
from tracker.messages.models import Message
from tracker.models import Rating
from tracker.types import utcnow

SCORES = {"satisfaction": "4", "collaboration": "2", "reasons": ["late"], "comment": "Fine in the end"}


def _link(world, locale=None):
    requester = factories.make_user(department=world.consumer, locale=locale)
    worker = factories.make_user(department=world.provider)
    handoff = create_handoff(requester, world.commitment.id, world.consumer.code, "Laptop for Ana")
    change_state(worker, handoff.id, "deliver")
    db.session.commit()
    message = db.session.scalar(select(Message))
    return requester, handoff, message.action_url.removeprefix("http://127.0.0.1:5000")


def _ratings() -> int:
    return db.session.scalar(select(func.count()).select_from(Rating))


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_opening_shows_an_empty_form_and_records_nothing(world, client):
    _requester, _handoff, path = _link(world)
    for _ in range(3):  # a mail scanner, a preview, the person
        page = client.get(path)
        assert page.status_code == 200
        assert 'name="satisfaction"' in page.get_data(as_text=True)
        assert "checked" not in page.get_data(as_text=True)
    assert client.head(path).status_code == 200
    assert _ratings() == 0


def test_submitting_saves_one_rating_without_signing_in_and_a_replay_is_refused(csrf_app):
    client = csrf_app.test_client()
    world = factories.make_handoff_world()
    requester, handoff, path = _link(world, locale="zh")
    page = client.get(path).get_data(as_text=True)
    assert "评价" in page  # the recipient's language, though nobody is signed in
    saved = client.post(path, data={**SCORES, "csrf_token": _csrf(page)})
    assert saved.status_code == 200 and "谢谢" in saved.get_data(as_text=True)
    rating = db.session.scalar(select(Rating))
    assert (rating.rater_id, rating.handoff_id, rating.satisfaction, rating.collaboration) == (
        requester.id, handoff.id, 4, 2)
    assert rating.reason_tags == ["late"]
    replay = client.post(path, data={**SCORES, "satisfaction": "1", "csrf_token": _csrf(page)})
    assert replay.status_code == 409
    assert client.get(path).status_code == 409
    db.session.expire_all()
    assert _ratings() == 1 and db.session.scalar(select(Rating.satisfaction)) == 4
    # Still nobody is signed in: the link opened nothing else.
    assert client.get("/ratings/inbox").status_code == 302


def test_without_the_form_token_nothing_is_saved(csrf_app):
    client = csrf_app.test_client()
    _requester, _handoff, path = _link(factories.make_handoff_world())
    client.get(path)
    assert client.post(path, data=SCORES).status_code == 400
    assert _ratings() == 0


def test_a_tampered_link_is_refused(world, client):
    _requester, _handoff, path = _link(world)
    token = path.removeprefix("/rate/")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" * 40, token + "x"):
        response = client.get(f"/rate/{bad}")
        assert response.status_code == 404, bad
        assert "not valid" in response.get_data(as_text=True)
        assert client.post(f"/rate/{bad}", data=SCORES).status_code == 404
    assert _ratings() == 0


def test_someone_else_signed_in_cannot_use_the_link(world, client, auth):
    _requester, _handoff, path = _link(world)
    colleague = factories.make_user(department=world.consumer)
    db.session.commit()
    auth.login(colleague)
    response = client.get(path)
    assert response.status_code == 403 and "someone else" in response.get_data(as_text=True)
    assert client.post(path, data=SCORES).status_code == 403
    assert _ratings() == 0


def test_the_recipient_signed_in_may_use_it(world, client, auth):
    requester, _handoff, path = _link(world)
    auth.login(requester)
    assert client.post(path, data=SCORES).status_code == 200
    assert db.session.scalar(select(Rating.rater_id)) == requester.id


def test_a_link_expires_with_the_rating_window(world, client):
    _requester, handoff, path = _link(world)
    handoff.delivered_at = handoff.requested_at = utcnow() - timedelta(days=40)
    handoff.due_at = handoff.requested_at + timedelta(hours=8)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 410 and "closed" in response.get_data(as_text=True)
    assert client.post(path, data=SCORES).status_code == 410
    assert _ratings() == 0


def test_a_link_of_a_person_who_left_is_refused(world, client):
    requester, _handoff, path = _link(world)
    requester.active = False
    db.session.commit()
    assert client.get(path).status_code == 404
