"""the patient's doctor and turnaround: practice, birth date, link checks, deadline warnings

Revision ID: 9dc16b140f8e
Revises: 6a2b8c4d1e50
Create Date: 2026-12-06 00:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "9dc16b140f8e"
down_revision = "6a2b8c4d1e50"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("physician_practice", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("patient_birth_date", sa.Date(), nullable=True))
    with op.batch_alter_table("physician_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_opened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("check_kind", sa.String(length=12), nullable=False, server_default="none")
        )
        batch_op.add_column(sa.Column("check_code_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("failed_checks", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "opinion_deadline_warning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('due_soon', 'overdue')", name=op.f("ck_opinion_deadline_warning_kind")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_opinion_deadline_warning_consultation_id_consultation"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["account.id"],
            name=op.f("fk_opinion_deadline_warning_recipient_id_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion_deadline_warning")),
        sa.UniqueConstraint(
            "consultation_id",
            "recipient_id",
            "kind",
            name=op.f("uq_opinion_deadline_warning_consultation_id"),
        ),
    )
    with op.batch_alter_table("opinion_deadline_warning", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opinion_deadline_warning_consultation_id"),
            ["consultation_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("opinion_deadline_warning", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opinion_deadline_warning_consultation_id"))
    op.drop_table("opinion_deadline_warning")
    with op.batch_alter_table("physician_link", schema=None) as batch_op:
        batch_op.drop_column("failed_checks")
        batch_op.drop_column("check_code_hash")
        batch_op.drop_column("check_kind")
        batch_op.drop_column("first_opened_at")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_column("patient_birth_date")
        batch_op.drop_column("physician_practice")
