"""rating reminders, and the provider's alerts: a handoff due soon (handoffs.warn_at) and overdue

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 21:40:00

handoffs.warn_at is when 75 % of a handoff's business-time target has passed: the minute sweep
works it out when first needed (rows written before this revision, bulk imports) and the model
forgets it whenever the due time moves.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _kinds(kinds: str) -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_messages_kind_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_messages_kind_valid'), f"kind IN ({kinds})")


def upgrade():
    _kinds("'rating_request', 'rating_reminder', 'due_soon', 'overdue'")
    # A plain ADD COLUMN: a batch copy of handoffs would drop the table, and on SQLite with foreign
    # keys on, dropping it deletes every rating and event that refers to it.
    op.add_column('handoffs', sa.Column('warn_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column('handoffs', 'warn_at')
    op.execute("DELETE FROM messages WHERE kind <> 'rating_request'")
    _kinds("'rating_request'")
