"""CLINICIAN_2FA_REQUIRED: on in production unless turned off, off elsewhere unless on."""

from __future__ import annotations

import pytest

import config


def settings(**env: str) -> dict:
    values = config.from_env(
        {
            "SECRET_KEY": "s" * 40,
            "DOCUMENT_ENCRYPTION_KEY": "k",
            "PUBLIC_BASE_URL": "https://clinic.example",
            "VIDEO_ALLOW_PUBLIC_ROOMS": "true",
            **env,
        }
    )
    return config.finalize(values, config.DEFAULT_INSTANCE_DIR)


@pytest.mark.parametrize(
    ("env", "value", "required"),
    [
        ("production", None, True),
        ("production", "false", False),
        ("development", None, False),
        ("testing", None, False),
        ("testing", "yes", True),
    ],
)
def test_clinician_2fa_required_defaults_by_environment(env, value, required):
    extra = {"CLINICIAN_2FA_REQUIRED": value} if value is not None else {}
    assert settings(TELESECOND_ENV=env, **extra)["CLINICIAN_2FA_REQUIRED"] is required


def test_a_value_that_is_not_a_boolean_is_refused():
    with pytest.raises(config.ConfigError, match="CLINICIAN_2FA_REQUIRED"):
        settings(TELESECOND_ENV="production", CLINICIAN_2FA_REQUIRED="maybe")
