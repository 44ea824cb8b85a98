"""receipt diagnosis codes: the ICD-10 codes a specialist adds to a payment's receipt

Revision ID: 5d2c81e4a7b3
Revises: 4c1d7e2a9b30
Create Date: 2026-12-06 03:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5d2c81e4a7b3"
down_revision = "4c1d7e2a9b30"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("diagnosis_codes", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_column("diagnosis_codes")
