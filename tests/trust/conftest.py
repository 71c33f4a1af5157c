"""Fixtures for the trust tests: fresh databases and apps built with particular settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests import databases
from tests.databases import empty_all_tables
from tracker.extensions import db


@pytest.fixture
def fresh_database_url(backend, database_url, tmp_path) -> Iterator[str]:
    """An empty database of the test's backend, made for this test alone and dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    server = sa.make_url(database_url)
    name = f"tracker_fresh_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def make_app(database_url):
    """Build an app on the shared test database with some settings changed; tables start empty."""
    made = []

    def _make(**overrides):
        app = databases.make_app(database_url, **overrides)
        context = app.app_context()
        context.push()
        empty_all_tables()
        made.append(context)
        return app

    yield _make
    for context in reversed(made):
        db.session.remove()
        db.engine.dispose()
        context.pop()
