"""messages: the outbox of what is sent to people, and each person's messages in the app

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 20:21:31

A message is written in the transaction of the change that causes it (a delivered handoff asks
its consumer to rate) and sent by the worker; with no mail server it is kept for the app alone.
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('action_url', sa.String(length=2000), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mail_status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.CheckConstraint("kind IN ('rating_request')", name=op.f('ck_messages_kind_valid')),
    sa.CheckConstraint("mail_status IN ('kept', 'queued', 'sending', 'sent', 'failed')",
                       name=op.f('ck_messages_mail_status_valid')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_messages_attempts_not_negative')),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_messages_handoff_id_handoffs'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_messages_recipient_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('key', name=op.f('uq_messages_key')),
    sa.UniqueConstraint('message_id', name=op.f('uq_messages_message_id'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_due', ['mail_status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_handoff_id'), ['handoff_id'], unique=False)
        batch_op.create_index('ix_messages_recipient_created', ['recipient_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_recipient_created')
        batch_op.drop_index(batch_op.f('ix_messages_handoff_id'))
        batch_op.drop_index('ix_messages_due')

    op.drop_table('messages')
