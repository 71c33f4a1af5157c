"""No page, JSON or CSV of handoffs and ratings shows who rated, to anyone but the rater."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import update

from tests import factories
from tracker.extensions import db
from tracker.metrics.ranges import finished_starts
from tracker.metrics.rollups import bulk_rating_writes
from tracker.models import Rating

MARKER = "Qxv7marker"
COMMENT = "The laptop arrived with the wrong keyboard layout"


def _rated_world(app, client, auth, world):
    """k raters (one of them the marker) rate handoffs of IT; the ratings are moved into the last whole quarter."""
    now = datetime.now(UTC)
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer, title="Laptop for Ana",
                                     requested_at=now - timedelta(days=3), delivered_at=now - timedelta(days=1))
    rater = factories.make_user(department=world.consumer, display_name=f"Rater {MARKER}",
                                email=f"{MARKER.lower()}@example.test")
    for _i in range(app.config["CONFIDENTIALITY_K"] - 1):
        factories.make_rating(handoff=handoff, rater=factories.make_user(department=world.consumer), satisfaction=3)
    db.session.commit()
    auth.login(rater)
    response = client.put(f"/api/v1/handoffs/{handoff.id}/rating",
                          json={"satisfaction": 2, "collaboration": 2, "reasons": ["late"], "comment": COMMENT})
    assert response.status_code == 201
    auth.logout()
    _move_into_last_quarter()
    return handoff


def _move_into_last_quarter() -> None:
    """Every rating moves to the middle of the last finished quarter; the rollups follow."""
    middle = datetime.combine(finished_starts("quarter", 1)[0], time(4), tzinfo=UTC) + timedelta(days=20)
    with bulk_rating_writes():
        db.session.execute(update(Rating).values(created_at=middle, updated_at=middle))
    db.session.commit()


def _urls(handoff) -> list[str]:
    h = handoff.id
    return [
        "/", "/handoffs", "/handoffs?status=delivered", f"/handoffs/{h}", "/ratings/delivered",
        "/ratings/delivered?provider=IT", "/handoffs/export.csv", "/ratings/inbox", "/ratings/mine",
        f"/handoffs/{h}/rate", "/api/v1/handoffs", f"/api/v1/handoffs/{h}", f"/api/v1/handoffs/{h}/rating",
        "/api/v1/ratings/inbox", "/api/v1/ratings/mine",
    ]


def test_nobody_else_sees_the_rater(app, client, auth, login_as, world):
    handoff = _rated_world(app, client, auth, world)
    viewers = [("lead", world.provider), ("leadership", factories.make_department(code="EXEC")), ("admin", None),
               ("employee", world.consumer)]
    seen = {}
    for role, department in viewers:
        login_as(role, department=department)
        for url in _urls(handoff):
            body = client.get(url).get_data(as_text=True)
            seen[(role, url)] = body.lower().count(MARKER.lower())
        auth.logout()
    assert {key: n for key, n in seen.items() if n} == {}


def test_provider_sees_the_comment_without_name_once_k_raters_stand_behind_it(app, client, auth, login_as, world):
    handoff = _rated_world(app, client, auth, world)
    assert handoff.id
    login_as("lead", department=world.provider)
    page = client.get("/ratings/delivered").get_data(as_text=True)
    assert COMMENT in page
    assert MARKER.lower() not in page.lower()


def test_fewer_than_k_raters_are_not_listed_as_a_consumer_without_ratings_is_not(app, client, login_as, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                     delivered_at=datetime.now(UTC) - timedelta(days=1))
    for _i in range(app.config["CONFIDENTIALITY_K"] - 1):
        factories.make_rating(handoff=handoff, comment="only a few of us")
    _move_into_last_quarter()
    login_as("lead", department=world.provider)
    page = client.get("/ratings/delivered").get_data(as_text=True)
    assert "No consumer has enough ratings to be shown for this quarter." in page
    assert "only a few of us" not in page and f'data-consumer="{world.consumer.code}"' not in page
