"""users.message_settings: which messages each person gets, and where

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 21:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy of the table, which other tables' foreign keys refer to).
    op.add_column('users', sa.Column('message_settings', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('users', 'message_settings')
