"""Fixtures: one migrated database per run, a fresh app per test, its clients."""

from __future__ import annotations

import contextvars
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from config import database_backend
from telesecond import catalogs, create_app
from telesecond.clock import FrozenClock
from telesecond.extensions import db
from telesecond.models.base import Base
from tests.web_forms import csrf_token, login

pytest_plugins = ["tests.plugins", "tests.factories"]

TEST_SECRET = "test-secret-key-0123456789abcdef"


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the test's app context.

    Flask reuses an app context that is already pushed; the test keeps one open for its
    own queries, so without this the request would share the test's session and ``g``,
    and a missing commit in a view would go unnoticed.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def uses_postgresql() -> bool:
    """Whether this run's database (TEST_DATABASE_URL) is PostgreSQL."""
    return database_backend(os.environ.get("TEST_DATABASE_URL")) == "postgresql"


def pytest_collection_modifyitems(config, items):
    """Deselect ``postgres_only`` tests on SQLite: they do not apply, so no skip is shown."""
    if uses_postgresql():
        return
    dropped = [item for item in items if item.get_closest_marker("postgres_only")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Spanish and Hindi pages need the .mo files, built from the committed .po files."""
    catalogs.compile_catalogs()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """TEST_DATABASE_URL (PostgreSQL in CI) or a fresh SQLite file, migrated to head."""
    url = os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )
    app = create_app(base_config(url))
    with app.app_context():
        from flask_migrate import downgrade, upgrade

        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
    return url


def base_config(url: str, tmp: Path | None = None) -> dict:
    """Settings every test app starts from."""
    config = {
        "TELESECOND_ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": url,
        "PUBLIC_BASE_URL": "",
        "MAIL_BACKEND": "console",
        "SMS_BACKEND": "console",
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "SERVER_NAME": None,
        # Tests move the frozen clock by hours or days while signed in; the tests of idle
        # and expired sessions set their own limits.
        "SESSION_IDLE_MINUTES": 60 * 24 * 365,
        "SESSION_LIFETIME_HOURS": 24 * 365,
    }
    if tmp is not None:
        config["UPLOAD_DIR"] = str(tmp / "uploads")
    return config


def wipe(url: str) -> None:
    """Delete every row so the next test starts empty."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))
    engine.dispose()


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build extra apps on the test database with overrides; all are disposed afterwards."""
    built = []

    def factory(**overrides):
        app = create_app({**base_config(database_url, tmp_path), **overrides})
        app.test_client_class = IsolatedClient
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    wipe(database_url)


@pytest.fixture
def clock() -> FrozenClock:
    """A frozen clock at a fixed instant; tests move it with ``advance``."""
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def app(make_app, clock):
    """A fresh app on the shared test database, with the frozen clock."""
    app = make_app(CLOCK=clock)
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def sign_in(client):
    """Sign ``client`` in as an account through the login form."""

    def factory(account) -> None:
        login(client, account)

    return factory


@pytest.fixture
def signed_in():
    """A new client of ``app`` signed in as ``account`` through the login form."""

    def factory(app, account):
        client = app.test_client()
        login(client, account)
        return client

    return factory


@pytest.fixture
def submit(client):
    """GET a form page, then POST it with the page's CSRF token and the given fields."""

    def post(url: str, data: dict, *, follow_redirects: bool = False):
        page = client.get(url)
        return client.post(
            url,
            data={**data, "csrf_token": csrf_token(page.text)},
            follow_redirects=follow_redirects,
        )

    return post


@pytest.fixture
def live_app(make_app, clock, live_server_factory):
    """The app served over HTTP on loopback (for the browser), sharing the frozen clock."""
    app = make_app(CLOCK=clock)
    return live_server_factory(app)
