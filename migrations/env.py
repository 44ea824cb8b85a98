"""Alembic environment: runs inside the Flask app (flask db ...) against its database."""

from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from telesecond.extensions import db
from telesecond.models.base import UTCDateTime

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
log = logging.getLogger("alembic.env")


def render_item(kind, obj, autogen_context):
    """Write our UTC column type as a plain timestamptz so migrations do not import app code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(obj, name, kind, reflected, compare_to):
    """Leave out objects that only exist on one backend and are managed by hand."""
    return not obj.info.get("skip_autogenerate", False) if hasattr(obj, "info") else True


def _options() -> dict:
    return {
        "target_metadata": db.metadata,
        "render_item": render_item,
        "include_object": include_object,
        "compare_type": True,
        "render_as_batch": True,
    }


def run_offline() -> None:
    context.configure(url=str(db.engine.url), literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    def skip_empty(ctx, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")

    with db.engine.connect() as connection:
        context.configure(
            connection=connection, process_revision_directives=skip_empty, **_options()
        )
        with context.begin_transaction():
            context.run_migrations()


config.set_main_option("sqlalchemy.url", str(db.engine.url).replace("%", "%%"))
_ = current_app  # env.py only runs inside an app context
if context.is_offline_mode():
    run_offline()
else:
    run_online()
