"""Messages per second from the outbox to an SMTP server through the worker, beside a bare smtplib loop.

Run from the repository root: `python bench/mail.py` (SQLite and PostgreSQL) or with
`--databases sqlite`. For each database it writes --count rating requests into the outbox of an
empty database (the first hundred rendered by the tracker from real handoffs, the rest copies of
them under their own keys and Message-IDs, so every mail has a real request's size), starts
`flask --app wsgi worker` on it, wakes it, and times from the wake-up to the last message the
SMTP server accepted. In the same run a bare `smtplib` loop sends the same messages, built the
same way, to the same server over one connection: the reference (it builds nothing while timed).

The SMTP server is aiosmtpd on 127.0.0.1 in this process, accepting every message; both senders
pay for it alike. Prints: database, messages, seconds, messages per second, the bare loop's
rate, and the worker's share of it.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.dashboards import DEFAULT_PG, database_urls, machine  # noqa: E402

RENDERED = 100  # requests rendered by the tracker; the rest are copies of them


def _fill_outbox(url: str, count: int, mail_url: str, jobs: str) -> list:
    """An empty, migrated database with `count` queued rating requests; returns their rows."""
    from flask_migrate import upgrade

    from tests import factories
    from tests.databases import empty_all_tables
    from tracker import create_app
    from tracker.config import TestingConfig
    from tracker.extensions import db
    from tracker.handoffs.services import change_state, create_handoff
    from tracker.messages.models import Message

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI, config.MAIL_URL, config.JOBS_PATH = url, mail_url, jobs
    app = create_app(config)
    with app.app_context():
        upgrade()
        empty_all_tables()
        world = factories.make_handoff_world()
        provider = factories.make_user(department=world.provider)
        for n in range(min(RENDERED, count)):
            person = factories.make_user(department=world.consumer, email=f"rater{n}@bench.test",
                                         locale="zh" if n % 2 else "en")
            handoff = create_handoff(person, world.commitment.id, world.consumer.code, f"Bench handoff {n}")
            change_state(provider, handoff.id, "deliver")
        db.session.commit()
        columns = [c.name for c in Message.__table__.c if c.name != "id"]
        rendered = [dict(zip(columns, row, strict=True)) for row in db.session.execute(
            sa.select(*(Message.__table__.c[c] for c in columns)).order_by(Message.id))]
        copies = []
        for n in range(len(rendered), count):
            row = dict(rendered[n % len(rendered)])
            row["key"], row["message_id"] = f"bench:{n}", f"<bench.{n}@tracker.test>"
            copies.append(row)
        for start in range(0, len(copies), 2000):
            db.session.execute(sa.insert(Message), copies[start:start + 2000])
        # Held back until the worker is up and idle; _time_worker queues them all at once.
        db.session.execute(sa.update(Message).values(mail_status="kept"))
        db.session.commit()
        mails = _as_mail(app)
        db.engine.dispose()
    return mails


def _as_mail(app) -> list:
    from tracker.extensions import db
    from tracker.messages.mail import email_of
    from tracker.messages.models import Message

    with app.test_request_context():
        return [email_of(m, m.recipient) for m in db.session.scalars(sa.select(Message).order_by(Message.id))]


def _time_worker(url: str, server, count: int, jobs: str, tmp: str) -> float:
    from tests.live import Worker
    from tracker import create_app
    from tracker.config import TestingConfig
    from tracker.extensions import db
    from tracker.jobs import wake_mail
    from tracker.messages.models import Message

    env = {"TRACKER_MAIL_URL": server.url, "TRACKER_JOBS_PATH": jobs, "TRACKER_REDIS_URL": "",
           "TRACKER_INSTANCE_DIR": tmp, "TRACKER_LOG_LEVEL": "WARNING"}
    worker = Worker(url, env, Path(tmp) / "worker.log").start()
    try:
        time.sleep(3)  # the worker is up and idle: its start-up sweep found nothing queued
        server.received.clear()
        config = TestingConfig()
        config.SQLALCHEMY_DATABASE_URI, config.MAIL_URL, config.JOBS_PATH = url, server.url, jobs
        began = time.perf_counter()
        with create_app(config).app_context():
            db.session.execute(sa.update(Message).values(mail_status="queued"))
            db.session.commit()
            wake_mail()
            db.engine.dispose()
        arrived = server.received.wait_for(count, timeout=600)
        seconds = time.perf_counter() - began
    finally:
        worker.stop()
    if arrived < count:
        raise SystemExit(f"only {arrived} of {count} messages arrived; see {tmp}/worker.log")
    return seconds


def _time_bare(server, mails: list) -> float:
    server.received.clear()
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", server.port, timeout=30) as smtp:
        for sender, recipient, data in mails:
            smtp.sendmail(sender, [recipient], data)
    seconds = time.perf_counter() - began
    assert server.received.wait_for(len(mails), timeout=60) >= len(mails)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="rating requests to send")
    parser.add_argument("--pg-url", default=DEFAULT_PG.replace("tracker_bench_large", "tracker_bench_mail"))
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    from tests.mailserver import MailServer

    os.environ.setdefault("TRACKER_LOG_LEVEL", "WARNING")
    server = MailServer().start()
    rows, notes = [], machine()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for database, url in database_urls(args.databases, f"{scratch}/mail.sqlite", args.pg_url, notes):
                tmp = Path(scratch, database)
                tmp.mkdir()
                jobs = f"{tmp}/jobs.sqlite"
                mails = _fill_outbox(url, args.count, server.url, jobs)
                worker_seconds = _time_worker(url, server, args.count, jobs, str(tmp))
                bare_seconds = _time_bare(server, mails)
                rows.append((database, args.count, worker_seconds, bare_seconds))
    finally:
        server.stop()
    print(f"{'database':<10} {'messages':>8} {'worker s':>8} {'worker/s':>9} {'bare/s':>8} {'share':>6}")
    for database, count, worker_seconds, bare_seconds in rows:
        worker_rate, bare_rate = count / worker_seconds, count / bare_seconds
        print(f"{database:<10} {count:8d} {worker_seconds:8.1f} {worker_rate:9.0f} {bare_rate:8.0f} "
              f"{worker_rate / bare_rate:6.2f}")
    for note in notes:
        print(f"# {note}")
    return 0 if rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
