"""Settings from the environment."""

from __future__ import annotations

import base64
import runpy
from datetime import time, timedelta
from pathlib import Path

import pytest

import config
from telesecond import create_app
from telesecond.domain.reminders import DEFAULT_OFFSETS, Offset, ReminderPolicy, parse_offsets

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


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


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        (None, "sqlite"),
        ("", "sqlite"),
        ("sqlite://", "sqlite"),
        ("sqlite:///x.db", "sqlite"),
        ("postgresql://u@h/db", "postgresql"),
        ("postgres://u@h/db", "postgresql"),
        ("postgresql+psycopg://u@h/db", "postgresql"),
    ],
)
def test_database_backend(url, backend, tmp_path):
    assert config.database_backend(url) == backend
    values = config.finalize(config.from_env({"DATABASE_URL": url or ""}), tmp_path)
    assert values["DATABASE_BACKEND"] == backend


@pytest.mark.parametrize(
    ("url", "worker_class"),
    [
        ("postgres://u@h/db", "gevent"),
        ("postgresql://u@h/db", "gevent"),
        ("postgresql+psycopg://u@h/db", "gevent"),
        ("sqlite:///x.db", "gthread"),
        (None, "gthread"),
    ],
)
def test_gunicorn_picks_the_worker_for_the_same_backend(url, worker_class, monkeypatch):
    if url is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", url)
    settings = runpy.run_path(str(GUNICORN_CONF))
    assert settings["worker_class"] == worker_class


def test_reminder_settings_are_parsed_once_at_start(tmp_path):
    values = config.finalize(
        config.from_env(
            {
                "REMINDER_OFFSETS": "email:24h, SMS:1h30m",
                "QUIET_HOURS": "22:00-07:30",
                "AGENDA_TIME": "06:45",
            }
        ),
        tmp_path,
    )
    assert values["REMINDER_POLICY"] == ReminderPolicy(
        (Offset("email", timedelta(hours=24)), Offset("sms", timedelta(minutes=90))),
        quiet_start=time(22),
        quiet_end=time(7, 30),
    )
    assert values["AGENDA_AT"] == time(6, 45)


def test_reminder_defaults(tmp_path):
    values = config.finalize(config.from_env({}), tmp_path)
    assert values["REMINDER_POLICY"] == ReminderPolicy(parse_offsets(DEFAULT_OFFSETS))
    assert values["REMINDER_POLICY"].offsets  # the defaults do plan reminders
    assert values["AGENDA_AT"] == time(7)


def test_empty_offsets_mean_no_reminders_and_empty_quiet_hours_the_default(tmp_path):
    values = config.finalize({"REMINDER_OFFSETS": "", "QUIET_HOURS": ""}, tmp_path)
    assert values["REMINDER_POLICY"] == ReminderPolicy(())


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REMINDER_OFFSETS", "email:24h,sms:1x", "sms:1x"),
        ("REMINDER_OFFSETS", "fax:1h", "unknown channel"),
        ("QUIET_HOURS", "late", "quiet hours"),
        ("QUIET_HOURS", "08:00-08:00", "must differ"),
        ("AGENDA_TIME", "breakfast", "breakfast"),
    ],
)
def test_unreadable_reminder_settings_are_refused_at_start(name, value, message, tmp_path):
    with pytest.raises(config.ConfigError, match=message):
        config.finalize(config.from_env({name: value}), tmp_path)


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


# A production configuration that starts; tests change one setting at a time.
PRODUCTION = {
    "TELESECOND_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "DATABASE_URL": "sqlite://",
    "DOCUMENT_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(),
    "PUBLIC_BASE_URL": "https://clinic.example",
    "VIDEO_ALLOW_PUBLIC_ROOMS": "true",
}


def test_production_needs_a_document_key_and_sets_secure_cookies():
    with pytest.raises(config.ConfigError, match="DOCUMENT_ENCRYPTION_KEY"):
        create_app(
            {"TELESECOND_ENV": "production", "SECRET_KEY": "s" * 40, "DATABASE_URL": "sqlite://"}
        )
    app = create_app(PRODUCTION)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


