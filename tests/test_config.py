"""Settings from the environment."""

from __future__ import annotations

import base64

import pytest

import config
from telesecond import create_app


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("YES", True), ("1", True), ("false", False), ("no", False), ("0", False)],
)
def test_booleans(raw, expected):
    assert config.from_env({"SMTP_STARTTLS": raw})["SMTP_STARTTLS"] is expected


def test_bad_boolean_is_a_clear_error():
    with pytest.raises(config.ConfigError, match="SMTP_STARTTLS"):
        config.from_env({"SMTP_STARTTLS": "maybe"})


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls(url, expected):
    assert config.normalize_database_url(url) == expected


def test_defaults_are_safe_for_development(tmp_path):
    values = config.finalize(config.from_env({}), tmp_path)
    assert values["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'telesecond.db'}"
    assert values["MAIL_BACKEND"] == "console"
    assert values["SMS_BACKEND"] == "console"
    assert values["SESSION_COOKIE_SECURE"] is False


def test_production_refuses_the_development_secret_key():
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app(
            {
                "TELESECOND_ENV": "production",
                "SECRET_KEY": config.DEV_SECRET_KEY,
                "DATABASE_URL": "sqlite://",
            }
        )


def test_production_needs_a_document_key_and_sets_secure_cookies():
    with pytest.raises(config.ConfigError, match="DOCUMENT_ENCRYPTION_KEY"):
        create_app(
            {"TELESECOND_ENV": "production", "SECRET_KEY": "s" * 40, "DATABASE_URL": "sqlite://"}
        )
    app = create_app(
        {
            "TELESECOND_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "DATABASE_URL": "sqlite://",
            "DOCUMENT_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(),
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
