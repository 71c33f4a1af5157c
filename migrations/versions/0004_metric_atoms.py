"""metric atoms: distinct raters per scope and part of an ISO week within one month

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:00:00

The tables start empty: fill them with `flask --app wsgi metrics rebuild` after upgrading a
database that already holds ratings.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('metric_atoms',
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('month_start', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('consumer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('raters', sa.Integer(), nullable=False),
    sa.CheckConstraint('raters >= 0', name=op.f('ck_metric_atoms_raters_valid')),
    sa.PrimaryKeyConstraint('week_start', 'month_start', 'provider_id', 'consumer_id', name=op.f('pk_metric_atoms'))
    )
    op.create_table('metric_atom_raters',
    sa.Column('provider_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('consumer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('month_start', sa.Date(), nullable=False),
    sa.Column('rater_key', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.CheckConstraint('n > 0', name=op.f('ck_metric_atom_raters_n_positive')),
    sa.PrimaryKeyConstraint('provider_id', 'consumer_id', 'week_start', 'month_start', 'rater_key',
                            name=op.f('pk_metric_atom_raters'))
    )


def downgrade():
    op.drop_table('metric_atom_raters')
    op.drop_table('metric_atoms')
