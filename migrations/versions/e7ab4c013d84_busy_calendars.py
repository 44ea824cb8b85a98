"""busy calendars

Revision ID: e7ab4c013d84
Revises: d69a3fb02c73
Create Date: 2026-11-22 08:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'e7ab4c013d84'
down_revision = 'd69a3fb02c73'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
