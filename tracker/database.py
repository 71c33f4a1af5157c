"""Engine set-up: SQLite pragmas on every connection, and how SQLite transactions begin."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000

# Requests that may write (POST, PUT, PATCH, DELETE) begin their SQLite transactions
# IMMEDIATE, so a read-then-write transaction waits for the lock up front instead of failing
# with "database is locked" when it upgrades; reads (and single-writer CLI work) begin
# deferred so that readers run side by side.
read_only_transaction: ContextVar[bool] = ContextVar("read_only_transaction", default=True)


def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    # busy_timeout first: switching to WAL itself may wait for another connection.
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()
    # Let SQLAlchemy's "begin" listener below decide how transactions start.
    dbapi_connection.isolation_level = None


def _sqlite_on_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN" if read_only_transaction.get() else "BEGIN IMMEDIATE")


def configure_engine(engine: Engine) -> None:
    """Attach the per-connection settings that the engine's dialect needs."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)


def init_database(app: Flask) -> None:
    """Bind the engine listeners and mark read-only requests."""
    with app.app_context():
        configure_engine(db.engine)

    @app.before_request
    def _mark_read_only() -> None:
        from flask import request

        read_only_transaction.set(request.method in ("GET", "HEAD", "OPTIONS"))


def get_for_update(model, ident):
    """Load a row to check its state before writing, locked until the transaction ends.

    On PostgreSQL this is SELECT ... FOR NO KEY UPDATE: a concurrent request that checks the
    same row waits until this one commits and then sees what it wrote, so of N identical
    transitions one succeeds and the others find the new state (409). It is the lock the UPDATE
    itself takes, so rows that merely refer to this one (a rating of a handoff, a sign-in
    session of a person) are still inserted meanwhile. SQLite leaves the clause out; there a
    writing request already holds the database from its first statement (BEGIN IMMEDIATE).
    A copy of the row loaded earlier in the request is refreshed, never trusted.
    """
    return db.session.get(model, ident, with_for_update={"key_share": True}, populate_existing=True)


def database_state() -> str:
    """How the database answers: "ok", "unreachable", or "read_only" when it refuses writes.

    The write probe is an UPDATE that matches no row of alembic_version (present in every
    migrated database, meaningless to the app), rolled back at once: SQLite opened read-only and
    a PostgreSQL standby or read-only transaction refuse it before looking for rows.
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from tracker.errors import database_unavailable

    probes = (("unreachable", "SELECT 1"),
              ("read_only", "UPDATE alembic_version SET version_num = version_num WHERE 1 = 0"))
    for failing, statement in probes:
        try:
            db.session.execute(text(statement))
        except DBAPIError as exc:
            rollback_quietly()
            if database_unavailable(exc):
                return failing
            raise
    rollback_quietly()
    return "ok"


def rollback_quietly() -> None:
    """Roll the session back, when its connection may already be gone."""
    from sqlalchemy.exc import DBAPIError

    with contextlib.suppress(DBAPIError):  # the connection is gone; the pool discards it
        db.session.rollback()
