"""Rating rules: who rates, when, what is valid, one row per rater, and the inbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from tests import factories
from tracker.extensions import db
from tracker.models import Rating, RatingReason

GOOD = {"satisfaction": 4, "collaboration": 5}


def _delivered(world, days_ago: float = 1):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                     requested_at=datetime.now(UTC) - timedelta(days=days_ago + 2),
                                     delivered_at=datetime.now(UTC) - timedelta(days=days_ago))
    db.session.commit()
    return handoff


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Rating))


def test_first_rating_is_201_and_a_change_is_200(client, login_as, world):
    handoff = _delivered(world)
    login_as("employee", department=world.consumer)
    first = client.put(f"/api/v1/handoffs/{handoff.id}/rating", json=GOOD)
    assert first.status_code == 201, first.json
    again = client.put(f"/api/v1/handoffs/{handoff.id}/rating", json={"satisfaction": 2, "collaboration": 3})
    assert again.status_code == 200
    assert (again.json["satisfaction"], _count()) == (2, 1)


def test_get_returns_own_rating_or_404(client, login_as, world):
    handoff = _delivered(world)
    login_as("employee", department=world.consumer)
    assert client.get(f"/api/v1/handoffs/{handoff.id}/rating").status_code == 404
    client.put(f"/api/v1/handoffs/{handoff.id}/rating", json={**GOOD, "comment": "Quick and friendly"})
    assert client.get(f"/api/v1/handoffs/{handoff.id}/rating").json["comment"] == "Quick and friendly"


@pytest.mark.parametrize("value", [0, 6, -1, 4.5, "5", True, None, 2**63])
def test_scores_must_be_integers_from_1_to_5(client, login_as, world, value):
    handoff = _delivered(world)
    login_as("employee", department=world.consumer)
    response = client.put(f"/api/v1/handoffs/{handoff.id}/rating", json={"satisfaction": value, "collaboration": 3})
    assert response.status_code == 422
    assert "satisfaction" in response.json["errors"]["json"]
    assert _count() == 0


def test_overlong_comment_and_nul_are_refused(client, login_as, world):
    handoff = _delivered(world)
    login_as("employee", department=world.consumer)
    long = client.put(f"/api/v1/handoffs/{handoff.id}/rating", json={**GOOD, "comment": "x" * 2001})
    nul = client.put(f"/api/v1/handoffs/{handoff.id}/rating", json={**GOOD, "comment": "a\x00b"})
    assert (long.status_code, nul.status_code, _count()) == (422, 422, 0)


def test_unknown_reason_and_rater_field_are_refused(client, login_as, world):
    handoff = _delivered(world)
    login_as("employee", department=world.consumer)
    response = client.put(f"/api/v1/handoffs/{handoff.id}/rating",
                          json={"satisfaction": 1, "collaboration": 1, "reasons": ["bad-vibes"], "rater_id": 1})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"reasons", "rater_id"}


def test_reasons_are_kept_for_low_scores_only(client, login_as, world):
    low, high = _delivered(world), _delivered(world)
    login_as("employee", department=world.consumer)
    client.put(f"/api/v1/handoffs/{low.id}/rating", json={"satisfaction": 2, "collaboration": 4, "reasons": ["late"]})
    client.put(f"/api/v1/handoffs/{high.id}/rating", json={**GOOD, "reasons": ["late"]})
    tags = db.session.execute(select(Rating.handoff_id, RatingReason.tag).join(RatingReason)).all()
    assert tags == [(low.id, "late")]


def test_changing_a_rating_replaces_its_reasons(client, login_as, world):
    handoff = _delivered(world)
    login_as("employee", department=world.consumer)
    url = f"/api/v1/handoffs/{handoff.id}/rating"
    client.put(url, json={"satisfaction": 1, "collaboration": 1, "reasons": ["late", "attitude"]})
    body = client.put(url, json={"satisfaction": 1, "collaboration": 2, "reasons": ["late", "not-informed"]}).json
    assert body["reasons"] == ["late", "not-informed"]


def test_other_department_may_not_rate(client, login_as, world):
    handoff = _delivered(world)
    login_as("lead", department=world.other)
    assert client.put(f"/api/v1/handoffs/{handoff.id}/rating", json=GOOD).status_code == 404
    assert _count() == 0


def test_provider_may_not_rate_its_own_handoff(client, login_as, world):
    handoff = _delivered(world)
    login_as("lead", department=world.provider)
    assert client.put(f"/api/v1/handoffs/{handoff.id}/rating", json=GOOD).status_code == 403
    assert _count() == 0


def test_open_handoff_cannot_be_rated(client, login_as, world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    db.session.commit()
    login_as("employee", department=world.consumer)
    assert client.put(f"/api/v1/handoffs/{handoff.id}/rating", json=GOOD).status_code == 409


def test_rating_window_closes(client, login_as, world, app):
    handoff = _delivered(world, days_ago=app.config["RATING_WINDOW_DAYS"] + 1)
    login_as("employee", department=world.consumer)
    assert client.put(f"/api/v1/handoffs/{handoff.id}/rating", json=GOOD).status_code == 409
    assert _count() == 0


def test_inbox_lists_what_i_may_still_rate(client, login_as, world, app):
    fresh = _delivered(world)
    _delivered(world, days_ago=app.config["RATING_WINDOW_DAYS"] + 1)
    rated = _delivered(world)
    user = login_as("employee", department=world.consumer)
    factories.make_rating(handoff=rated, rater=user)
    db.session.commit()
    assert [h["id"] for h in client.get("/api/v1/ratings/inbox").json] == [fresh.id]


def test_inbox_is_on_the_home_page(client, login_as, world):
    handoff = _delivered(world)
    login_as("employee", department=world.consumer)
    page = client.get("/").get_data(as_text=True)
    assert f'href="/handoffs/{handoff.id}/rate"' in page, page[page.find('<main'):page.find('</main')]


def test_my_ratings_lists_only_my_own(client, login_as, world):
    handoff = _delivered(world)
    factories.make_rating(handoff=handoff)
    me = login_as("employee", department=world.consumer)
    factories.make_rating(handoff=handoff, rater=me, satisfaction=3)
    db.session.commit()
    assert [r["satisfaction"] for r in client.get("/api/v1/ratings/mine").json] == [3]


def _raw_insert(handoff, rater_id, satisfaction):
    db.session.execute(text(
        "INSERT INTO ratings (handoff_id, rater_id, rater_key, provider_id, consumer_id, satisfaction, "
        "collaboration, created_at, updated_at) VALUES (:h, :r, :r, :p, :c, :s, 4, :t, :t)"),
        {"h": handoff.id, "r": rater_id, "p": handoff.provider_id, "c": handoff.consumer_id, "s": satisfaction,
         "t": datetime.now(UTC).replace(tzinfo=None)})


def test_database_refuses_a_score_of_6(app, world):
    handoff = _delivered(world)
    rater = factories.make_user(department=world.consumer)
    with pytest.raises(IntegrityError):
        _raw_insert(handoff, rater.id, 6)
    db.session.rollback()


def test_database_refuses_a_second_row_per_rater(app, world):
    rating = factories.make_rating(handoff=_delivered(world))
    db.session.commit()
    with pytest.raises(IntegrityError):
        _raw_insert(rating.handoff, rating.rater_id, 3)
    db.session.rollback()


def test_rating_form_preselects_nothing_and_saves(client, login_as, world):
    handoff = _delivered(world)
    login_as("employee", department=world.consumer)
    page = client.get(f"/handoffs/{handoff.id}/rate").get_data(as_text=True)
    assert "checked" not in page
    response = client.post(f"/handoffs/{handoff.id}/rate",
                           data={"satisfaction": "2", "collaboration": "4", "reasons": ["late"], "comment": ""})
    assert response.status_code == 302
    assert db.session.scalars(select(RatingReason.tag)).all() == ["late"]


def test_rating_form_without_scores_shows_errors(client, login_as, world):
    handoff = _delivered(world)
    login_as("employee", department=world.consumer)
    response = client.post(f"/handoffs/{handoff.id}/rate", data={"comment": "hi"})
    assert response.status_code == 422
    assert "Choose a score from 1 to 5." in response.get_data(as_text=True)
    assert _count() == 0


def test_a_refused_rating_page_shows_the_service_message_in_the_readers_language(client, login_as, world):
    handoff = _delivered(world)
    login_as("lead", department=world.provider)
    page = client.get(f"/handoffs/{handoff.id}/rate", headers={"Accept-Language": "zh"})
    assert page.status_code == 403
    assert "只有接收方部门的成员可以评价此交接事项。" in page.get_data(as_text=True)
