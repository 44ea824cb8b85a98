"""Use cases for accounts: register (without telling whether an address is taken) and
change the profile."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from telesecond.domain import accounts as rules
from telesecond.domain import titles
from telesecond.domain.languages import shipped_tag
from telesecond.domain.passwords import password_problem
from telesecond.extensions import db
from telesecond.models import Account
from telesecond.models.account import CHANNELS
from telesecond.services import audit
from telesecond.services.accounts import account_mail, home_region, verification
from telesecond.services.accounts.credentials import hash_password
from telesecond.services.errors import Invalid
from telesecond.services.reminders import outbox

SELF_SERVICE_ROLES = ("patient", "specialist")
PROFILE_FIELDS = ("full_name", "timezone", "phone", "notify_by", "sms_consent", "language")
# Fields whose change re-plans a patient's pending reminders (channel, number, quiet hours).
REMINDER_FIELDS = ("timezone", "phone", "notify_by", "sms_consent")


def _check_name(value: str, errors: dict[str, list[str]]) -> str:
    name = " ".join(value.split())
    if not name:
        errors.setdefault("full_name", []).append(_("Enter your full name."))
    elif len(name) > 200:
        errors.setdefault("full_name", []).append(_("Use at most 200 characters."))
    return name


def _check_title(name: str, role: str, errors: dict[str, list[str]]) -> None:
    if role == "patient" and titles.claims_clinician_title(name):
        errors.setdefault("full_name", []).append(titles.MESSAGE)


def _check_timezone(value: str, errors: dict[str, list[str]]) -> str:
    if not rules.is_valid_timezone(value):
        errors.setdefault("timezone", []).append(
            _("Choose a time zone such as Europe/Berlin or America/New_York.")
        )
    return value


def _check_phone(value: str | None, errors: dict[str, list[str]]) -> str | None:
    if value is None or not value.strip():
        return None
    phone = rules.normalize_phone(value)
    if phone is None:
        errors.setdefault("phone", []).append(
            _("Enter a valid phone number in international form, such as +491511234567.")
        )
    return phone


def _check_language(value: str, errors: dict[str, list[str]]) -> str:
    shipped = tuple(current_app.config["LANGUAGES"])
    tag = shipped_tag(value, shipped) if isinstance(value, str) else None
    if tag is None:
        errors.setdefault("language", []).append(
            _("Choose a language tag such as {examples}.").format(examples=", ".join(shipped))
        )
    return tag or ""


def _check_channels(value: Iterable[str], errors: dict[str, list[str]]) -> list[str]:
    chosen = list(dict.fromkeys(value))
    unknown = [c for c in chosen if c not in CHANNELS]
    if unknown:
        errors.setdefault("notify_by", []).append(_("Choose from email and sms."))
    elif not chosen:
        errors.setdefault("notify_by", []).append(_("Choose at least one way to be reminded."))
    return [c for c in CHANNELS if c in chosen]


SMS_NEEDS_CONSENT = (
    "To get reminders by SMS, tick the box to agree to text messages, or choose email only."
)
SMS_NEEDS_PHONE = "Add your mobile phone number to agree to SMS reminders."


def _check_sms(
    *, channels: list[str], consent: bool, phone: str | None, errors: dict[str, list[str]]
) -> None:
    """SMS goes only to a number whose owner agreed: refuse the choice otherwise (one message
    per field, so a form shows each once)."""
    if consent and not phone:
        errors.setdefault("sms_consent", []).append(SMS_NEEDS_PHONE)
    elif "sms" in channels and not consent and "notify_by" not in errors:
        errors.setdefault("sms_consent", []).append(SMS_NEEDS_CONSENT)


def register(
    *,
    email: str,
    password: str,
    full_name: str,
    role: str,
    timezone: str,
    phone: str | None = None,
    language: str | None = None,
    sms_consent: bool = False,
    now: datetime,
    ip: str | None = None,
) -> Account | None:
    """Sign up; the answer never tells whether the address already had an account.

    A new address gets an account (unverified) and an email with a verification link;
    an address that has one gets an email saying someone tried, and nothing changes. The
    password is hashed on both paths, so both take about the same time. Returns the new
    account, or None for a taken address (callers must not show the difference).

    :raise Invalid: with field errors.
    """
    errors: dict[str, list[str]] = {}
    address = rules.normalize_email(email)
    if address is None:
        errors["email"] = [_("Enter a valid email address.")]
    name = _check_name(full_name, errors)
    problem = password_problem(password, role=role, user_inputs=[address or email, name])
    if problem:
        errors["password"] = [problem]
    _check_title(name, role, errors)
    if role not in SELF_SERVICE_ROLES:
        errors["role"] = [_("Choose patient or specialist.")]
    _check_timezone(timezone, errors)
    number = _check_phone(phone, errors)
    # The language the sign-up page was in: the first emails are written in it.
    chosen = shipped_tag(language, tuple(current_app.config["LANGUAGES"])) if language else None
    if sms_consent and "phone" not in errors:
        _check_sms(channels=["sms"], consent=True, phone=number, errors=errors)
    if errors:
        raise Invalid(_("Some fields need attention."), errors)
    password_hash = hash_password(password)
    existing = db.session.scalar(select(Account).where(Account.email == address))
    if existing is not None:
        _tell_existing(existing, now=now, ip=ip)
        return None
    account = Account(
        email=address,
        password_hash=password_hash,
        full_name=name,
        role=role,
        timezone=timezone,
        phone=number,
        language=chosen,
        # Agreeing to SMS at sign-up is asking for them: reminders go by both channels.
        notify_by="email,sms" if sms_consent else "email",
        sms_consent_at=now if sms_consent else None,
        created_at=now,
    )
    db.session.add(account)
    try:
        db.session.flush()
    except IntegrityError:  # registered in a race with another request
        db.session.rollback()
        existing = db.session.scalar(select(Account).where(Account.email == address))
        if existing is not None:
            _tell_existing(existing, now=now, ip=ip)
        return None
    audit.record(
        "account.registered",
        actor_id=account.id,
        target_type="account",
        target_id=account.id,
        ip=ip,
    )
    db.session.commit()
    verification.send_link(account, now=now, ip=ip)
    return account


def _tell_existing(account: Account, *, now: datetime, ip: str | None) -> None:
    """Someone signed up with a taken address: tell its owner; change nothing."""
    audit.record(
        "account.registration_repeated",
        actor_id=None,
        target_type="account",
        target_id=account.id,
        ip=ip,
    )
    db.session.commit()
    account_mail.send("account_exists", account, now=now)


def update_profile(
    account: Account, changes: dict[str, Any], *, now: datetime, ip: str | None = None
) -> Account:
    """Apply profile changes (only PROFILE_FIELDS); raise Invalid with field errors."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if "full_name" in changes:
        values["full_name"] = _check_name(changes["full_name"], errors)
        _check_title(values["full_name"], account.role, errors)
    if "timezone" in changes:
        values["timezone"] = _check_timezone(changes["timezone"], errors)
    if "phone" in changes:
        values["phone"] = _check_phone(changes["phone"], errors)
    if "notify_by" in changes:
        values["notify_by"] = _check_channels(changes["notify_by"], errors)
    if "language" in changes:
        values["language"] = _check_language(changes["language"], errors)
    if "region" in changes:  # where a patient usually is (services/accounts/home_region)
        values["region"] = home_region.check(changes["region"], errors)
    phone = values.get("phone", account.phone)
    consent = bool(changes.get("sms_consent", account.sms_consent))
    if "sms_consent" in changes and not consent and "notify_by" not in changes:
        # Withdrawing consent alone also stops the texts; it is never refused.
        values["notify_by"] = [c for c in account.channels if c != "sms"] or ["email"]
    channels = values.get("notify_by", account.channels)
    if "sms" in channels and not phone and "notify_by" not in errors:
        errors.setdefault("notify_by", []).append(_("Add a phone number to get SMS reminders."))
    if "phone" not in errors:
        _check_sms(channels=channels, consent=consent, phone=phone, errors=errors)
    if errors:
        raise Invalid(_("Some fields need attention."), errors)
    for key in ("full_name", "timezone", "phone", "language", "region"):
        if key in values:
            setattr(account, key, values[key])
    if "notify_by" in values:
        account.notify_by = ",".join(values["notify_by"])
    if "sms_consent" in changes:
        if changes["sms_consent"] and account.sms_consent_at is None:
            account.sms_consent_at = now
        elif not changes["sms_consent"]:
            account.sms_consent_at = None
    if account.role == "patient" and any(key in changes for key in REMINDER_FIELDS):
        outbox.replan_upcoming(account, now=now)
    audit.record(
        "account.updated",
        actor_id=account.id,
        target_type="account",
        target_id=account.id,
        ip=ip,
        detail={"fields": sorted(changes)},
    )
    db.session.commit()
    return account
