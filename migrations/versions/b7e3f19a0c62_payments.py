"""payments: a consultation's payment and refunds; consultations may await payment

Revision ID: b7e3f19a0c62
Revises: 1a69d284a9a0
Create Date: 2026-12-06 00:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e3f19a0c62"
down_revision = "1a69d284a9a0"
branch_labels = None
depends_on = None

_OLD_STATUSES = "status IN ('confirmed', 'cancelled', 'completed', 'no_show')"
_NEW_STATUSES = "status IN ('confirmed', 'cancelled', 'completed', 'no_show', 'awaiting_payment')"


def upgrade():
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_consultation_status"), type_="check")
        batch_op.create_check_constraint("status", _NEW_STATUSES)
    op.create_table(
        "payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("specialist_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("checkout_session_id", sa.String(length=255), nullable=True),
        sa.Column("checkout_url", sa.String(length=2000), nullable=True),
        sa.Column("payment_intent_id", sa.String(length=255), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refunded_cents", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('awaiting_payment', 'paid', 'refunded', 'partially_refunded', "
            "'lapsed', 'failed')",
            name=op.f("ck_payment_status"),
        ),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_payment_amount")),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_payment_consultation_id_consultation"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["account.id"], name=op.f("fk_payment_patient_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["specialist_id"], ["account.id"], name=op.f("fk_payment_specialist_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment")),
        sa.UniqueConstraint("checkout_session_id", name=op.f("uq_payment_checkout_session_id")),
        sa.UniqueConstraint("consultation_id", name=op.f("uq_payment_consultation_id")),
    )
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.create_index("ix_payment_created", ["created_at"], unique=False)
        batch_op.create_index("ix_payment_status_expires", ["status", "expires_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payment_specialist_id"), ["specialist_id"], unique=False
        )
    op.create_table(
        "refund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("provider_refund_id", sa.String(length=255), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'succeeded', 'failed')", name=op.f("ck_refund_status")
        ),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_refund_amount")),
        sa.ForeignKeyConstraint(["actor_id"], ["account.id"], name=op.f("fk_refund_actor_id_account")),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_refund_payment_id_payment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund")),
    )
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refund_payment_id"), ["payment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_payment_id"))
    op.drop_table("refund")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_specialist_id"))
        batch_op.drop_index("ix_payment_status_expires")
        batch_op.drop_index("ix_payment_created")
    op.drop_table("payment")
    # Consultations still awaiting payment cannot stay so: they never were confirmed.
    op.execute("UPDATE consultation SET status = 'cancelled' WHERE status = 'awaiting_payment'")
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_consultation_status"), type_="check")
        batch_op.create_check_constraint("status", _OLD_STATUSES)
