"""busy calendars

Revision ID: e7ab4c013d84
Revises: d69a3fb02c73
Create Date: 2026-11-22 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = 'e7ab4c013d84'
down_revision = 'd69a3fb02c73'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('busy_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('etag', sa.String(length=512), nullable=True),
    sa.Column('last_modified', sa.String(length=64), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('succeeded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('covered_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_in_zone', sa.String(length=64), nullable=True),
    sa.Column('next_fetch_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['specialist_profile.account_id'], name=op.f('fk_busy_calendar_account_id_specialist_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_busy_calendar'))
    )
    with op.batch_alter_table('busy_calendar', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_busy_calendar_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_busy_calendar_next_fetch_at'), ['next_fetch_at'], unique=False)

    op.create_table('busy_interval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['specialist_profile.account_id'], name=op.f('fk_busy_interval_account_id_specialist_profile'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['calendar_id'], ['busy_calendar.id'], name=op.f('fk_busy_interval_calendar_id_busy_calendar'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_busy_interval'))
    )
    with op.batch_alter_table('busy_interval', schema=None) as batch_op:
        batch_op.create_index('ix_busy_interval_account_start', ['account_id', 'start'], unique=False)
        batch_op.create_index(batch_op.f('ix_busy_interval_calendar_id'), ['calendar_id'], unique=False)


def downgrade():
    with op.batch_alter_table('busy_interval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_busy_interval_calendar_id'))
        batch_op.drop_index('ix_busy_interval_account_start')

    op.drop_table('busy_interval')
    with op.batch_alter_table('busy_calendar', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_busy_calendar_next_fetch_at'))
        batch_op.drop_index(batch_op.f('ix_busy_calendar_account_id'))

    op.drop_table('busy_calendar')
