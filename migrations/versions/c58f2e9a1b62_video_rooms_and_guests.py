"""video rooms and guests

Revision ID: c58f2e9a1b62
Revises: b7e41c0d2a51
Create Date: 2026-11-22 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c58f2e9a1b62"
down_revision = "b7e41c0d2a51"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "video_room",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("room_name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("pending_action", sa.String(length=10), nullable=True),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provider_ref", sa.String(length=128), nullable=True),
        sa.Column("provider_url", sa.String(length=500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "pending_action IS NULL OR pending_action IN ('create', 'update', 'close')",
            name=op.f("ck_video_room_action"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'ready', 'closed', 'failed')", name=op.f("ck_video_room_status")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_video_room_consultation_id_consultation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_room")),
        sa.UniqueConstraint("consultation_id", name=op.f("uq_video_room_consultation_id")),
        sa.UniqueConstraint("room_name", name=op.f("uq_video_room_room_name")),
    )
    with op.batch_alter_table("video_room", schema=None) as batch_op:
        batch_op.create_index(
            "ix_video_room_action_due", ["pending_action", "next_attempt_at"], unique=False
        )

    op.create_table(
        "video_guest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_video_guest_consultation_id_consultation"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["account.id"], name=op.f("fk_video_guest_invited_by_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_guest")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_video_guest_token_hash")),
    )
    with op.batch_alter_table("video_guest", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_video_guest_consultation_id"), ["consultation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("video_guest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_guest_consultation_id"))

    op.drop_table("video_guest")
    with op.batch_alter_table("video_room", schema=None) as batch_op:
        batch_op.drop_index("ix_video_room_action_due")

    op.drop_table("video_room")
