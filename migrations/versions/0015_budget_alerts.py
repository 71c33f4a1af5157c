"""error-budget alerts: messages and chat posts of the kinds budget_fast and budget_slow

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 00:20:00

Only check constraints change. messages and channel_posts are referred to by no other table, so
the batch copy SQLite needs to change a constraint deletes nothing.
"""
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

MESSAGES = "'rating_request', 'rating_reminder', 'due_soon', 'overdue'"
POSTS = "'new_request', 'due_soon', 'overdue'"
BUDGET = ", 'budget_fast', 'budget_slow'"


def _kinds(table: str, kinds: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_kind_valid'), type_='check')
        batch_op.create_check_constraint(op.f(f'ck_{table}_kind_valid'), f"kind IN ({kinds})")


def upgrade():
    _kinds('messages', MESSAGES + BUDGET)
    _kinds('channel_posts', POSTS + BUDGET)


def downgrade():
    op.execute("DELETE FROM messages WHERE kind IN ('budget_fast', 'budget_slow')")
    op.execute("DELETE FROM channel_posts WHERE kind IN ('budget_fast', 'budget_slow')")
    _kinds('messages', MESSAGES)
    _kinds('channel_posts', POSTS)
