"""weekly digests: messages of the kind digest

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 01:00:00

Only a check constraint changes; messages is referred to by no other table, so SQLite's batch
copy deletes nothing.
"""
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

KINDS = ("'rating_request', 'rating_reminder', 'due_soon', 'overdue', 'budget_fast', 'budget_slow', "
         "'satisfaction_drop'")


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_messages_kind_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_messages_kind_valid'), f"kind IN ({kinds})")


def upgrade():
    _kinds(KINDS + ", 'digest'")


def downgrade():
    op.execute("DELETE FROM messages WHERE kind = 'digest'")
    _kinds(KINDS)
