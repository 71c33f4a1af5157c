"""SQLite under concurrent writers: 8 processes x 500 writes through the API, 0 "database is locked"."""

from __future__ import annotations

import logging
import multiprocessing
import time

from sqlalchemy import func, select

from tests import factories
from tests.databases import make_app
from tracker.auth import services as auth_services
from tracker.extensions import db
from tracker.models import ApiToken

PROCESSES = 8
WRITES = 500


class _LockErrors(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        text = str(record.exc_info[1]) if record.exc_info else record.getMessage()
        if "database is locked" in text:
            self.count += 1


def _writer(url: str, secret: str, writes: int) -> tuple[int, int, int]:
    """In a fresh process: `writes` token creations over the API; (created, failed, lock errors)."""
    app = make_app(url)
    locks = _LockErrors()
    logging.getLogger("tracker.errors").addHandler(locks)
    created = failed = 0
    with app.app_context():
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        for n in range(writes):
            response = client.post("/api/v1/tokens", json={"name": f"w{n}"}, headers=headers)
            if response.status_code == 201:
                created += 1
            else:
                failed += 1
        db.engine.dispose()
    return created, failed, locks.count


def test_eight_processes_write_without_lock_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 'concurrent.sqlite'}"
    app = make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        secrets = []
        for _ in range(PROCESSES):
            user = factories.make_user()
            secrets.append(auth_services.create_token(user, name="writer")[1])
        db.session.commit()
        db.engine.dispose()

    started = time.monotonic()
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        results = pool.starmap(_writer, [(url, secret, WRITES) for secret in secrets])
    elapsed = time.monotonic() - started

    created = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    locked = sum(r[2] for r in results)
    assert (locked, failed) == (0, 0), f"{locked} lock errors, {failed} failed writes in {elapsed:.1f} s"
    assert created == PROCESSES * WRITES
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(ApiToken))
        db.engine.dispose()
    assert stored == PROCESSES * WRITES + PROCESSES
