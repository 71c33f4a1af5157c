"""metric releases: each closed period's numbers, decided once and never changed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 12:00:00

The tables start empty: closed periods are released by `flask --app wsgi metrics release` or on
their first read.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_KIND = "period_kind IN ('week', 'month', 'quarter')"
_SUMS = ("n", "sat_sum", "sat_sq", "sat_good", "col_sum", "col_sq")


def upgrade():
    op.create_table('metric_releases',
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(_KIND, name=op.f('ck_metric_releases_period_kind_valid')),
    sa.CheckConstraint('k >= 1', name=op.f('ck_metric_releases_k_valid')),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', name=op.f('pk_metric_releases'))
    )
    op.create_table('metric_release_values',
    *(sa.Column(name, sa.Integer(), nullable=False) for name in _SUMS),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('consumer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('raters', sa.Integer(), nullable=False),
    sa.CheckConstraint(_KIND, name=op.f('ck_metric_release_values_period_kind_valid')),
    sa.CheckConstraint("status IN ('shown', 'few', 'protected')", name=op.f('ck_metric_release_values_status_valid')),
    sa.CheckConstraint("status = 'shown' OR (n = 0 AND raters = 0)",
                       name=op.f('ck_metric_release_values_withheld_has_no_counts')),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'provider_id', 'consumer_id',
                            name=op.f('pk_metric_release_values'))
    )
    op.create_index('ix_metric_release_values_scope', 'metric_release_values',
                    ['provider_id', 'consumer_id', 'period_kind', 'period_start'], unique=False)
    op.create_table('metric_release_tags',
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('raters', sa.Integer(), nullable=False),
    sa.CheckConstraint(_KIND, name=op.f('ck_metric_release_tags_period_kind_valid')),
    sa.CheckConstraint('n > 0 AND raters > 0', name=op.f('ck_metric_release_tags_counts_valid')),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'provider_id', 'tag', name=op.f('pk_metric_release_tags'))
    )


def downgrade():
    op.drop_table('metric_release_tags')
    op.drop_index('ix_metric_release_values_scope', table_name='metric_release_values')
    op.drop_table('metric_release_values')
    op.drop_table('metric_releases')
