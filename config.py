"""Settings read from the environment (names from shared/API.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_INSTANCE_DIR = BASE_DIR / "instance"
DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A setting has a value the app cannot run with."""


def parse_bool(name: str, value: str) -> bool:
    """Read a boolean setting: true/false/1/0/yes/no (any case)."""
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be true/false/1/0/yes/no, not {value!r}")


def parse_int(name: str, value: str, *, minimum: int = 0) -> int:
    """Read a whole-number setting no smaller than ``minimum``."""
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}")
    return number


def normalize_database_url(url: str) -> str:
    """Send plain PostgreSQL URLs to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_backend(url: str | None) -> str:
    """The backend a ``DATABASE_URL`` names: ``"postgresql"`` or ``"sqlite"`` (the default).

    ``postgres://`` counts as PostgreSQL, as :func:`normalize_database_url` reads it;
    any other scheme gives SQLAlchemy's backend name (``mysql+pymysql://`` -> ``mysql``).
    """
    if not url:
        return "sqlite"
    scheme = normalize_database_url(url).partition(":")[0]
    return scheme.partition("+")[0].lower()


# name -> (kind, default). Kinds: str, bool, int. Defaults are safe for development.
SETTINGS: dict[str, tuple[str, Any]] = {
    "TELESECOND_ENV": ("str", "development"),
    "SECRET_KEY": ("str", DEV_SECRET_KEY),
    "DATABASE_URL": ("str", None),
    "PUBLIC_BASE_URL": ("str", ""),
    "ORGANISATION_NAME": ("str", "telesecond"),
    # The clinic's tax identifier, printed on receipts (insurers and HSA/FSA plans ask).
    "CLINIC_TAX_ID": ("str", ""),
    "SUPPORT_CONTACT": ("str", "support@telesecond.example"),
    # The languages pages and messages are shipped in (each needs its catalog under
    # telesecond/translations), and the one used when nothing else decides.
    "LANGUAGES": ("str", "en,es,hi"),
    "DEFAULT_LANGUAGE": ("str", "en"),
    "MAIL_BACKEND": ("str", "console"),
    "MAIL_FROM": ("str", "telesecond <no-reply@telesecond.example>"),
    "SMTP_HOST": ("str", "localhost"),
    "SMTP_PORT": ("int", 25),
    "SMTP_USERNAME": ("str", ""),
    "SMTP_PASSWORD": ("str", ""),
    "SMTP_STARTTLS": ("bool", False),
    "SMTP_USE_TLS": ("bool", False),
    "SMS_BACKEND": ("str", "console"),
    "TWILIO_ACCOUNT_SID": ("str", ""),
    "TWILIO_AUTH_TOKEN": ("str", ""),
    "TWILIO_MESSAGING_SERVICE_SID": ("str", ""),
    "TWILIO_FROM_NUMBER": ("str", ""),
    "TWILIO_API_BASE_URL": ("str", ""),
    # At most this many SMS per second from one reminder process; empty: no limit.
    "SMS_MAX_PER_SECOND": ("str", ""),
    "VIDEO_PROVIDER": ("str", "jitsi"),
    # Public Jitsi rooms without tokens cannot enforce the join window or a guest's
    # revocation: production refuses them unless this says so explicitly.
    "VIDEO_ALLOW_PUBLIC_ROOMS": ("bool", False),
    "VIDEO_JOIN_OPENS_MINUTES": ("int", 15),
    "VIDEO_JOIN_GRACE_MINUTES": ("int", 30),
    "VIDEO_PROVIDER_TIMEOUT_SECONDS": ("int", 10),
    "JITSI_DOMAIN": ("str", "meet.jit.si"),
    "JITSI_APP_ID": ("str", ""),
    "JITSI_APP_SECRET": ("str", ""),
    "JITSI_JAAS_KEY_ID": ("str", ""),
    "JITSI_JAAS_PRIVATE_KEY": ("str", ""),
    "TWILIO_API_KEY_SID": ("str", ""),
    "TWILIO_API_KEY_SECRET": ("str", ""),
    "DAILY_API_KEY": ("str", ""),
    "DAILY_API_BASE_URL": ("str", "https://api.daily.co/v1"),
    "REMINDER_OFFSETS": ("str", "email:72h,email:24h,sms:24h,sms:1h"),
    "QUIET_HOURS": ("str", "21:00-08:00"),
    "REMINDER_INTERVAL_SECONDS": ("int", 15),
    "REMINDER_LEASE_SECONDS": ("int", 120),
    "REMINDER_BATCH_SIZE": ("int", 20),
    "REMINDER_MAX_ATTEMPTS": ("int", 6),
    "AGENDA_TIME": ("str", "07:00"),
    # Guest invitations: per consultation (revoked ones count) and per patient per day.
    "GUEST_INVITES_PER_CONSULTATION": ("int", 3),
    "GUEST_INVITES_PER_PATIENT_DAY": ("int", 5),
    # The written opinion: sign it before the call's end (a review of the records only);
    # follow-up questions a patient may ask, and for how many days after the signing.
    "OPINION_BEFORE_CALL": ("bool", False),
    "FOLLOW_UP_QUESTIONS": ("int", 3),
    "FOLLOW_UP_DAYS": ("int", 30),
    "RATELIMIT_STORAGE_URI": ("str", "memory://"),
    "RATELIMIT_ENABLED": ("bool", True),
    "LOGIN_RATE_LIMIT": ("str", "10 per minute"),
    "UPLOAD_DIR": ("str", ""),
    "DOCUMENT_ENCRYPTION_KEY": ("str", ""),
    "SESSION_COOKIE_SECURE": ("bool", None),
    "SESSION_LIFETIME_HOURS": ("int", 12),
    # A browser session unused this long ends (it must be signed into again).
    "SESSION_IDLE_MINUTES": ("int", 30),
    "TOKEN_TTL_HOURS": ("int", 24),
    "HOLD_MINUTES": ("int", 10),
    "CANCEL_CUTOFF_HOURS": ("int", 24),
    # Payments at booking: "none" (the clinic bills outside telesecond) or "stripe".
    "PAYMENTS_PROVIDER": ("str", "none"),
    # Stripe's secret API key and the webhook endpoint's signing secret (whsec_...).
    "STRIPE_SECRET_KEY": ("str", ""),
    "STRIPE_WEBHOOK_SECRET": ("str", ""),
    # Send Stripe API calls elsewhere (a test double); empty: Stripe's own address.
    "STRIPE_API_BASE": ("str", ""),
    # How long a booking awaiting payment holds its slot.
    "PAYMENT_HOLD_MINUTES": ("int", 30),
    # What a patient's cancellation refunds, shown in words before booking (README
    # "Payments"; telesecond/domain/refund_policy.py): amount:when, ...
    "REFUND_POLICY": ("str", "full:24h,half:0h,none:signed"),
    "MAX_CONTENT_MB": ("int", 25),
    "MAX_DOCUMENT_MB": ("int", 20),
    "MAX_CONSULTATION_DOCUMENTS_MB": ("int", 100),
    # Specialists' busy calendars (secret ICS addresses), refreshed by the reminder process.
    "BUSY_CALENDAR_REFRESH_MINUTES": ("int", 15),
    "BUSY_CALENDAR_TIMEOUT_SECONDS": ("int", 10),
    "BUSY_CALENDAR_MAX_BYTES": ("int", 5 * 1024 * 1024),
    # Allow http:// and loopback/private addresses: tests and local development only.
    "BUSY_CALENDAR_ALLOW_LOCAL": ("bool", False),
    # Account lifecycle: patients book only once their address is verified (false only in
    # development and testing); how long a verification and a reset link live.
    "EMAIL_VERIFICATION_REQUIRED": ("bool", True),
    "EMAIL_VERIFICATION_HOURS": ("int", 48),
    "PASSWORD_RESET_MINUTES": ("int", 60),
    # Specialists and admins must sign in with a second factor (default: only in production).
    "CLINICIAN_2FA_REQUIRED": ("bool", None),
    # Proxies in front of the app that set X-Forwarded-*; 0: the headers are ignored.
    "TRUSTED_PROXIES": ("int", 0),
    # Failed sign-ins per email address before it waits (1, 2, 4 ... minutes, capped).
    "SIGN_IN_MAX_FAILURES": ("int", 5),
    "SIGN_IN_MAX_WAIT_MINUTES": ("int", 15),
    # What the fee includes ("|" between items), shown beside every price.
    "FEE_INCLUDES": (
        "str",
        "The video consultation|A written second opinion you can share with your doctor"
        "|Answers to your follow-up questions about the opinion",
    ),
    # gunicorn's number of workers (gunicorn.conf.py reads it too); unset: not known here.
    "WEB_CONCURRENCY": ("int", None),
    # The patient's own doctor: how long a link to the opinion lives; what the doctor must
    # answer before it opens (none, code: a short code in a second email, birth_date: the
    # patient's date of birth); wrong answers before the link is locked.
    "PHYSICIAN_LINK_DAYS": ("int", 14),
    "PHYSICIAN_LINK_CHECK": ("str", "none"),
    "PHYSICIAN_LINK_MAX_TRIES": ("int", 5),
    # Turnaround: the written opinion is due this many business days (the specialist's
    # weekdays, less their time off) after the call.
    "OPINION_DUE_BUSINESS_DAYS": ("int", 5),
}


def from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the app's config mapping from environment variables."""
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for name, (kind, default) in SETTINGS.items():
        raw = env.get(name)
        if raw is None or (raw == "" and kind != "str"):
            config[name] = default
        elif kind == "bool":
            config[name] = parse_bool(name, raw)
        elif kind == "int":
            config[name] = parse_int(name, raw)
        else:
            config[name] = raw
    return config


