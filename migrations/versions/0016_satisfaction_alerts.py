"""satisfaction alerts: messages of the kind satisfaction_drop

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 00:30:00

Only a check constraint changes; messages is referred to by no other table, so SQLite's batch
copy deletes nothing.
"""
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

KINDS = "'rating_request', 'rating_reminder', 'due_soon', 'overdue', 'budget_fast', 'budget_slow'"


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_messages_kind_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_messages_kind_valid'), f"kind IN ({kinds})")


def upgrade():
    _kinds(KINDS + ", 'satisfaction_drop'")


def downgrade():
    op.execute("DELETE FROM messages WHERE kind = 'satisfaction_drop'")
    _kinds(KINDS)
