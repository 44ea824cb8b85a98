"""fee reductions: financial assistance requests, sponsor codes and their uses

Revision ID: 1a69d284a9a0
Revises: 3f9d1c7b5e24
Create Date: 2026-12-06 00:01:24.736279
"""

import sqlalchemy as sa
from alembic import op

revision = '1a69d284a9a0'
down_revision = '3f9d1c7b5e24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sponsor_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('sponsor_name', sa.String(length=120), nullable=False),
    sa.Column('percent_off', sa.Integer(), nullable=True),
    sa.Column('amount_off_cents', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(percent_off IS NULL) <> (amount_off_cents IS NULL)', name=op.f('ck_sponsor_code_one_kind_of_cover')),
    sa.CheckConstraint('uses >= 0 AND uses <= max_uses', name=op.f('ck_sponsor_code_uses')),
    sa.ForeignKeyConstraint(['created_by_id'], ['account.id'], name=op.f('fk_sponsor_code_created_by_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sponsor_code')),
    sa.UniqueConstraint('code', name=op.f('uq_sponsor_code_code'))
    )
    op.create_table('assistance_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('specialist_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('offered_cents', sa.Integer(), nullable=True),
    sa.Column('fee_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('approved_cents', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('waiver', 'reduction')", name=op.f('ck_assistance_request_kind')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'declined')", name=op.f('ck_assistance_request_status')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_assistance_request_consultation_id_consultation')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['account.id'], name=op.f('fk_assistance_request_decided_by_id_account')),
    sa.ForeignKeyConstraint(['patient_id'], ['account.id'], name=op.f('fk_assistance_request_patient_id_account')),
    sa.ForeignKeyConstraint(['specialist_id'], ['account.id'], name=op.f('fk_assistance_request_specialist_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_request'))
    )
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_request_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index('ix_assistance_request_patient_specialist', ['patient_id', 'specialist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_request_status'), ['status'], unique=False)

    op.create_table('sponsor_code_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('covered_cents', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['sponsor_code.id'], name=op.f('fk_sponsor_code_use_code_id_sponsor_code')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_sponsor_code_use_consultation_id_consultation')),
    sa.ForeignKeyConstraint(['patient_id'], ['account.id'], name=op.f('fk_sponsor_code_use_patient_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sponsor_code_use')),
    sa.UniqueConstraint('consultation_id', name=op.f('uq_sponsor_code_use_consultation_id'))
    )
    with op.batch_alter_table('sponsor_code_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sponsor_code_use_code_id'), ['code_id'], unique=False)



def downgrade():
    with op.batch_alter_table('sponsor_code_use', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sponsor_code_use_code_id'))

    op.drop_table('sponsor_code_use')
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_request_status'))
        batch_op.drop_index('ix_assistance_request_patient_specialist')
        batch_op.drop_index(batch_op.f('ix_assistance_request_consultation_id'))

    op.drop_table('assistance_request')
    op.drop_table('sponsor_code')