def finalize(config: dict[str, Any], instance_dir: Path) -> dict[str, Any]:
    """Fill derived settings and refuse unsafe production ones."""
    env = config.get("TELESECOND_ENV", "development")
    if env not in {"development", "testing", "production"}:
        raise ConfigError("TELESECOND_ENV must be development, testing or production")
    if env != "development" and config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY):
        raise ConfigError("Set SECRET_KEY: the development key may not be used outside development")
    if env == "production" and not config.get("DOCUMENT_ENCRYPTION_KEY"):
        raise ConfigError("Set DOCUMENT_ENCRYPTION_KEY in production")
    video = str(config.get("VIDEO_PROVIDER") or "jitsi").strip().lower()
    if video not in ("jitsi", "twilio", "daily"):
        raise ConfigError(f"VIDEO_PROVIDER must be jitsi, twilio or daily, not {video!r}")
    config["VIDEO_PROVIDER"] = video
    if env == "production" and config.get("BUSY_CALENDAR_ALLOW_LOCAL"):
        raise ConfigError("BUSY_CALENDAR_ALLOW_LOCAL reaches internal addresses: not in production")
    if env == "production" and config.get("EMAIL_VERIFICATION_REQUIRED") is False:
        raise ConfigError("EMAIL_VERIFICATION_REQUIRED may be false only in development or testing")
    if config.get("PHYSICIAN_LINK_CHECK", "none") not in ("none", "code", "birth_date"):
        raise ConfigError("PHYSICIAN_LINK_CHECK must be none, code or birth_date")
    url = config.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'telesecond.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(url)
    config["DATABASE_BACKEND"] = database_backend(url)
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = env == "production"
    if config.get("CLINICIAN_2FA_REQUIRED") is None:
        config["CLINICIAN_2FA_REQUIRED"] = env == "production"
    config.setdefault("UPLOAD_DIR", "")
    if not config["UPLOAD_DIR"]:
        config["UPLOAD_DIR"] = str(instance_dir / "uploads")
    config["MAX_CONTENT_LENGTH"] = config.get("MAX_CONTENT_MB", 25) * 1024 * 1024
    config["TESTING"] = env == "testing" or bool(config.get("TESTING"))
    # Whether the clinic named its address; Twilio's signed URL depends on it (webhooks).
    config["PUBLIC_BASE_URL_SET"] = bool(str(config.get("PUBLIC_BASE_URL") or "").strip())
    config["PUBLIC_BASE_URL"] = public_base_url(env, config.get("PUBLIC_BASE_URL"))
    _refuse_public_rooms(env, config)
    _parse_reminder_settings(config)
    _parse_languages(config)
    config["SMS_MAX_PER_SECOND"] = parse_rate(
        "SMS_MAX_PER_SECOND", config.get("SMS_MAX_PER_SECOND")
    )
    refuse_unshared_limits(config, config.get("WEB_CONCURRENCY"))
    _parse_fee_settings(config)
    return config


