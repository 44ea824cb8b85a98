"""JSON Schemas of the API's bodies, for the OpenAPI document."""

from __future__ import annotations

from telesecond.models import reminder as reminder_model
from telesecond.models.consultation import STATUSES as CONSULTATION_STATUSES
from telesecond.models.payment import REFUND_STATUSES
from telesecond.models.payment import VIEW_STATUSES as PAYMENT_VIEW_STATUSES

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
            "second_factor_required": {
                "type": "boolean",
                "description": "POST /tokens: send otp (a second factor is set up)",
            },
            "enrolment_required": {
                "type": "boolean",
                "description": "POST /tokens: set up two-factor sign-in first",
            },
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
            "sms_consent": {
                "type": "boolean",
                "description": "agree to SMS reminders (needs phone); reminders then go by SMS too",
            },
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
            "language": {
                "type": ["string", "null"],
                "description": "BCP 47; null until chosen (the browser's preference decides)",
            },
            "phone": {"type": ["string", "null"]},
            "notify_by": {"type": "array", "items": {"enum": ["email", "sms"]}},
            "sms_consent": {"type": "boolean"},
            "sms_consent_at": {"type": ["string", "null"]},
            "sms_opted_out": {"type": "boolean"},
            "email_verified": {"type": "boolean"},
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
            "language": {"type": "string", "description": "BCP 47, a shipped language"},
        },
    },
    "Credentials": {
        "type": "object",
        "required": ["email", "password"],
        "properties": {
            "email": _STR,
            "password": _STR,
            "otp": {
                "type": "string",
                "description": "A code from the authenticator app or a recovery code; "
                "needed when the account has a second factor",
            },
        },
    },
    "Token": {
        "type": "object",
        "properties": {"token": _STR, "expires_at": _INSTANT},
    },
    "SpecialistProfileInput": {
        "type": "object",
        "required": [
            "specialties",
            "conditions",
            "languages",
            "licensed_regions",
            "fee_cents",
            "currency",
        ],
        "properties": {
            "specialties": _STRS,
            "conditions": _STRS,
            "languages": {**_STRS, "description": "BCP 47 tags such as en, pt-BR"},
            "licensed_regions": {**_STRS, "description": "ISO 3166-1 alpha-2 or ISO 3166-2"},
            "bio": _STR,
            "credentials": _STR,
            "fee_cents": {"type": "integer", "minimum": 0},
            "currency": _STR,
        },
    },
    "Specialist": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "full_name": _STR,
            "specialties": _STRS,
            "conditions": _STRS,
            "languages": _STRS,
            "licensed_regions": _STRS,
            "bio": _STR,
            "credentials": _STR,
            "fee_cents": {"type": "integer"},
            "currency": _STR,
            "timezone": _STR,
            "consultation_minutes": {"type": "integer"},
            "next_available_start": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "SpecialistPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Specialist"}},
            "next": {"type": ["string", "null"]},
        },
    },
    "Window": {
        "type": "object",
        "required": ["start", "end"],
        "properties": {
            "start": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            "end": {"type": "string", "description": "HH:MM, or 24:00"},
        },
    },
    "AvailabilityInput": {
        "type": "object",
        "required": [
            "timezone",
            "weekly",
            "consultation_minutes",
            "buffer_minutes",
            "min_notice_minutes",
            "horizon_days",
        ],
        "properties": {
            "timezone": _STR,
            "weekly": {
                "type": "array",
                "items": {
                    "allOf": [{"$ref": "#/components/schemas/Window"}],
                    "properties": {"weekday": {"type": "integer", "minimum": 0, "maximum": 6}},
                },
            },
            "overrides": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "windows": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Window"},
                        },
                    },
                },
            },
            "consultation_minutes": {"type": "integer", "minimum": 10, "maximum": 240},
            "buffer_minutes": {"type": "integer", "minimum": 0, "maximum": 120},
            "min_notice_minutes": {"type": "integer", "minimum": 0, "maximum": 43200},
            "horizon_days": {"type": "integer", "minimum": 1, "maximum": 365},
        },
    },
    "Availability": {
        "allOf": [{"$ref": "#/components/schemas/AvailabilityInput"}],
        "properties": {
            "time_off": {"type": "array", "items": {"$ref": "#/components/schemas/TimeOff"}}
        },
    },
    "TimeOffInput": {
        "type": "object",
        "required": ["start", "end"],
        "properties": {"start": _INSTANT, "end": _INSTANT, "note": _STR},
    },
    "TimeOff": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "start": _INSTANT, "end": _INSTANT, "note": _STR},
    },
    "SlotList": {
        "type": "object",
        "properties": {
            "specialist_id": {"type": "integer"},
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"start": _INSTANT, "end": _INSTANT}},
            },
        },
    },
    "HoldInput": {
        "type": "object",
        "required": ["specialist_id", "start"],
        "properties": {"specialist_id": {"type": "integer"}, "start": _INSTANT},
    },
    "Hold": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "specialist_id": {"type": "integer"},
            "start": _INSTANT,
            "end": _INSTANT,
            "expires_at": _INSTANT,
        },
    },
    "ConsultationInput": {
        "type": "object",
        "required": [
            "specialist_id",
            "start",
            "patient_region",
            "reason",
            "current_diagnosis",
            "proposed_treatment",
            "questions",
            "telehealth_consent",
        ],
        "properties": {
            "specialist_id": {"type": "integer"},
            "start": _INSTANT,
            "hold_id": {"type": "integer"},
            "patient_region": {**_STR, "description": "where the patient will be: DE, US-CA"},
            "reason": _STR,
            "current_diagnosis": _STR,
            "proposed_treatment": _STR,
            "questions": {**_STRS, "maxItems": 20},
            "physician_name": _STR,
            "physician_practice": _STR,
            "physician_contact": {"type": "string", "format": "email"},
            "share_with_physician": {"type": "boolean"},
            "interpreter_language": {"type": ["string", "null"]},
            "telehealth_consent": {"const": True},
            "emergency_acknowledged": {"type": "boolean", "default": True},
        },
    },
    "Person": {"type": "object", "properties": {"id": {"type": "integer"}, "full_name": _STR}},
    "Consultation": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": {"enum": list(CONSULTATION_STATUSES)},
            "start": _INSTANT,
            "end": _INSTANT,
            "sequence": {"type": "integer"},
            "payment": {"$ref": "#/components/schemas/Payment"},
            "specialist": {"$ref": "#/components/schemas/Person"},
            "patient": {"$ref": "#/components/schemas/Person"},
            "join_url": {"type": ["string", "null"]},
            "patient_region": _STR,
            "reason": _STR,
            "current_diagnosis": _STR,
            "proposed_treatment": _STR,
            "questions": _STRS,
        },
    },
    "Payment": {
        "type": "object",
        "description": "What the patient pays for the consultation through this site "
        "(PAYMENTS_PROVIDER); not_required when the clinic bills outside it",
        "required": ["status"],
        "properties": {
            "status": {"enum": list(PAYMENT_VIEW_STATUSES)},
            "amount_cents": {"type": ["integer", "null"], "description": "minor units"},
            "currency": {"type": ["string", "null"], "description": "ISO 4217"},
            "refunded_cents": {"type": "integer"},
            "checkout_url": {
                "type": ["string", "null"],
                "description": "the provider's hosted page, while awaiting_payment",
            },
            "expires_at": {"type": ["string", "null"], "format": "date-time"},
            "paid_at": {"type": ["string", "null"], "format": "date-time"},
            "receipt_url": {
                "type": ["string", "null"],
                "description": "the itemised receipt (PDF), once something is paid",
            },
            "refunds": {
                "type": "array",
                "description": "the refunds made on the payment, oldest first",
                "items": {"$ref": "#/components/schemas/PaymentRefund"},
            },
        },
    },
    "PaymentRefund": {
        "type": "object",
        "required": ["id", "amount_cents", "status", "created_at", "receipt_url"],
        "properties": {
            "id": {"type": "integer"},
            "amount_cents": {"type": "integer", "description": "minor units, given back"},
            "status": {"enum": list(REFUND_STATUSES)},
            "created_at": {"type": "string", "format": "date-time"},
            "refunded_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "when the provider made the refund",
            },
            "receipt_url": {
                "type": ["string", "null"],
                "description": "the refund's own itemised receipt (PDF), once it is made",
            },
        },
    },
    "ConsultationPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Consultation"}},
            "next": {"type": ["string", "null"]},
        },
    },
    "RescheduleInput": {"type": "object", "required": ["start"], "properties": {"start": _INSTANT}},
    "Reminder": {
        "type": "object",
        "required": ["kind", "channel", "due_at", "status"],
        "properties": {
            "kind": {"enum": list(reminder_model.KINDS)},
            "channel": {"enum": list(reminder_model.CHANNELS)},
            "due_at": _INSTANT,
            "status": {"enum": list(reminder_model.STATUSES)},
            "sent_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "ReminderList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Reminder"}},
            "next": {"type": ["string", "null"]},
        },
    },
    "CancelInput": {"type": "object", "properties": {"reason": _STR}},
    "OutcomeInput": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"enum": ["completed", "no_show"]}},
    },
    "OpinionInput": {
        "type": "object",
        "description": "a draft may be incomplete; signing checks it in full",
        "properties": {
            "diagnosis_assessment": {"enum": ["agrees", "refines", "differs", ""]},
            "summary": {"type": "string", "maxLength": 20000},
            "answers": {**_STRS, "description": "one per patient question, in the order asked"},
            "recommendations": {"type": "string", "maxLength": 20000},
        },
    },
    "Opinion": {
        "type": "object",
        "properties": {
            "consultation_id": {"type": "integer"},
            "specialist_id": {"type": "integer"},
            "diagnosis_assessment": {"enum": ["agrees", "refines", "differs"]},
            "summary": _STR,
            "answers": {
                "type": "array",
                "items": {"type": "object", "properties": {"question": _STR, "answer": _STR}},
            },
            "recommendations": _STR,
            "created_at": _INSTANT,
            "updated_at": _INSTANT,
            "sent_to_physician_at": {"type": ["string", "null"], "format": "date-time"},
            "status": {"enum": ["signed"]},
            "signed_at": _INSTANT,
            "signed_by": {"type": "integer"},
            "digest": {
                "type": "string",
                "description": "hex SHA-256 of the signed content as canonical JSON",
            },
            "physician_copy_error": {"type": ["string", "null"]},
            "addenda": {"type": "array", "items": {"$ref": "#/components/schemas/Addendum"}},
            "follow_up_questions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/FollowUpQuestion"},
            },
        },
    },
    "OpinionDraft": {
        "type": "object",
        "properties": {
            "consultation_id": {"type": "integer"},
            "status": {"enum": ["draft"]},
            "diagnosis_assessment": {"enum": ["agrees", "refines", "differs", None]},
            "summary": _STR,
            "answers": {
                "type": "array",
                "items": {"type": "object", "properties": {"question": _STR, "answer": _STR}},
            },
            "recommendations": _STR,
            "created_at": _INSTANT,
            "updated_at": _INSTANT,
        },
    },
    "OpinionSignature": {
        "type": "object",
        "required": ["password"],
        "properties": {"password": _STR, "otp": {**_STR, "description": "with a second factor"}},
    },
    "AddendumInput": {
        "type": "object",
        "required": ["text", "password"],
        "properties": {
            "text": {"type": "string", "maxLength": 10000},
            "password": _STR,
            "otp": _STR,
            "question_ids": {"type": "array", "items": {"type": "integer"}},
        },
    },
    "Addendum": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "integer"},
            "text": _STR,
            "signed_by": {"type": "integer"},
            "signed_at": _INSTANT,
            "digest": _STR,
        },
    },
    "FollowUpInput": {
        "type": "object",
        "required": ["question"],
        "properties": {"question": {"type": "string", "maxLength": 2000}},
    },
    "FollowUpQuestion": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "question": _STR,
            "asked_at": _INSTANT,
            "answered_in": {"type": ["integer", "null"], "description": "addendum number"},
        },
    },
    "FollowUpQuestions": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/FollowUpQuestion"}},
            "next": {"type": "null"},
        },
    },
    "OpinionSent": {"type": "object", "properties": {"sent_to_physician_at": _INSTANT}},
    "PhysicianLinkInput": {
        "type": "object",
        "properties": {"physician_email": {"type": "string", "format": "email"}},
    },
    "PhysicianLink": {
        "type": "object",
        "required": ["url", "expires_at"],
        "properties": {
            "url": {"type": "string", "format": "uri"},
            "expires_at": _INSTANT,
            "emailed": {"type": "boolean"},
        },
    },
    "OpinionStats": {
        "type": "object",
        "properties": {
            name: {"type": "integer"} for name in ("agrees", "refines", "differs", "total")
        },
    },
    "Document": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "consultation_id": {"type": "integer"},
            "kind": {
                "enum": ["pathology", "imaging_report", "lab_results", "clinical_notes", "other"]
            },
            "filename": _STR,
            "content_type": {
                "enum": [
                    "application/pdf",
                    "image/jpeg",
                    "image/png",
                    "application/dicom",
                    "text/plain",
                ]
            },
            "size": {"type": "integer"},
            "sha256": _STR,
            "created_at": _INSTANT,
            "uploaded_by": {"$ref": "#/components/schemas/Person"},
            "url": {"type": "string", "description": "where to download the file"},
        },
    },
    "DocumentPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}},
            "next": {"type": ["string", "null"]},
        },
    },
    "CalendarFeed": {
        "type": "object",
        "required": ["url"],
        "properties": {
            "url": {"type": "string", "description": "secret https address of the feed"},
            "webcal_url": {"type": "string", "description": "the same address as webcal://"},
        },
    },
    "DocumentUpload": {
        "type": "object",
        "description": "multipart/form-data body of POST /consultations/{id}/documents",
        "required": ["file", "kind"],
        "properties": {
            "file": {
                "type": "string",
                "format": "binary",
                "contentMediaType": "application/octet-stream",
                "description": "PDF, JPEG, PNG, DICOM or UTF-8 text; judged by content",
            },
            "kind": {
                "enum": ["pathology", "imaging_report", "lab_results", "clinical_notes", "other"]
            },
        },
    },
}

# The admin's specialist review (issue 17), kept in its own module.
from telesecond.api.admin_schemas import ADMIN_SCHEMAS  # noqa: E402

SCHEMAS.update(ADMIN_SCHEMAS)
SCHEMAS["Specialist"]["properties"].update(
    {
        "verified": {"type": "boolean"},
        "licences": {
            "type": "array",
            "description": "current verified licences; licensed_regions are their regions",
            "items": {
                "type": "object",
                "properties": {
                    "region": _STR,
                    "issuer": _STR,
                    "expires_on": {"type": "string", "format": "date"},
                },
            },
        },
    }
)
# The directory's suggestions while a patient types (issue 19.1).
SCHEMAS["SuggestionList"] = {
    "type": "object",
    "properties": {
        "field": {"enum": ["specialty", "condition", "language", "region"]},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "label": _STR,
                    "code": {
                        "type": ["string", "null"],
                        "description": "BCP 47 tag or ISO 3166 code; null for free text",
                    },
                },
            },
        },
    },
}
