"""physician links: secret, expiring links to a consultation's opinion for the patient's doctor

Revision ID: 6a2b8c4d1e50
Revises: 5c1e7d2f9a40
Create Date: 2026-12-05 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "6a2b8c4d1e50"
down_revision = "5c1e7d2f9a40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "physician_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("physician_email", sa.String(length=254), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_physician_link_consultation_id_consultation"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["account.id"], name=op.f("fk_physician_link_created_by_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_physician_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_physician_link_token_hash")),
    )
    with op.batch_alter_table("physician_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_physician_link_consultation_id"), ["consultation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("physician_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_physician_link_consultation_id"))
    op.drop_table("physician_link")
