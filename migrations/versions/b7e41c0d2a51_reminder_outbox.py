"""reminder outbox

Revision ID: b7e41c0d2a51
Revises: a1b0febb230a
Create Date: 2026-11-22 08:00:00
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = 'b7e41c0d2a51'
down_revision = 'a1b0febb230a'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
