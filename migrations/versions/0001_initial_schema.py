"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 01:04:02.446999

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('business_calendars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('weekdays', sa.JSON(), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.Column('country', sa.String(length=8), nullable=True),
    sa.Column('subdivision', sa.String(length=16), nullable=True),
    sa.Column('closures', sa.JSON(), nullable=False),
    sa.Column('extra_working_days', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(name) between 1 and 100', name=op.f('ck_business_calendars_name_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_calendars')),
    sa.UniqueConstraint('name', name=op.f('uq_business_calendars_name'))
    )
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_zh', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(code) between 1 and 16', name=op.f('ck_departments_code_length')),
    sa.CheckConstraint('length(name) between 1 and 200', name=op.f('ck_departments_name_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('code', name=op.f('uq_departments_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=16), server_default='employee', nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("locale IS NULL OR locale IN ('en', 'zh')", name=op.f('ck_users_locale_valid')),
    sa.CheckConstraint("role IN ('employee', 'lead', 'leadership', 'admin')", name=op.f('ck_users_role_valid')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.CheckConstraint('length(email) between 3 and 254', name=op.f('ck_users_email_length')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_users_department_id_departments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_department_id'), ['department_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('scopes', sa.String(length=200), server_default='read write', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(name) between 1 and 100', name=op.f('ck_api_tokens_name_length')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target_type', sa.String(length=64), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_events_target', ['target_type', 'target_id'], unique=False)

    op.create_table('auth_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_auth_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_auth_sessions_token_hash'))
    )
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('service_commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='draft', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'published', 'retired')", name=op.f('ck_service_commitments_status_valid')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_service_commitments_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['provider_id'], ['departments.id'], name=op.f('fk_service_commitments_provider_id_departments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_commitments'))
    )
    with op.batch_alter_table('service_commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_commitments_provider_id'), ['provider_id'], unique=False)

    op.create_table('commitment_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('needs_from_consumer', sa.Text(), server_default='', nullable=False),
    sa.Column('all_consumers', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('target_amount', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('target_unit', sa.String(length=16), nullable=False),
    sa.Column('attainment_target', sa.Numeric(precision=5, scale=4), nullable=False),
    sa.Column('satisfaction_target', sa.Numeric(precision=3, scale=2), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('review_cadence', sa.String(length=16), server_default='month', nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("review_cadence IN ('week', 'month', 'quarter')", name=op.f('ck_commitment_versions_review_cadence_valid')),
    sa.CheckConstraint("target_unit IN ('business_hours', 'business_days', 'calendar_hours')", name=op.f('ck_commitment_versions_target_unit_valid')),
    sa.CheckConstraint('attainment_target > 0 AND attainment_target < 1', name=op.f('ck_commitment_versions_attainment_target_range')),
    sa.CheckConstraint('length(title) between 1 and 200', name=op.f('ck_commitment_versions_title_length')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_commitment_versions_number_positive')),
    sa.CheckConstraint('satisfaction_target >= 1 AND satisfaction_target <= 5', name=op.f('ck_commitment_versions_satisfaction_target_range')),
    sa.CheckConstraint('target_amount > 0', name=op.f('ck_commitment_versions_target_amount_positive')),
    sa.ForeignKeyConstraint(['calendar_id'], ['business_calendars.id'], name=op.f('fk_commitment_versions_calendar_id_business_calendars'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['commitment_id'], ['service_commitments.id'], name=op.f('fk_commitment_versions_commitment_id_service_commitments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_commitment_versions_owner_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_commitment_versions_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_versions')),
    sa.UniqueConstraint('commitment_id', 'number', name=op.f('uq_commitment_versions_commitment_id_number'))
    )
    with op.batch_alter_table('commitment_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_versions_calendar_id'), ['calendar_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_versions_commitment_id'), ['commitment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitment_versions_owner_id'), ['owner_id'], unique=False)

    op.create_table('commitment_consumers',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_commitment_consumers_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['version_id'], ['commitment_versions.id'], name=op.f('fk_commitment_consumers_version_id_commitment_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'department_id', name=op.f('pk_commitment_consumers'))
    )
    with op.batch_alter_table('commitment_consumers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_consumers_department_id'), ['department_id'], unique=False)

    op.create_table('handoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_version_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('consumer_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('external_source', sa.String(length=64), nullable=True),
    sa.Column('external_ref', sa.String(length=128), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='open', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name=op.f('ck_handoffs_cancelled_status')),
    sa.CheckConstraint("(status = 'delivered') = (delivered_at IS NOT NULL)", name=op.f('ck_handoffs_delivered_status')),
    sa.CheckConstraint("status IN ('open', 'paused', 'delivered', 'cancelled')", name=op.f('ck_handoffs_status_valid')),
    sa.CheckConstraint('(external_source IS NULL) = (external_ref IS NULL)', name=op.f('ck_handoffs_external_pair')),
    sa.CheckConstraint('delivered_at IS NULL OR delivered_at >= requested_at', name=op.f('ck_handoffs_delivered_after_request')),
    sa.CheckConstraint('length(title) between 1 and 300', name=op.f('ck_handoffs_title_length')),
    sa.CheckConstraint('provider_id <> consumer_id', name=op.f('ck_handoffs_provider_not_consumer')),
    sa.ForeignKeyConstraint(['commitment_version_id'], ['commitment_versions.id'], name=op.f('fk_handoffs_commitment_version_id_commitment_versions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['consumer_id'], ['departments.id'], name=op.f('fk_handoffs_consumer_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['provider_id'], ['departments.id'], name=op.f('fk_handoffs_provider_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_handoffs_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoffs')),
    sa.UniqueConstraint('external_source', 'external_ref', name=op.f('uq_handoffs_external_source_external_ref'))
    )
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoffs_commitment_version_id'), ['commitment_version_id'], unique=False)
        batch_op.create_index('ix_handoffs_consumer_delivered', ['consumer_id', 'delivered_at'], unique=False)
        batch_op.create_index('ix_handoffs_provider_consumer', ['provider_id', 'consumer_id'], unique=False)

    op.create_table('handoff_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'pause') = (reason IS NOT NULL)", name=op.f('ck_handoff_events_pause_has_reason')),
    sa.CheckConstraint("kind IN ('request', 'pause', 'resume', 'deliver', 'reopen', 'cancel')", name=op.f('ck_handoff_events_kind_valid')),
    sa.CheckConstraint("reason IS NULL OR reason IN ('waiting_on_consumer', 'waiting_on_third_party')", name=op.f('ck_handoff_events_reason_valid')),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_handoff_events_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_handoff_events_handoff_id_handoffs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_events'))
    )
    with op.batch_alter_table('handoff_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_events_handoff_id'), ['handoff_id'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handoff_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=True),
    sa.Column('rater_key', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('consumer_id', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.SmallInteger(), nullable=False),
    sa.Column('collaboration', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('collaboration BETWEEN 1 AND 5', name=op.f('ck_ratings_collaboration_range')),
    sa.CheckConstraint('comment IS NULL OR length(comment) <= 2000', name=op.f('ck_ratings_comment_length')),
    sa.CheckConstraint('satisfaction BETWEEN 1 AND 5', name=op.f('ck_ratings_satisfaction_range')),
    sa.ForeignKeyConstraint(['consumer_id'], ['departments.id'], name=op.f('fk_ratings_consumer_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_ratings_handoff_id_handoffs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['departments.id'], name=op.f('fk_ratings_provider_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['rater_id'], ['users.id'], name=op.f('fk_ratings_rater_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('handoff_id', 'rater_id', name=op.f('uq_ratings_handoff_id_rater_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_handoff_id'), ['handoff_id'], unique=False)
        batch_op.create_index('ix_ratings_pair_created', ['provider_id', 'consumer_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_rater_id'), ['rater_id'], unique=False)

    op.create_table('rating_reasons',
    sa.Column('rating_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.CheckConstraint("tag IN ('unclear-responsibility', 'late', 'incomplete-or-wrong', 'not-informed', 'hard-to-reach', 'process-too-complex', 'tooling-or-system', 'attitude')", name=op.f('ck_rating_reasons_tag_valid')),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], name=op.f('fk_rating_reasons_rating_id_ratings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rating_id', 'tag', name=op.f('pk_rating_reasons'))
    )
    


def downgrade():
    
    op.drop_table('rating_reasons')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_rater_id'))
        batch_op.drop_index('ix_ratings_pair_created')
        batch_op.drop_index(batch_op.f('ix_ratings_handoff_id'))

    op.drop_table('ratings')
    with op.batch_alter_table('handoff_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_events_handoff_id'))

    op.drop_table('handoff_events')
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index('ix_handoffs_provider_consumer')
        batch_op.drop_index('ix_handoffs_consumer_delivered')
        batch_op.drop_index(batch_op.f('ix_handoffs_commitment_version_id'))

    op.drop_table('handoffs')
    with op.batch_alter_table('commitment_consumers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_consumers_department_id'))

    op.drop_table('commitment_consumers')
    with op.batch_alter_table('commitment_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_versions_owner_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_versions_commitment_id'))
        batch_op.drop_index(batch_op.f('ix_commitment_versions_calendar_id'))

    op.drop_table('commitment_versions')
    with op.batch_alter_table('service_commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_commitments_provider_id'))

    op.drop_table('service_commitments')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_sessions_user_id'))

    op.drop_table('auth_sessions')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_target')
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_department_id'))

    op.drop_table('users')
    op.drop_table('departments')
    op.drop_table('business_calendars')
    
