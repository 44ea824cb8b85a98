"""account region: where a patient usually is (the directory's and booking's default place)

Revision ID: 4c1d7e2a9b30
Revises: b7e3f19a0c62
Create Date: 2026-12-06 03:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "4c1d7e2a9b30"
down_revision = "b7e3f19a0c62"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("region")
