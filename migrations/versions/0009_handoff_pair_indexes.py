"""the pairs with handoffs of each release, and covering indexes of handoffs' times and pairs

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:00:00

The matrix asks which pairs had handoffs requested or delivered in a period: a release records
them (metric_release_pairs, metric_releases.pairs_recorded); for an open period, and a release
made before this revision, two range reads of the new indexes answer instead of a pass over every
handoff.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('metric_release_pairs',
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('consumer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.CheckConstraint("period_kind IN ('week', 'month', 'quarter')",
                       name=op.f('ck_metric_release_pairs_period_kind_valid')),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'provider_id', 'consumer_id',
                            name=op.f('pk_metric_release_pairs'))
    )
    op.add_column('metric_releases', sa.Column('pairs_recorded', sa.Boolean(), server_default=sa.false(),
                                               nullable=False))
    op.create_index('ix_handoffs_requested_pair', 'handoffs', ['requested_at', 'provider_id', 'consumer_id'],
                    unique=False)
    op.create_index('ix_handoffs_delivered_pair', 'handoffs', ['delivered_at', 'provider_id', 'consumer_id'],
                    unique=False)


def downgrade():
    op.drop_column('metric_releases', 'pairs_recorded')
    op.drop_table('metric_release_pairs')
    op.drop_index('ix_handoffs_delivered_pair', table_name='handoffs')
    op.drop_index('ix_handoffs_requested_pair', table_name='handoffs')