# -- proxies and shared rate limits (issue 18) -----------------------------------------


def test_trusted_proxies_default_to_none_and_are_read_as_a_number(tmp_path):
    assert config.from_env({})["TRUSTED_PROXIES"] == 0
    assert config.from_env({"TRUSTED_PROXIES": "2"})["TRUSTED_PROXIES"] == 2
    with pytest.raises(config.ConfigError, match="TRUSTED_PROXIES"):
        config.from_env({"TRUSTED_PROXIES": "yes"})
    with pytest.raises(config.ConfigError, match="TRUSTED_PROXIES"):
        config.from_env({"TRUSTED_PROXIES": "-1"})


@pytest.mark.parametrize(("proxies", "seen"), [(0, "127.0.0.1"), (1, "203.0.113.5")])
def test_forwarded_headers_count_only_behind_trusted_proxies(proxies, seen, tmp_path):
    app = create_app(
        {
            "TELESECOND_ENV": "testing",
            "SECRET_KEY": "s" * 40,
            "DATABASE_URL": "sqlite://",
            "UPLOAD_DIR": str(tmp_path),
            "TRUSTED_PROXIES": proxies,
        }
    )

    @app.get("/_probe")
    def probe():
        from flask import request

        return {"ip": request.remote_addr, "scheme": request.scheme, "host": request.host}

    answer = app.test_client().get(
        "/_probe",
        headers={
            "X-Forwarded-For": "203.0.113.5",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "clinic.example",
        },
    )
    expected_host = "clinic.example" if proxies else "localhost"
    assert answer.get_json() == {
        "ip": seen,
        "scheme": "https" if proxies else "http",
        "host": expected_host,
    }


@pytest.mark.parametrize("workers", ["2", "4"])
def test_production_refuses_memory_limits_with_several_workers(workers):
    with pytest.raises(config.ConfigError, match="RATELIMIT_STORAGE_URI.*memory://"):
        create_app({**PRODUCTION, "WEB_CONCURRENCY": int(workers)})


@pytest.mark.parametrize(
    "settings",
    [
        {"WEB_CONCURRENCY": 1},
        {"WEB_CONCURRENCY": 4, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"},
        {"WEB_CONCURRENCY": None},  # not known: the reminder process, flask run
    ],
)
def test_production_accepts_one_worker_or_a_shared_store(settings):
    create_app({**PRODUCTION, **settings})


def test_outside_production_memory_limits_are_fine_with_several_workers():
    create_app({**PRODUCTION, "TELESECOND_ENV": "testing", "WEB_CONCURRENCY": 4})


def test_gunicorn_refuses_to_start_production_with_memory_limits_and_two_workers(tmp_path):
    """Two workers by default (gunicorn.conf.py), neither WEB_CONCURRENCY nor --workers."""
    import os
    import subprocess
    import sys

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("WEB_CONCURRENCY", "RATELIMIT_STORAGE_URI")
    }
    env.update(
        {
            **PRODUCTION,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "BIND": "127.0.0.1:0",
        }
    )
    run = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "wsgi:app"],
        cwd=GUNICORN_CONF.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert run.returncode != 0
    assert "RATELIMIT_STORAGE_URI" in run.stderr
    assert "2 workers" in run.stderr
    assert "Booting worker" not in run.stderr


def _production(**extra):
    return {**PRODUCTION, **extra}


def test_production_refuses_to_start_without_a_public_base_url():
    with pytest.raises(config.ConfigError, match="PUBLIC_BASE_URL"):
        create_app(_production(PUBLIC_BASE_URL=""))
    app = create_app(_production(PUBLIC_BASE_URL="https://clinic.example/"))
    assert app.config["PUBLIC_BASE_URL"] == "https://clinic.example"
