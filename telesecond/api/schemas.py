"""JSON Schemas of the API's bodies, for the OpenAPI document."""

from __future__ import annotations

_STR = {"type": "string"}
_INSTANT = {"type": "string", "format": "date-time"}
_STRS = {"type": "array", "items": _STR}

SCHEMAS: dict[str, dict] = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": _STR,
            "title": _STR,
            "status": {"type": "integer"},
            "detail": _STR,
            "errors": {"type": "object", "additionalProperties": _STRS},
        },
    },
    "NewAccount": {
        "type": "object",
        "required": ["email", "password", "full_name", "role", "timezone"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "password": {"type": "string", "minLength": 10},
            "full_name": _STR,
            "role": {"enum": ["patient", "specialist"]},
            "timezone": _STR,
            "phone": {"type": "string", "description": "E.164"},
        },
    },
    "Account": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "email": _STR,
            "role": _STR,
            "full_name": _STR,
            "timezone": _STR,
            "phone": {"type": ["string", "null"]},
            "notify_by": {"type": "array", "items": {"enum": ["email", "sms"]}},
            "sms_consent": {"type": "boolean"},
            "sms_consent_at": {"type": ["string", "null"]},
            "sms_opted_out": {"type": "boolean"},
            "created_at": _INSTANT,
        },
    },
    "AccountPatch": {
        "type": "object",
        "properties": {
            "full_name": _STR,
            "timezone": _STR,
            "phone": {"type": ["string", "null"]},
            "notify_by": {"type": "array", "items": {"enum": ["email", "sms"]}},
            "sms_consent": {"type": "boolean"},
        },
    },
    "Credentials": {
        "type": "object",
        "required": ["email", "password"],
        "properties": {"email": _STR, "password": _STR},
    },
    "Token": {
        "type": "object",
        "properties": {"token": _STR, "expires_at": _INSTANT},
    },
}
