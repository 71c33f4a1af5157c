"""drop the write-time differencing decisions: releases decide, once per closed period

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 18:30:00

A rating write no longer decides what may be shown, so metric_hidden_periods, metric_hidden_state
and the per-atom counts (metric_atoms) go, and metric_atom_raters keeps pair rows only (the
release rule reads pairs; a department's or the company's atoms are unions of them). A downgrade
recreates the tables and refills the atom rows; the decisions of 0005 are then derived on each
request until `flask --app wsgi metrics rebuild` stores them again.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_KIND = "period_kind IN ('week', 'month', 'quarter')"


def upgrade():
    op.drop_table('metric_hidden_state')
    op.drop_index('ix_metric_hidden_periods_scope', table_name='metric_hidden_periods')
    op.drop_table('metric_hidden_periods')
    op.drop_index('ix_metric_atoms_scope', table_name='metric_atoms')
    op.drop_table('metric_atoms')
    op.execute("DELETE FROM metric_atom_raters WHERE provider_id = 0 OR consumer_id = 0")


def downgrade():
    op.create_table('metric_atoms',
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('month_start', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('consumer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('raters', sa.Integer(), nullable=False),
    sa.CheckConstraint('raters >= 0', name=op.f('ck_metric_atoms_raters_valid')),
    sa.PrimaryKeyConstraint('week_start', 'month_start', 'provider_id', 'consumer_id', name=op.f('pk_metric_atoms'))
    )
    op.create_index('ix_metric_atoms_scope', 'metric_atoms', ['provider_id', 'consumer_id', 'week_start'],
                    unique=False)
    op.create_table('metric_hidden_periods',
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('consumer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.CheckConstraint(_KIND, name=op.f('ck_metric_hidden_periods_period_kind_valid')),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'provider_id', 'consumer_id',
                            name=op.f('pk_metric_hidden_periods'))
    )
    op.create_index('ix_metric_hidden_periods_scope', 'metric_hidden_periods',
                    ['provider_id', 'consumer_id', 'period_kind', 'period_start'], unique=False)
    op.create_table('metric_hidden_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_metric_hidden_state_single_row')),
    sa.CheckConstraint('k >= 1', name=op.f('ck_metric_hidden_state_k_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_hidden_state'))
    )
    columns = "provider_id, consumer_id, week_start, month_start"
    for provider, consumer in (("provider_id", "0"), ("0", "consumer_id"), ("0", "0")):
        keys = ", ".join([*(c for c in (provider, consumer) if c != "0"), "week_start", "month_start"])
        op.execute(f"INSERT INTO metric_atom_raters ({columns}, rater_key, n) "
                   f"SELECT {provider}, {consumer}, week_start, month_start, rater_key, SUM(n) "
                   "FROM metric_atom_raters WHERE provider_id > 0 AND consumer_id > 0 "
                   f"GROUP BY {keys}, rater_key")
    op.execute(f"INSERT INTO metric_atoms ({columns}, raters) "
               f"SELECT {columns}, COUNT(*) FROM metric_atom_raters GROUP BY {columns}")
