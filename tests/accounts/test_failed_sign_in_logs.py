"""A failed sign-in on a gevent worker leaves nothing in the log but its audit row.

gunicorn's gevent worker checks passwords in gevent's thread pool
(``server/offload.py``); an exception escaping the pooled call is printed, traceback and
all, by gevent's hub before it reaches the caller. The check runs here in a process that
gevent has patched, as the worker's is, and its output is read as the log would be.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from gevent import monkey

monkey.patch_all()

import logging
import sys

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
for name in ("alembic", "argon2"):
    logging.getLogger(name).setLevel(logging.WARNING)

from sqlalchemy import select

from telesecond import create_app
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.models.audit import AuditEvent
from telesecond.models.base import Base
from telesecond.server.offload import under_gevent
from telesecond.services.accounts import credentials
from datetime import UTC, datetime

app = create_app(
    {
        "TELESECOND_ENV": "testing",
        "SECRET_KEY": "s" * 40,
        "DATABASE_URL": "sqlite:///" + sys.argv[1] + "/gevent.db",
        "UPLOAD_DIR": sys.argv[1] + "/uploads",
    }
)
with app.app_context():
    Base.metadata.create_all(db.engine)
    db.session.add(
        Account(
            email="known@example.org",
            full_name="Known Person",
            timezone="UTC",
            role="patient",
            password_hash=credentials.hash_password("a-right-password"),
            created_at=datetime.now(UTC),
        )
    )
    db.session.commit()
    print("under gevent:", under_gevent())
    now = datetime.now(UTC)
    print("known, wrong:", credentials.authenticate("known@example.org", "wrong-1", now=now))
    print("unknown:", credentials.authenticate("nobody@example.org", "wrong-2", now=now))
    print("failures audited:", len(db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "login.failed")).all()))
"""


def test_a_failed_sign_in_under_gevent_logs_no_traceback(tmp_path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    assert "under gevent: True" in run.stdout
    assert "known, wrong: None" in run.stdout
    assert "unknown: None" in run.stdout
    assert "failures audited: 2" in run.stdout
    assert "VerifyMismatchError" not in run.stderr
    assert "Traceback" not in run.stderr
