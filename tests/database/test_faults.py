"""A crash under load loses no acknowledged rating and leaves the database and its rollups whole.

Many raters rate their own delivered handoffs through gunicorn; after about two seconds
of load the whole server is killed with SIGKILL, as a power cut or an OOM kill would. After a
restart every rating the server acknowledged (2xx) is stored with the acknowledged scores, the
rollups equal a rebuild from the ratings (the rating and its rollups are one transaction), and on
SQLite `PRAGMA integrity_check` answers ok.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests import factories
from tests.live import LiveServer, put_json
from tests.metrics.rollup_checks import brute_force, rollup_state
from tracker.auth.services import create_token
from tracker.extensions import db
from tracker.models import Rating

REQUESTS = 400
THREADS = 8
TIME_LIMIT = 20.0
KILL_AFTER = 2.0


def _raters_with_handoffs(count: int) -> list[tuple[int, str, int, int]]:
    """(handoff id, bearer secret, satisfaction, collaboration) for `count` raters, each with a handoff."""
    providers = [factories.make_department(code=f"P{i}") for i in range(4)]
    consumers = [factories.make_department(code=f"C{i}") for i in range(4)]
    commitments = [factories.make_commitment(provider=p) for p in providers]
    delivered = datetime.now(UTC) - timedelta(hours=2)
    plan = []
    for n in range(count):
        consumer = consumers[n % len(consumers)]
        handoff = factories.make_handoff(commitments[n % len(commitments)], consumer=consumer,
                                         requested_at=delivered - timedelta(days=1), delivered_at=delivered)
        rater = factories.make_user(department=consumer)
        _token, secret = create_token(rater)
        plan.append((handoff.id, secret, n % 5 + 1, (n * 3) % 5 + 1))
    db.session.commit()
    return plan


@pytest.mark.server
def test_kill_9_under_rating_load_keeps_every_acknowledged_rating(app, database_url, backend):
    plan = _raters_with_handoffs(REQUESTS)
    server = LiveServer(database_url, workers=2).start()
    acknowledged: dict[int, tuple[int, int]] = {}
    unanswered = 0
    started = time.monotonic()
    first_answer = threading.Event()

    def submit(item) -> None:
        nonlocal unanswered
        handoff_id, secret, satisfaction, collaboration = item
        if time.monotonic() - started > TIME_LIMIT:
            return
        status = put_json(f"{server.url}/api/v1/handoffs/{handoff_id}/rating", secret,
                          {"satisfaction": satisfaction, "collaboration": collaboration})
        if status is not None and 200 <= status < 300:
            acknowledged[handoff_id] = (satisfaction, collaboration)
            first_answer.set()
        elif status is None:
            unanswered += 1

    def crash() -> None:
        first_answer.wait(TIME_LIMIT)
        time.sleep(KILL_AFTER)
        server.kill()

    killer = threading.Thread(target=crash)
    killer.start()
    try:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(submit, plan))
    finally:
        killer.join()
        server.stop()
    print(f"{backend}: {len(acknowledged)} acknowledged, {unanswered} unanswered when the server was killed")
    # The crash happened in the middle of the load, not before it or after it.
    assert acknowledged and unanswered, (len(acknowledged), unanswered)

    restarted = LiveServer(database_url, workers=2).start()
    try:
        db.session.commit()
        stored = {r.handoff_id: (r.satisfaction, r.collaboration)
                  for r in db.session.scalars(select(Rating).where(Rating.handoff_id.in_(acknowledged)))}
        assert stored == acknowledged
        # The server answers again, from the same data.
        secret = next(secret for handoff_id, secret, _, _ in plan if handoff_id in acknowledged)
        handoff_id = next(handoff_id for handoff_id, s, _, _ in plan if s == secret)
        with urllib.request.urlopen(urllib.request.Request(  # noqa: S310 - loopback test server
                f"{restarted.url}/api/v1/handoffs/{handoff_id}/rating",
                headers={"Authorization": f"Bearer {secret}"}), timeout=10) as response:
            assert json.load(response)["satisfaction"] == acknowledged[handoff_id][0]
    finally:
        restarted.stop()
    assert rollup_state() == brute_force(ZoneInfo(app.config["COMPANY_TIMEZONE"]))
    if backend == "sqlite":
        assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
