"""chat channels per department and the posts sent to them

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 23:10:16

chat_channels.address is an apprise URL holding the chat service's secret: read by the worker
only. chat_channels.shown is the same address with its secrets masked, for pages and the audit log.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chat_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('shown', sa.String(length=500), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("locale IN ('en', 'zh')", name=op.f('ck_chat_channels_locale_valid')),
    sa.CheckConstraint('length(label) between 1 and 100', name=op.f('ck_chat_channels_label_length')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_chat_channels_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_chat_channels_department_id_departments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_channels'))
    )
    with op.batch_alter_table('chat_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_channels_department_id'), ['department_id'], unique=False)

    op.create_table('channel_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.CheckConstraint("kind IN ('new_request', 'due_soon', 'overdue')", name=op.f('ck_channel_posts_kind_valid')),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name=op.f('ck_channel_posts_status_valid')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_channel_posts_attempts_not_negative')),
    sa.ForeignKeyConstraint(['channel_id'], ['chat_channels.id'], name=op.f('fk_channel_posts_channel_id_chat_channels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_channel_posts_handoff_id_handoffs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_posts')),
    sa.UniqueConstraint('key', name=op.f('uq_channel_posts_key'))
    )
    with op.batch_alter_table('channel_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_posts_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index('ix_channel_posts_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_posts_handoff_id'), ['handoff_id'], unique=False)



def downgrade():
    with op.batch_alter_table('channel_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_posts_handoff_id'))
        batch_op.drop_index('ix_channel_posts_due')
        batch_op.drop_index(batch_op.f('ix_channel_posts_channel_id'))

    op.drop_table('channel_posts')
    with op.batch_alter_table('chat_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_channels_department_id'))

    op.drop_table('chat_channels')
