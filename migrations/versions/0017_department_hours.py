"""department_hours: the business calendar of a department's people, for quiet hours

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 00:39:46

Mail and chat posts to a department's people wait for its working time; without a row here
they wait for the company's working week.
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('department_hours',
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['business_calendars.id'], name=op.f('fk_department_hours_calendar_id_business_calendars'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_department_hours_department_id_departments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('department_id', name=op.f('pk_department_hours'))
    )
    with op.batch_alter_table('department_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_hours_calendar_id'), ['calendar_id'], unique=False)



def downgrade():
    with op.batch_alter_table('department_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_hours_calendar_id'))

    op.drop_table('department_hours')
