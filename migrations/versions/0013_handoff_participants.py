"""handoff_participants: colleagues of the requester named on a handoff, asked to rate it too

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 22:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('handoff_participants',
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_handoff_participants_handoff_id_handoffs'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_handoff_participants_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('handoff_id', 'user_id', name=op.f('pk_handoff_participants'))
    )
    with op.batch_alter_table('handoff_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_participants_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('handoff_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_participants_user_id'))
    op.drop_table('handoff_participants')
