"""What the admin console's tests share: an admin, signed in, and the audit rows to read.

A test module imports the fixtures (``admin_fixture``, ``admin_client_fixture``) to use
``admin`` and ``admin_client``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from telesecond.extensions import db
from telesecond.models import AuditEvent


@pytest.fixture(name="admin")
def admin_fixture(make_account):
    """An admin in Berlin."""
    return make_account(role="admin", full_name="Ada Admin", email="ada.admin@example.org")


@pytest.fixture(name="admin_client")
def admin_client_fixture(app, admin, signed_in):
    """A client of ``app`` signed in as ``admin``."""
    return signed_in(app, admin)


def audit_rows(action: str) -> list[AuditEvent]:
    """The audit events of one action, oldest first (read afresh)."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )
