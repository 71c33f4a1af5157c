"""The test databases: one migrated database per backend and test process, emptied between tests.

The database comes from the environment: every test that uses `app` runs on SQLite and, when
TRACKER_TEST_DATABASE_URL names a PostgreSQL server (or TRACKER_REQUIRE_POSTGRES=1, set by CI,
asks for one), again on PostgreSQL. A PostgreSQL that was asked for and cannot be reached fails
the run: its half of the tests is never silently left out.

tests/conftest.py turns these into fixtures; tests that build an app of their own (a fresh file,
a module-wide seed) import from here, never from the conftest.
"""

from __future__ import annotations

import contextvars
import os
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from tracker import create_app
from tracker.config import TestingConfig
from tracker.extensions import db

PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")
REQUIRE_PG = os.environ.get("TRACKER_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"] if PG_URL or REQUIRE_PG else ["sqlite"]


def _worker_suffix() -> str:
    # The process id keeps two test runs on one machine (two checkouts, say) apart.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


def drop_pg_database(url: str) -> None:
    parsed = sa.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _fresh_pg_database(base_url: str, name: str) -> str:
    """Create (or recreate) a database for this test worker and return its URL."""
    url = sa.make_url(base_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


class Backend:
    """One migrated database per backend and test worker, emptied between tests."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.url: str | None = None
        self.error: str | None = None
        self.tmpdir = tempfile.mkdtemp(prefix=f"tracker-test-{name}-")

    def prepare(self) -> str:
        if self.url or self.error:
            if self.error:
                _unavailable(self.error)
            return self.url
        if self.name == "sqlite":
            url = f"sqlite:///{Path(self.tmpdir) / 'test.sqlite'}"
        else:
            if not PG_URL:
                self.error = "TRACKER_TEST_DATABASE_URL is not set"
                _unavailable(self.error)
            base = sa.make_url(PG_URL).database or "tracker_test"
            try:
                url = _fresh_pg_database(PG_URL, f"{base}_{_worker_suffix()}")
            except sa.exc.OperationalError as exc:
                self.error = f"PostgreSQL is not reachable at {PG_URL}: {exc.orig}"
                _unavailable(self.error)
        app = make_app(url)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        self.url = url
        return url


def _unavailable(reason: str) -> None:
    pytest.fail(f"PostgreSQL was asked for but {reason}", pytrace=False)


BACKEND_STATES: dict[str, Backend] = {}


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as on a real server.

    Flask reuses an app context that is already pushed (the fixtures push one for the
    factories); then `g`, the signed-in user and the database session would leak from one
    request into the next and into the test.
    """

    def open(self, *args, **kwargs):
        # End the test's own transaction so that it neither holds a SQLite snapshot older
        # than the request's writes nor keeps uncommitted rows from the request.
        db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


class IsolatedCliRunner(FlaskCliRunner):
    """A CLI runner whose commands run in their own app context, as from a shell."""

    def invoke(self, *args, **kwargs):
        db.session.commit()
        return contextvars.Context().run(super().invoke, *args, **kwargs)


def make_app(url: str, **overrides):
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    config.WTF_CSRF_ENABLED = overrides.pop("WTF_CSRF_ENABLED", False)
    for key, value in overrides.items():
        setattr(config, key, value)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.test_cli_runner_class = IsolatedCliRunner
    return app


def empty_all_tables() -> None:
    """Remove every row, children first, keeping the migrated schema."""
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # DELETE, not TRUNCATE: on a few rows it is some thirty times faster (TRUNCATE makes new
        # files for every table). The replica role sets the triggers aside for this transaction
        # (the append-only guard, and the foreign keys, which do not matter when all rows go).
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += [f'DELETE FROM "{table.name}"' for table in tables]
        statements += [f'ALTER SEQUENCE "{name}" RESTART' for name in _pg_sequences()]
        db.session.execute(sa.text("; ".join(statements)))
    else:
        # Triggers such as the append-only guard of audit_events refuse these deletes: set them
        # aside and put them back, as written in sqlite_master, within the same transaction.
        triggers = db.session.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _sql in triggers:
            db.session.execute(sa.text(f'DROP TRIGGER "{name}"'))
        for table in tables:
            # Every table empties at once, rollups included: plain SQL, past the rollups' guard.
            db.session.execute(sa.text(f'DELETE FROM "{table.name}"'))
        for _name, sql in triggers:
            db.session.execute(sa.text(sql))
    db.session.commit()


_SEQUENCES: list[str] = []


def _pg_sequences() -> list[str]:
    """The identity sequences of the migrated schema (the same for every test of a process)."""
    if not _SEQUENCES:
        _SEQUENCES.extend(db.session.scalars(sa.text(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'")))
    return _SEQUENCES


def prepared_database_url(backend: str) -> str:
    """The URL of this test process's migrated database of a backend, made on first use."""
    return BACKEND_STATES.setdefault(backend, Backend(backend)).prepare()
