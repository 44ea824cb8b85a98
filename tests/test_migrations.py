"""Migrations run both ways on the test backend and agree with the models."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from telesecond import create_app
from telesecond.extensions import db
from tests.conftest import base_config


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database of the same kind as the test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = database_url.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_then_downgrade_to_base(scratch_url):
    from flask_migrate import downgrade, upgrade

    app = create_app(base_config(scratch_url))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"account", "api_token", "audit_event"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def _managed(obj, name, kind, reflected, compare_to) -> bool:
    """Objects the models mark as hand-managed (backend-specific) are not compared."""
    info = getattr(obj, "info", None) or {}
    return not info.get("skip_autogenerate", False)


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _managed}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []
