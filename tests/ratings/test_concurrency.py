"""Fifty identical rating submits at once, through gunicorn with 4 workers: one row, no server error."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.live import live_server, put_json
from tracker.auth.services import create_token
from tracker.extensions import db
from tracker.models import Rating

SUBMITS = 50


BODY = {"satisfaction": 4, "collaboration": 3, "reasons": [], "comment": "fine"}


@pytest.mark.server
def test_concurrent_identical_submits_make_one_row(app, world, database_url):
    handoff = factories.make_handoff(commitment=world.commitment, consumer=world.consumer,
                                     delivered_at=datetime.now(UTC) - timedelta(hours=1))
    rater = factories.make_user(department=world.consumer)
    _token, secret = create_token(rater)
    db.session.commit()
    with live_server(database_url, workers=4) as server:
        url = f"{server.url}/api/v1/handoffs/{handoff.id}/rating"
        with ThreadPoolExecutor(max_workers=25) as pool:
            statuses = list(pool.map(lambda _i: put_json(url, secret, BODY, timeout=30), range(SUBMITS), timeout=120))
    db.session.commit()
    rows = db.session.scalar(select(func.count()).select_from(Rating).where(Rating.handoff_id == handoff.id))
    assert rows == 1
    assert [s for s in statuses if s >= 500] == []
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201, 409}
