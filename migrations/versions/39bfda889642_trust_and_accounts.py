"""trust and accounts: verified specialists and licences, one-time links, sessions, second factors

Revision ID: 39bfda889642
Revises: e7ab4c013d84
Create Date: 2026-12-05 09:11:07.838510
"""

import sqlalchemy as sa
from alembic import op

revision = '39bfda889642'
down_revision = 'e7ab4c013d84'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_token_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_account_token_token_hash'))
    )
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.create_index('ix_account_token_account_purpose', ['account_id', 'purpose'], unique=False)

    op.create_table('passkey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=512), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sign_count', sa.Integer(), nullable=False),
    sa.Column('transports', sa.String(length=200), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_passkey_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passkey')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_passkey_credential_id'))
    )
    with op.batch_alter_table('passkey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_passkey_account_id'), ['account_id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_recovery_code_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_account_id'), ['account_id'], unique=False)

    op.create_table('sign_in_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.Column('second_factor', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_sign_in_session_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_session_token_hash'))
    )
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_session_account_id'), ['account_id'], unique=False)

    op.create_table('totp_credential',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_step', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_totp_credential_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_totp_credential'))
    )
    op.create_table('specialist_licence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('specialist_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=10), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('expiry_warned_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['specialist_id'], ['specialist_profile.account_id'], name=op.f('fk_specialist_licence_specialist_id_specialist_profile'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['account.id'], name=op.f('fk_specialist_licence_verified_by_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_specialist_licence'))
    )
    with op.batch_alter_table('specialist_licence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_specialist_licence_specialist_id'), ['specialist_id'], unique=False)

    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True))
    # Accounts made before addresses were verified keep working: they count as verified.
    # Specialists, by contrast, start "pending" until an admin checks their licences.
    op.execute("UPDATE account SET email_verified_at = created_at")

    with op.batch_alter_table('specialist_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification', sa.String(length=20), server_default='pending', nullable=False))
        batch_op.add_column(sa.Column('verification_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('verification_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('verification_changed_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_specialist_profile_verification'), ['verification'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_specialist_profile_verification_changed_by_id_account'), 'account', ['verification_changed_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('specialist_profile', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_specialist_profile_verification_changed_by_id_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_specialist_profile_verification'))
        batch_op.drop_column('verification_changed_by_id')
        batch_op.drop_column('verification_changed_at')
        batch_op.drop_column('verification_reason')
        batch_op.drop_column('verification')

    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('email_verified_at')

    with op.batch_alter_table('specialist_licence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_specialist_licence_specialist_id'))

    op.drop_table('specialist_licence')
    op.drop_table('totp_credential')
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_session_account_id'))

    op.drop_table('sign_in_session')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_account_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('passkey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_passkey_account_id'))

    op.drop_table('passkey')
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_index('ix_account_token_account_purpose')

    op.drop_table('account_token')
