"""intake documents: records a patient uploads while booking, before the consultation

Revision ID: 4c2d8e6f1a37
Revises: 5d2c81e4a7b3
Create Date: 2026-12-06 03:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "4c2d8e6f1a37"
down_revision = "5d2c81e4a7b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intake_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["account.id"], name=op.f("fk_intake_document_patient_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_document")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_intake_document_storage_key")),
    )
    with op.batch_alter_table("intake_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_document_patient_id"), ["patient_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("intake_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_document_patient_id"))
    op.drop_table("intake_document")
