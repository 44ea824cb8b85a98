"""What the import contracts (.importlinter) cannot see: names taken from a module.

Use cases get everything they need as arguments or from the app's configuration and
adapters; they never read the request, ``flask.g`` or the session cookie. And no use case
speaks SQL or asks which database it runs on: that is the ``telesecond/db`` seam's job.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parent.parent / "telesecond" / "services"
REQUEST_STATE = {"g", "request", "session"}


def _service_modules() -> list[Path]:
    return sorted(SERVICES.rglob("*.py"))


def request_state_used(source: str) -> list[str]:
    """Names of Flask's request state that a module imports or reaches for."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "flask":
            found += [a.name for a in node.names if a.name in REQUEST_STATE]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "flask"
            and node.attr in REQUEST_STATE
        ):
            found.append(f"flask.{node.attr}")
    return found


def database_plumbing_used(source: str) -> list[str]:
    """SQL strings and backend checks that belong behind the db seam."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ("dialect", "exec_driver_sql"):
            found.append(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy":
            found += [a.name for a in node.names if a.name == "text"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy.orm"):
            found += [
                a.name
                for a in node.names
                if a.name in ("make_transient_to_detached", "set_committed_value")
            ]
    return found


@pytest.mark.parametrize("path", _service_modules(), ids=lambda p: str(p.relative_to(SERVICES)))
def test_use_cases_take_no_request_state_and_speak_no_sql(path):
    source = path.read_text()
    assert request_state_used(source) == []
    assert database_plumbing_used(source) == []


def test_the_checks_see_a_violation():
    assert sorted(request_state_used("from flask import current_app, g\nflask.request")) == [
        "flask.request",
        "g",
    ]
    assert sorted(
        database_plumbing_used(
            "from sqlalchemy import select, text\nengine.dialect.name\n"
            "from sqlalchemy.orm import make_transient_to_detached"
        )
    ) == ["dialect", "make_transient_to_detached", "text"]
