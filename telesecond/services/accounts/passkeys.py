"""Passkeys (WebAuthn): register one, name it, remove it, and sign in with it.

The relying party is the app's own site: its origin and host name come from the public
base URL (``PUBLIC_BASE_URL``, or the root of the request being served). Challenges are
made here and kept by the caller until the browser answers; each is used once. The
authenticator's signature counter must go up at every use (a cloned key would not know
the count), and it moves forward with a conditional update.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import exists, select, update
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from telesecond.extensions import db
from telesecond.models import Account, Passkey, TotpCredential
from telesecond.services import audit, links
from telesecond.services.accounts.second_factor import CLINICIAN_ROLES, PASSKEY, password_matches
from telesecond.services.errors import Conflict, Forbidden, Invalid, NotFound

MAX_NAME = 100
MAX_RESPONSE_CHARS = 64 * 1024


@dataclass(frozen=True)
class RelyingParty:
    """Who the passkeys are for: a host name (RP ID) and the origin pages come from."""

    id: str
    origin: str


def relying_party() -> RelyingParty:
    """The relying party of the public base URL."""
    parts = urlsplit(links.base_url())
    host = parts.hostname or "localhost"
    return RelyingParty(id=host, origin=f"{parts.scheme}://{parts.netloc}")


def registration_options(account: Account, *, rp_name: str) -> tuple[str, bytes]:
    """Options for ``navigator.credentials.create`` (JSON) and the challenge to keep."""
    rp = relying_party()
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp_name,
        user_id=str(account.id).encode(),
        user_name=account.email,
        user_display_name=account.email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(account),
    )
    return options_to_json(options), options.challenge


def register(
    account: Account,
    response: object,
    *,
    name: str,
    challenge: bytes | None,
    now: datetime,
    ip: str | None = None,
) -> Passkey:
    """Check the browser's answer to the registration options and keep the passkey."""
    name = (name or "").strip()
    if not name:
        raise Invalid.field("name", "Give the passkey a name, such as the device it is on.")
    if len(name) > MAX_NAME:
        raise Invalid.field("name", f"Use at most {MAX_NAME} characters.")
    if challenge is None:
        raise Conflict("Start adding the passkey again: the request has expired.")
    rp = relying_party()
    try:
        verified = verify_registration_response(
            credential=_as_json(response),
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise Invalid("The passkey could not be checked. Please try again.") from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if db.session.scalar(select(exists().where(Passkey.credential_id == credential_id))):
        raise Conflict("This passkey is already registered.")
    transports = _transports(response)
    row = Passkey(
        account_id=account.id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=",".join(transports) or None,
        name=name,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "2fa.passkey_added", actor_id=account.id, target_type="passkey", target_id=row.id, ip=ip
    )
    db.session.commit()
    return row


def remove(
    account: Account,
    passkey_id: int,
    password: str,
    *,
    required: bool,
    now: datetime,
    ip: str | None = None,
) -> None:
    """Remove one of the account's passkeys, after the password is given again."""
    row = db.session.get(Passkey, passkey_id)
    if row is None or row.account_id != account.id:
        raise NotFound("No such passkey.")
    if required and account.role in CLINICIAN_ROLES and _is_last_factor(account, row):
        raise Forbidden("Clinicians must keep a second factor. Add another before removing this.")
    if not password_matches(account, password):
        raise Invalid.field("password", "That password is not right.")
    db.session.delete(row)
    audit.record(
        "2fa.passkey_removed", actor_id=account.id, target_type="passkey", target_id=row.id, ip=ip
    )
    db.session.commit()


def authentication_options(account: Account) -> tuple[str, bytes]:
    """Options for ``navigator.credentials.get`` (JSON) and the challenge to keep."""
    options = generate_authentication_options(
        rp_id=relying_party().id,
        allow_credentials=_descriptors(account),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), options.challenge


def authenticate(
    account: Account,
    response: object,
    *,
    challenge: bytes | None,
    now: datetime,
    ip: str | None = None,
) -> Passkey | None:
    """Check a passkey's answer at sign-in: the passkey used, or None (audited either way)."""
    row = _verified_use(account, response, challenge)
    if row is None:
        audit.record(
            "2fa.failed",
            actor_id=account.id,
            target_type="account",
            target_id=account.id,
            ip=ip,
            detail={"factor": PASSKEY},
        )
    else:
        row.last_used_at = now
        audit.record(
            "2fa.used",
            actor_id=account.id,
            target_type="account",
            target_id=account.id,
            ip=ip,
            detail={"factor": PASSKEY, "passkey_id": row.id},
        )
    db.session.commit()
    return row


def _verified_use(account: Account, response: object, challenge: bytes | None) -> Passkey | None:
    if challenge is None or not isinstance(response, dict):
        return None
    credential_id = response.get("rawId") or response.get("id")
    if not isinstance(credential_id, str) or len(credential_id) > 512:
        return None
    row = db.session.scalar(
        select(Passkey).where(
            Passkey.account_id == account.id, Passkey.credential_id == credential_id
        )
    )
    if row is None:
        return None
    rp = relying_party()
    try:
        verified = verify_authentication_response(
            credential=_as_json(response),
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=row.public_key,
            credential_current_sign_count=row.sign_count,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError):
        return None
    won = db.session.execute(
        update(Passkey)
        .where(Passkey.id == row.id, Passkey.sign_count == row.sign_count)
        .values(sign_count=verified.new_sign_count)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        return None
    db.session.expire(row, ["sign_count"])
    return row


def _descriptors(account: Account) -> list[PublicKeyCredentialDescriptor]:
    rows = db.session.scalars(select(Passkey).where(Passkey.account_id == account.id))
    known = {t.value: t for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=_from_base64url(row.credential_id),
            transports=[known[t] for t in (row.transports or "").split(",") if t in known] or None,
        )
        for row in rows
    ]


def _is_last_factor(account: Account, row: Passkey) -> bool:
    others = select(
        exists().where(Passkey.account_id == account.id, Passkey.id != row.id)
        | exists().where(
            TotpCredential.account_id == account.id, TotpCredential.confirmed_at.is_not(None)
        )
    )
    return not db.session.scalar(others)


def _as_json(response: object) -> str:
    if not isinstance(response, dict):
        raise ValueError("a credential is a JSON object")
    text = json.dumps(response)
    if len(text) > MAX_RESPONSE_CHARS:
        raise ValueError("credential too large")
    return text


def _transports(response: object) -> list[str]:
    inner = response.get("response") if isinstance(response, dict) else None
    values = inner.get("transports") if isinstance(inner, dict) else None
    if not isinstance(values, list):
        return []
    known = {t.value for t in AuthenticatorTransport}
    return [v for v in values if isinstance(v, str) and v in known][:8]


def _from_base64url(value: str) -> bytes:
    return base64url_to_bytes(value)
