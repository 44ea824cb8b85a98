"""opinion signing: drafts, signatures with digests, addenda, follow-up questions, notices

Revision ID: 2f07381a59f6
Revises: 9dc16b140f8e
Create Date: 2026-12-06 00:10:00

Opinions written before this revision were published when saved: they count as signed
by their author at their last save, and get the digest of that content.
"""

from datetime import UTC

import sqlalchemy as sa
from alembic import op

from telesecond.domain.opinion_rules import opinion_document, sha256_hex

revision = "2f07381a59f6"
down_revision = "9dc16b140f8e"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('confirmation', 'reminder', 'rescheduled', 'cancelled', 'agenda')"
NEW_KINDS = (
    "kind IN ('confirmation', 'reminder', 'rescheduled', 'cancelled', 'agenda', "
    "'opinion_ready', 'follow_up')"
)


def upgrade():
    with op.batch_alter_table("opinion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("signed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("digest", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("physician_copy_error", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_opinion_signed_by_id_account"), "account", ["signed_by_id"], ["id"]
        )
    _sign_existing_opinions()

    op.create_table(
        "opinion_draft",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("specialist_id", sa.Integer(), nullable=False),
        sa.Column("diagnosis_assessment", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("recommendations", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_opinion_draft_consultation_id_consultation"),
        ),
        sa.ForeignKeyConstraint(
            ["specialist_id"], ["account.id"], name=op.f("fk_opinion_draft_specialist_id_account")
        ),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_opinion_draft")),
    )
    op.create_table(
        "opinion_addendum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["opinion.consultation_id"],
            name=op.f("fk_opinion_addendum_consultation_id_opinion"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["account.id"], name=op.f("fk_opinion_addendum_signed_by_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion_addendum")),
        sa.UniqueConstraint(
            "consultation_id", "number", name=op.f("uq_opinion_addendum_consultation_id")
        ),
    )
    with op.batch_alter_table("opinion_addendum", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opinion_addendum_consultation_id"), ["consultation_id"], unique=False
        )
    op.create_table(
        "follow_up_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_in_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["opinion.consultation_id"],
            name=op.f("fk_follow_up_question_consultation_id_opinion"),
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["account.id"], name=op.f("fk_follow_up_question_asked_by_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["answered_in_id"],
            ["opinion_addendum.id"],
            name=op.f("fk_follow_up_question_answered_in_id_opinion_addendum"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_question")),
    )
    with op.batch_alter_table("follow_up_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_up_question_consultation_id"), ["consultation_id"], unique=False
        )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reminder_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_reminder_kind"), NEW_KINDS)


def _sign_existing_opinions():
    opinion = sa.table(
        "opinion",
        sa.column("consultation_id", sa.Integer()),
        sa.column("specialist_id", sa.Integer()),
        sa.column("diagnosis_assessment", sa.String()),
        sa.column("summary", sa.Text()),
        sa.column("answers", sa.JSON()),
        sa.column("recommendations", sa.Text()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("signed_at", sa.DateTime(timezone=True)),
        sa.column("signed_by_id", sa.Integer()),
        sa.column("digest", sa.String()),
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(opinion)).mappings().all():
        signed_at = row["updated_at"].replace(microsecond=0)
        if signed_at.tzinfo is None:  # SQLite hands back naive UTC
            signed_at = signed_at.replace(tzinfo=UTC)
        digest = sha256_hex(
            opinion_document(
                consultation_id=row["consultation_id"],
                diagnosis_assessment=row["diagnosis_assessment"],
                summary=row["summary"],
                answers=row["answers"] or [],
                recommendations=row["recommendations"] or "",
                signed_by_id=row["specialist_id"],
                signed_at=signed_at,
            )
        )
        bind.execute(
            opinion.update()
            .where(opinion.c.consultation_id == row["consultation_id"])
            .values(signed_at=signed_at, signed_by_id=row["specialist_id"], digest=digest)
        )


def downgrade():
    op.execute("DELETE FROM reminder WHERE kind IN ('opinion_ready', 'follow_up')")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_reminder_kind"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_reminder_kind"), OLD_KINDS)
    with op.batch_alter_table("follow_up_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_question_consultation_id"))
    op.drop_table("follow_up_question")
    with op.batch_alter_table("opinion_addendum", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opinion_addendum_consultation_id"))
    op.drop_table("opinion_addendum")
    op.drop_table("opinion_draft")
    with op.batch_alter_table("opinion", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_opinion_signed_by_id_account"), type_="foreignkey")
        batch_op.drop_column("physician_copy_error")
        batch_op.drop_column("digest")
        batch_op.drop_column("signed_by_id")
        batch_op.drop_column("signed_at")
