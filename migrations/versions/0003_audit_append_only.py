"""audit events are append-only

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 12:00:00

Database triggers refuse every UPDATE and DELETE of a row in audit_events, whoever sends it:
the application, a script or someone at a SQL prompt with the application's credentials.
The refusal is an integrity error (SQLite RAISE(ABORT), PostgreSQL SQLSTATE 23000).

Consequences to know:
- A user with audit events cannot be deleted (the foreign key's ON DELETE SET NULL would update
  the events); people are erased instead, which keeps the row and removes the personal data.
- Test fixtures that empty the database use TRUNCATE on PostgreSQL, which fires no row
  triggers; on SQLite they drop the triggers, delete and re-create them from sqlite_master
  inside the same transaction (tests/conftest.py empty_all_tables).
- TRUNCATE and DROP are not refused: grant the application's database role neither on
  audit_events in production.
- On SQLite, a later batch migration that recreates audit_events drops these triggers; such a
  migration must create them again.
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

MESSAGE = "audit_events is append-only"


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        raise NotImplementedError(f"no append-only triggers for {dialect}")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