def parse_rate(name: str, value: object) -> float | None:
    """A positive number per second, or None when unset (empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number per second, not {value!r}") from None
    if not rate > 0 or rate == float("inf"):
        raise ConfigError(f"{name} must be a positive number per second")
    return rate


def refuse_unshared_limits(config: dict[str, Any], workers: int | None) -> None:
    """In production, refuse ``memory://`` rate limits when several workers serve the app.

    Each worker would count on its own, so every limit would be as many times looser.
    ``workers``: how many (``WEB_CONCURRENCY``, or gunicorn's own count); None: unknown.
    """
    if config.get("TELESECOND_ENV") != "production" or not workers or workers <= 1:
        return
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://").strip().lower()
    if storage.startswith("memory://"):
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI is memory:// but {workers} workers would each keep their "
            "own counts: set RATELIMIT_STORAGE_URI to a shared store such as "
            "redis://127.0.0.1:6379/0, or run one worker (WEB_CONCURRENCY=1)"
        )


# Where links point when PUBLIC_BASE_URL is not set: `flask run`'s address in development,
# the test client's root in testing. Production has no default.
DEFAULT_BASE_URLS = {"development": "http://localhost:5000", "testing": "http://localhost"}


def public_base_url(env: str, value: Any) -> str:
    """The base of every absolute link, without a trailing slash.

    Links never follow the request's Host or X-Forwarded-Host headers, which a client
    chooses; production must name its address.
    """
    text = str(value or "").strip().rstrip("/")
    if not text:
        if env == "production":
            raise ConfigError(
                "Set PUBLIC_BASE_URL (like https://clinic.example): links in emails, SMS "
                "and calendar invites are built from it"
            )
        return DEFAULT_BASE_URLS[env]
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise ConfigError(f"PUBLIC_BASE_URL must be an http(s) address, not {text!r}") from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in text)
        or parts.query
        or parts.fragment
    ):
        raise ConfigError(f"PUBLIC_BASE_URL must be an http(s) address, not {text!r}")
    return text


def _refuse_public_rooms(env: str, config: dict[str, Any]) -> None:
    """Production does not start with tokenless Jitsi unless public rooms are allowed."""
    tokens = config.get("JITSI_APP_SECRET") or config.get("JITSI_JAAS_KEY_ID")
    if (
        env == "production"
        and config["VIDEO_PROVIDER"] == "jitsi"
        and not tokens
        and not config.get("VIDEO_ALLOW_PUBLIC_ROOMS")
    ):
        raise ConfigError(
            "Jitsi without tokens (JITSI_APP_SECRET or JaaS) cannot enforce the join window "
            "or a guest's revocation; configure tokens or set VIDEO_ALLOW_PUBLIC_ROOMS=true"
        )


def _parse_languages(config: dict[str, Any]) -> None:
    """``LANGUAGES`` as a tuple of language codes, ``DEFAULT_LANGUAGE`` one of them."""
    from telesecond.domain.languages import parse_tag

    raw = config.get("LANGUAGES") or SETTINGS["LANGUAGES"][1]
    codes = []
    for item in raw if isinstance(raw, list | tuple) else str(raw).split(","):
        if not item.strip():
            continue
        tag = parse_tag(item)
        if tag is None or tag.script or tag.region:
            raise ConfigError(f"LANGUAGES lists language codes such as en,es,hi, not {item!r}")
        codes.append(tag.language)
    default = parse_tag(str(config.get("DEFAULT_LANGUAGE") or SETTINGS["DEFAULT_LANGUAGE"][1]))
    if default is None or default.language not in codes:
        raise ConfigError("DEFAULT_LANGUAGE must be one of LANGUAGES")
    config["LANGUAGES"] = tuple(dict.fromkeys(codes))
    config["DEFAULT_LANGUAGE"] = str(default)


def _parse_reminder_settings(config: dict[str, Any]) -> None:
    """Read the reminder settings once, at start-up: ``REMINDER_POLICY`` and ``AGENDA_AT``.

    A value the planner cannot read stops the app here rather than at the first booking.
    """
    from datetime import time

    from telesecond.domain.reminders import (
        DEFAULT_QUIET_HOURS,
        ReminderPolicy,
        parse_offsets,
        parse_quiet_hours,
    )

    try:
        offsets = parse_offsets(str(config.get("REMINDER_OFFSETS") or ""))
        quiet_start, quiet_end = parse_quiet_hours(
            str(config.get("QUIET_HOURS") or DEFAULT_QUIET_HOURS)
        )
        agenda_at = time.fromisoformat(str(config.get("AGENDA_TIME") or "07:00"))
    except ValueError as exc:
        raise ConfigError(f"reminder settings: {exc}") from None
    config["REMINDER_POLICY"] = ReminderPolicy(offsets, quiet_start, quiet_end)
    config["AGENDA_AT"] = agenda_at


def _parse_fee_settings(config: dict[str, Any]) -> None:
    """Read ``REFUND_POLICY`` into ``REFUND_RULES`` and ``FEE_INCLUDES`` into a list, once."""
    from telesecond.domain import refund_policy

    try:
        config["REFUND_RULES"] = refund_policy.parse(
            str(config.get("REFUND_POLICY") or refund_policy.DEFAULT)
        )
    except ValueError as exc:
        raise ConfigError(f"REFUND_POLICY: {exc}") from None
    items = [i.strip() for i in str(config.get("FEE_INCLUDES") or "").split("|")]
    config["FEE_INCLUDES_LIST"] = [i for i in items if i]
