"""Settings of the account lifecycle: verification required, link lifetimes."""

from __future__ import annotations

import base64

import pytest

import config

PRODUCTION = {
    "TELESECOND_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "DOCUMENT_ENCRYPTION_KEY": base64.urlsafe_b64encode(b"k" * 32).decode(),
    "PUBLIC_BASE_URL": "https://clinic.example",
    "VIDEO_ALLOW_PUBLIC_ROOMS": "true",
}


def settings(tmp_path, **environ):
    return config.finalize(config.from_env(environ), tmp_path)


def test_defaults(tmp_path):
    values = settings(tmp_path)
    assert values["EMAIL_VERIFICATION_REQUIRED"] is True
    assert values["EMAIL_VERIFICATION_HOURS"] == 48
    assert values["PASSWORD_RESET_MINUTES"] == 60


def test_verification_may_be_switched_off_only_in_development_or_testing(tmp_path):
    for env in ("development", "testing"):
        values = settings(
            tmp_path, TELESECOND_ENV=env, SECRET_KEY="s" * 40, EMAIL_VERIFICATION_REQUIRED="no"
        )
        assert values["EMAIL_VERIFICATION_REQUIRED"] is False
    with pytest.raises(config.ConfigError, match="EMAIL_VERIFICATION_REQUIRED"):
        settings(tmp_path, **PRODUCTION, EMAIL_VERIFICATION_REQUIRED="false")
    assert settings(tmp_path, **PRODUCTION, EMAIL_VERIFICATION_REQUIRED="true")[
        "EMAIL_VERIFICATION_REQUIRED"
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PASSWORD_RESET_MINUTES", "soon"),
        ("PASSWORD_RESET_MINUTES", "-5"),
        ("EMAIL_VERIFICATION_HOURS", "2.5"),
        ("EMAIL_VERIFICATION_REQUIRED", "maybe"),
    ],
)
def test_unreadable_values_are_refused_at_start(tmp_path, name, value):
    with pytest.raises(config.ConfigError, match=name):
        settings(tmp_path, **{name: value})
