"""users.password_set_by_admin: ratings of an account whose password an administrator set do not count towards k

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 19:00:00

Accounts that exist already are taken as their owners' own (their passwords were set before the
mark existed); the audit trail's user.create events tell which were created with a password.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy of the table, which other tables' foreign keys refer to).
    op.add_column('users', sa.Column('password_set_by_admin', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))


def downgrade():
    op.drop_column('users', 'password_set_by_admin')
