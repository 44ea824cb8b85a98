"""JSON Schemas of the admin API's specialist review bodies (merged into schemas.SCHEMAS)."""

from __future__ import annotations

_STR = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_NULLABLE_STR = {"type": ["string", "null"]}
_STATES = {"enum": ["pending", "verified", "refused", "suspended"]}

ADMIN_SCHEMAS: dict[str, dict] = {
    "LicenceInput": {
        "type": "object",
        "required": ["region", "number", "issuer", "expires_on"],
        "properties": {
            "region": {"type": "string", "description": "ISO 3166-1 alpha-2 or ISO 3166-2"},
            "number": _STR,
            "issuer": _STR,
            "expires_on": {**_DATE, "description": "last day covered (UTC), in the future"},
        },
    },
    "VerificationDecision": {
        "type": "object",
        "required": ["decision"],
        "properties": {
            "decision": {"enum": ["verify", "refuse"]},
            "licences": {"type": "array", "items": {"$ref": "#/components/schemas/LicenceInput"}},
            "reason": {**_STR, "description": "required to refuse; emailed to the applicant"},
            "note": {**_STR, "description": "the evidence checked"},
        },
    },
    "ReasonInput": {"type": "object", "required": ["reason"], "properties": {"reason": _STR}},
    "AdminLicence": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "region": _STR,
            "number": _STR,
            "issuer": _STR,
            "expires_on": _DATE,
            "current": {"type": "boolean"},
            "verified_by": {"type": "integer"},
            "verified_at": {"type": "string", "format": "date-time"},
            "note": _NULLABLE_STR,
            "expiry_warned_at": _NULLABLE_STR,
        },
    },
    "AdminSpecialist": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "full_name": _STR,
            "email": _STR,
            "verification": _STATES,
            "verification_reason": _NULLABLE_STR,
            "verification_changed_at": _NULLABLE_STR,
            "verification_changed_by": {"type": ["integer", "null"]},
            "claimed_regions": {"type": "array", "items": _STR},
            "specialties": {"type": "array", "items": _STR},
            "credentials": _STR,
            "licences": {"type": "array", "items": {"$ref": "#/components/schemas/AdminLicence"}},
        },
    },
    "AdminSpecialistPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/AdminSpecialist"}},
            "next": {"type": ["string", "null"]},
        },
    },
}
