"""A rating may be changed until its month is released, and never after: released numbers stay as they were."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import factories
from tracker.errors import Conflict
from tracker.extensions import db
from tracker.metrics.periods import company_zone
from tracker.metrics.releases import release_time
from tracker.ratings import services


def _rated_on_the_last_day_of_march(world):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                     requested_at=datetime(2026, 3, 25, 4, tzinfo=UTC),
                                     delivered_at=datetime(2026, 3, 28, 4, tzinfo=UTC))
    rater = factories.make_user(department=world.consumer)
    rating = factories.make_rating(handoff=handoff, rater=rater, satisfaction=2, collaboration=2,
                                   created_at=datetime(2026, 3, 30, 4, tzinfo=UTC))
    db.session.commit()
    return handoff, rater, rating


def test_a_rating_changes_until_its_month_is_released_and_is_refused_after(app, world):
    handoff, rater, rating = _rated_on_the_last_day_of_march(world)
    lock = release_time("month", datetime(2026, 3, 1).date())
    assert lock.astimezone(company_zone()).date() == datetime(2026, 4, 1).date()  # just after March closes
    assert services.changeable_until(handoff, rating) == lock  # before the window's close
    changed, created = services.rate(rater, handoff.id, 4, 4, now=datetime(2026, 3, 31, 4, tzinfo=UTC))
    assert (changed.satisfaction, created) == (4, False)
    db.session.commit()
    with pytest.raises(Conflict, match="2026-03"):
        services.rate(rater, handoff.id, 1, 1, now=lock)
    db.session.rollback()
    assert db.session.get(type(rating), rating.id).satisfaction == 4
    assert not services.may_change(rater, rating, now=lock)


def test_the_rating_form_says_until_when_and_refuses_a_released_rating(app, client, auth, world):
    handoff, rater, rating = _rated_on_the_last_day_of_march(world)
    app.config["RATING_WINDOW_DAYS"] = 3650  # the window is open: the release alone refuses the change
    auth.login(rater)
    response = client.put(f"/api/v1/handoffs/{handoff.id}/rating", json={"satisfaction": 5, "collaboration": 5})
    assert response.status_code == 409
    assert "2026-03" in response.json["message"] and "no longer be changed" in response.json["message"]
    assert db.session.get(type(rating), rating.id).satisfaction == 2
    assert client.get(f"/handoffs/{handoff.id}/rate").status_code == 409
    fresh = factories.make_handoff(commitment=world.commitment, consumer=world.consumer)
    fresh.delivered_at = datetime.now(UTC)
    fresh.status = "delivered"
    db.session.commit()
    page = client.get(f"/handoffs/{fresh.id}/rate").get_data(as_text=True)
    assert "published with its month" in page
