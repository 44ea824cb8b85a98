"""account language: the BCP 47 tag a person reads pages and messages in

Revision ID: 3f9d1c7b5e24
Revises: 2f07381a59f6
Create Date: 2026-12-06 00:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "3f9d1c7b5e24"
down_revision = "2f07381a59f6"
branch_labels = None
depends_on = None


def upgrade():
    # NULL until the person chooses: their browser's preference decides meanwhile.
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=35), nullable=True))


def downgrade():
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("language")
