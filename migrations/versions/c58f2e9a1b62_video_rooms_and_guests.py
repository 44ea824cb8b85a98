"""video rooms and guests

Revision ID: c58f2e9a1b62
Revises: b7e41c0d2a51
Create Date: 2026-11-22 08:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'c58f2e9a1b62'
down_revision = 'b7e41c0d2a51'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
