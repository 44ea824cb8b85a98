"""The one place that chooses the app's adapters from its settings, once, at start-up.

``create_app`` calls :func:`build_adapters` and :func:`install`; services reach the
chosen adapters through :func:`current`. Tests that need a fake (a refusing mail
server, a sender with a short timeout) swap it in with :func:`replace`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from telesecond.adapters.ics_fetch import HttpIcsFetcher, IcsFetcher
from telesecond.adapters.mail import ConsoleMail, MailSender, SmtpMail
from telesecond.adapters.payments import NoPayments, PaymentGateway, StripePayments
from telesecond.adapters.sms import ConsoleSms, SmsSender, TwilioSms
from telesecond.adapters.storage import DocumentStore, EncryptedFileStore, load_or_create_key
from telesecond.adapters.video import VideoProvider
from telesecond.adapters.video_daily import DailyVideo
from telesecond.adapters.video_jitsi import JitsiVideo
from telesecond.adapters.video_twilio import TwilioVideo

EXTENSION = "telesecond.adapters"
VIDEO_PROVIDERS = ("jitsi", "twilio", "daily")
PAYMENTS_PROVIDERS = ("none", "stripe")


@dataclass(frozen=True)
class Adapters:
    """Every edge to the outside world an app talks through."""

    mail: MailSender
    sms: SmsSender
    video: VideoProvider
    storage: DocumentStore
    ics_fetcher: IcsFetcher
    payments: PaymentGateway = dataclasses.field(default_factory=NoPayments)


def build_adapters(config: Mapping[str, Any], instance_path: str | os.PathLike[str]) -> Adapters:
    """Every adapter the settings choose.

    :raise ValueError: a setting names an unknown backend or lacks what it needs.
    """
    return Adapters(
        mail=build_mail_sender(config),
        sms=build_sms_sender(config),
        video=build_video_provider(config),
        storage=build_document_store(config, instance_path),
        ics_fetcher=build_ics_fetcher(config),
        payments=build_payments(config),
    )


def install(app: Flask, adapters: Adapters) -> None:
    """Make ``adapters`` the ones ``app`` uses."""
    app.extensions[EXTENSION] = adapters


def current() -> Adapters:
    """The current app's adapters."""
    return current_app.extensions[EXTENSION]


def replace(app: Flask, **changes: Any) -> Adapters:
    """Swap some of ``app``'s adapters for others (a test's fakes); returns the new set."""
    chosen = dataclasses.replace(app.extensions[EXTENSION], **changes)
    install(app, chosen)
    return chosen


# -- one builder per kind ----------------------------------------------------------------


def _setting(config: Mapping[str, Any], key: str) -> Any:
    value = config.get(key)
    if isinstance(value, str):
        value = value.strip()
    return value or None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def build_mail_sender(config: Mapping[str, Any]) -> MailSender:
    """Choose the mail sender from settings (``MAIL_BACKEND``: ``console`` or ``smtp``).

    :raise ValueError: unknown backend or missing SMTP settings.
    """
    backend = str(config.get("MAIL_BACKEND") or "console").strip().lower()
    if backend == "console":
        return ConsoleMail()
    if backend != "smtp":
        raise ValueError(f"MAIL_BACKEND must be 'console' or 'smtp', not {backend!r}")
    host = config.get("SMTP_HOST")
    if not host:
        raise ValueError("MAIL_BACKEND=smtp needs SMTP_HOST")
    starttls = _flag(config.get("SMTP_STARTTLS", False))
    use_tls = _flag(config.get("SMTP_USE_TLS", False))
    port = config.get("SMTP_PORT") or (465 if use_tls else 587 if starttls else 25)
    username = config.get("SMTP_USERNAME") or None
    password = config.get("SMTP_PASSWORD") or None
    if (username is None) != (password is None):
        raise ValueError("SMTP_USERNAME and SMTP_PASSWORD must be set together")
    return SmtpMail(
        str(host),
        int(port),
        username=username,
        password=password,
        starttls=starttls,
        use_tls=use_tls,
        timeout=float(config.get("SMTP_TIMEOUT") or 10),
    )


