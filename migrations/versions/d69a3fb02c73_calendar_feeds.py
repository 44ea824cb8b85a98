"""calendar feeds

Revision ID: d69a3fb02c73
Revises: c58f2e9a1b62
Create Date: 2026-11-22 08:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'd69a3fb02c73'
down_revision = 'c58f2e9a1b62'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
