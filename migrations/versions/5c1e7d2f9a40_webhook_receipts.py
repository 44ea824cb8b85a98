"""webhook receipts (replayed Twilio calls are ignored) and sign-in throttles per address

Revision ID: 5c1e7d2f9a40
Revises: 39bfda889642
Create Date: 2026-12-05 16:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '5c1e7d2f9a40'
down_revision = '39bfda889642'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhook_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_receipt')),
    sa.UniqueConstraint('kind', 'key', name='uq_webhook_receipt_kind_key')
    )
    with op.batch_alter_table('webhook_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_receipt_received_at'), ['received_at'], unique=False)

    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )


def downgrade():
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('webhook_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_receipt_received_at'))

    op.drop_table('webhook_receipt')