def build_sms_sender(config: Mapping[str, Any]) -> SmsSender:
    """Choose the SMS sender from settings (``SMS_BACKEND``: ``console`` or ``twilio``).

    :raise ValueError: unknown backend or missing Twilio settings.
    """
    backend = (_setting(config, "SMS_BACKEND") or "console").lower()
    if backend == "console":
        return ConsoleSms()
    if backend != "twilio":
        raise ValueError(f"SMS_BACKEND must be 'console' or 'twilio', not {backend!r}")

    missing = [k for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not _setting(config, k)]
    service = _setting(config, "TWILIO_MESSAGING_SERVICE_SID")
    from_number = _setting(config, "TWILIO_FROM_NUMBER")
    if not service and not from_number:
        missing.append("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER")
    if missing:
        raise ValueError("SMS_BACKEND=twilio needs " + ", ".join(missing))
    timeout = _setting(config, "TWILIO_TIMEOUT")
    return TwilioSms(
        _setting(config, "TWILIO_ACCOUNT_SID"),
        _setting(config, "TWILIO_AUTH_TOKEN"),
        messaging_service_sid=service,
        from_number=from_number,
        api_base_url=_setting(config, "TWILIO_API_BASE_URL"),
        timeout=float(timeout) if timeout is not None else 10,
    )


def build_video_provider(config: Mapping[str, Any]) -> VideoProvider:
    """The provider ``VIDEO_PROVIDER`` names, configured from the app's settings."""
    name = (config.get("VIDEO_PROVIDER") or "jitsi").strip().lower()
    timeout = float(config.get("VIDEO_PROVIDER_TIMEOUT_SECONDS") or 10)
    if name == "jitsi":
        return JitsiVideo(
            domain=config.get("JITSI_DOMAIN") or "meet.jit.si",
            app_id=config.get("JITSI_APP_ID") or "",
            app_secret=config.get("JITSI_APP_SECRET") or "",
            jaas_key_id=config.get("JITSI_JAAS_KEY_ID") or "",
            jaas_private_key=config.get("JITSI_JAAS_PRIVATE_KEY") or "",
        )
    if name == "twilio":
        return TwilioVideo(
            account_sid=config.get("TWILIO_ACCOUNT_SID") or "",
            auth_token=config.get("TWILIO_AUTH_TOKEN") or "",
            api_key_sid=config.get("TWILIO_API_KEY_SID") or "",
            api_key_secret=config.get("TWILIO_API_KEY_SECRET") or "",
            api_base_url=config.get("TWILIO_API_BASE_URL") or None,
            timeout=timeout,
        )
    if name == "daily":
        return DailyVideo(
            api_key=config.get("DAILY_API_KEY") or "",
            base_url=config.get("DAILY_API_BASE_URL") or "https://api.daily.co/v1",
            timeout=timeout,
        )
    raise ValueError(f"VIDEO_PROVIDER must be one of {', '.join(VIDEO_PROVIDERS)}, not {name!r}")


def build_document_store(
    config: Mapping[str, Any], instance_path: str | os.PathLike[str]
) -> DocumentStore:
    """The app's document store: encrypted files under UPLOAD_DIR."""
    return EncryptedFileStore(Path(config["UPLOAD_DIR"]), load_or_create_key(config, instance_path))


def build_ics_fetcher(config: Mapping[str, Any]) -> IcsFetcher:
    """The busy-calendar fetcher the settings describe."""
    return HttpIcsFetcher(
        timeout=config.get("BUSY_CALENDAR_TIMEOUT_SECONDS", 10),
        max_bytes=config.get("BUSY_CALENDAR_MAX_BYTES", 5 * 1024 * 1024),
        allow_local=bool(config.get("BUSY_CALENDAR_ALLOW_LOCAL", False)),
    )


def build_payments(config: Mapping[str, Any]) -> PaymentGateway:
    """The gateway ``PAYMENTS_PROVIDER`` names: ``none`` (default) or ``stripe``.

    :raise ValueError: unknown provider, or Stripe without its keys.
    """
    name = (_setting(config, "PAYMENTS_PROVIDER") or "none").lower()
    if name == "none":
        return NoPayments()
    if name != "stripe":
        raise ValueError(
            f"PAYMENTS_PROVIDER must be one of {', '.join(PAYMENTS_PROVIDERS)}, not {name!r}"
        )
    missing = [k for k in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET") if not _setting(config, k)]
    if missing:
        raise ValueError("PAYMENTS_PROVIDER=stripe needs " + ", ".join(missing))
    return StripePayments(
        _setting(config, "STRIPE_SECRET_KEY"),
        _setting(config, "STRIPE_WEBHOOK_SECRET"),
        api_base=_setting(config, "STRIPE_API_BASE"),
    )
