"""metrics rollups

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('metric_periods',
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('consumer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('raters', sa.Integer(), nullable=False),
    sa.Column('sat_sum', sa.Integer(), nullable=False),
    sa.Column('sat_sq', sa.Integer(), nullable=False),
    sa.Column('sat_good', sa.Integer(), nullable=False),
    sa.Column('col_sum', sa.Integer(), nullable=False),
    sa.Column('col_sq', sa.Integer(), nullable=False),
    sa.CheckConstraint("period_kind IN ('week', 'month', 'quarter')", name=op.f('ck_metric_periods_period_kind_valid')),
    sa.CheckConstraint('n >= 0 AND raters >= 0 AND raters <= n', name=op.f('ck_metric_periods_counts_valid')),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'provider_id', 'consumer_id', name=op.f('pk_metric_periods'))
    )
    op.create_index('ix_metric_periods_scope', 'metric_periods', ['provider_id', 'consumer_id', 'period_kind', 'period_start'], unique=False)
    op.create_table('metric_period_raters',
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('consumer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('rater_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.CheckConstraint("period_kind IN ('week', 'month', 'quarter')", name=op.f('ck_metric_period_raters_period_kind_valid')),
    sa.CheckConstraint('n > 0', name=op.f('ck_metric_period_raters_n_positive')),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'provider_id', 'consumer_id', 'rater_key', name=op.f('pk_metric_period_raters'))
    )


def downgrade():
    op.drop_table('metric_period_raters')
    op.drop_index('ix_metric_periods_scope', table_name='metric_periods')
    op.drop_table('metric_periods')
