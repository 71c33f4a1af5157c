"""metric hidden periods: the differencing rule's decisions, kept on every rating write

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 06:00:00

On an empty database the decisions are complete at once (nothing is withheld), so the state row
is written for the configured k. A database that already holds ratings gets its decisions from
`flask --app wsgi metrics rebuild`; until then dashboards derive them on every request.
"""
import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('metric_hidden_periods',
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('consumer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.CheckConstraint("period_kind IN ('week', 'month', 'quarter')",
                       name=op.f('ck_metric_hidden_periods_period_kind_valid')),
    sa.PrimaryKeyConstraint('period_kind', 'period_start', 'provider_id', 'consumer_id',
                            name=op.f('pk_metric_hidden_periods'))
    )
    op.create_index('ix_metric_atoms_scope', 'metric_atoms', ['provider_id', 'consumer_id', 'week_start'],
                    unique=False)
    op.create_index('ix_metric_hidden_periods_scope', 'metric_hidden_periods',
                    ['provider_id', 'consumer_id', 'period_kind', 'period_start'], unique=False)
    state = op.create_table('metric_hidden_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('k', sa.Integer(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_metric_hidden_state_single_row')),
    sa.CheckConstraint('k >= 1', name=op.f('ck_metric_hidden_state_k_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_hidden_state'))
    )
    empty = op.get_bind().execute(sa.text("SELECT 1 FROM ratings LIMIT 1")).first() is None
    if empty and has_app_context():
        op.bulk_insert(state, [{"id": 1, "k": int(current_app.config["CONFIDENTIALITY_K"])}])


def downgrade():
    op.drop_table('metric_hidden_state')
    op.drop_index('ix_metric_hidden_periods_scope', table_name='metric_hidden_periods')
    op.drop_table('metric_hidden_periods')
    op.drop_index('ix_metric_atoms_scope', table_name='metric_atoms')
