"""The real worker process: a commit that queued mail wakes it, and kill -9 mid-batch loses nothing."""

from __future__ import annotations

import time
from collections import Counter

from sqlalchemy import func, insert, select

from tests import factories
from tests.live import Worker
from tracker.extensions import db
from tracker.handoffs.services import change_state, create_handoff
from tracker.messages.models import Message
from tracker.types import utcnow

BATCH = 240


def _queued(recipient, count: int) -> None:
    """`count` queued messages, written as the outbox writes them (one INSERT, for speed)."""
    now = utcnow()
    db.session.execute(insert(Message), [
        {"key": f"test:{n}", "kind": "rating_request", "recipient_id": recipient.id, "locale": "en",
         "subject": f"Message {n}", "body_text": f"Text {n}", "body_html": f"<p>HTML {n}</p>",
         "message_id": f"<test.{n}@tracker.test>", "created_at": now, "mail_status": "queued", "attempts": 0}
        for n in range(count)])
    db.session.commit()


def _wait(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_worker_sends_what_a_commit_queued_and_survives_kill_9(make_app, database_url, mail_server, tmp_path):
    jobs = str(tmp_path / "jobs.sqlite")
    make_app(MAIL_URL=mail_server.url, JOBS_PATH=jobs, JOBS_ENQUEUE=True, REDIS_URL=None)
    env = {"TRACKER_MAIL_URL": mail_server.url, "TRACKER_JOBS_PATH": jobs, "TRACKER_REDIS_URL": "",
           "TRACKER_MAIL_LEASE_SECONDS": "1", "TRACKER_MAIL_BATCH_SIZE": "20", "TRACKER_INSTANCE_DIR": str(tmp_path)}
    log = tmp_path / "worker.log"
    worker = Worker(database_url, env, log).start()
    try:
        # A delivery commits its request; the commit wakes the worker, which mails it within seconds.
        world = factories.make_handoff_world()
        requester = factories.make_user(department=world.consumer, email="ana@example.test")
        provider = factories.make_user(department=world.provider)
        handoff = create_handoff(requester, world.commitment.id, world.consumer.code, "Laptop for Ana")
        change_state(provider, handoff.id, "deliver")
        db.session.commit()
        assert mail_server.received.wait_for(1, timeout=30) == 1, log.read_text()
        assert "Laptop for Ana" in mail_server.received.to("ana@example.test")[0]["Subject"]

        # Now a long batch, on a slow server, and kill -9 in the middle of it.
        mail_server.received.clear()
        mail_server.received.delay = 0.02
        _queued(requester, BATCH)
        from tracker.jobs import wake_mail

        wake_mail()
        assert mail_server.received.wait_for(BATCH // 3, timeout=60) >= BATCH // 3, log.read_text()
        worker.kill()
        arrived_before = len(mail_server.received.messages)
        assert arrived_before < BATCH, "the batch finished before the kill: make it longer"
        time.sleep(1.5)  # the dead worker's claim (MAIL_LEASE_SECONDS=1) runs out
        worker = Worker(database_url, env, log).start()  # a worker starts with a sweep: no wake-up needed
        mail_server.received.delay = 0.0
        assert _wait(lambda: len({m["Message-ID"] for _, m in mail_server.received.messages}) >= BATCH, 60), (
            log.read_text())
    finally:
        worker.stop()
    ids = Counter(m["Message-ID"] for _, m in mail_server.received.messages)
    assert len(ids) == BATCH  # nothing lost (and nothing invented)
    assert sum(n - 1 for n in ids.values()) <= 1  # at most the message in flight came twice, same Message-ID
    db.session.expire_all()
    statuses = dict(db.session.execute(select(Message.mail_status, func.count()).group_by(Message.mail_status)).all())
    assert statuses == {"sent": BATCH + 1}
