"""The signed second opinion as a document: what it says, who signed it, when.

Pure: the builder in ``services/opinions/document.py`` fills it from the records, and
``services/rendering`` turns it into a tagged PDF or an HTML page. The rules:

- Every instant is aware; ``zone`` (an IANA name) is the zone it is shown in.
- The specialist's own words (summary, answers, recommendations, addenda) stay exactly
  as written; only the fixed labels and the dates are the document's.
- The assessment is one of ``ASSESSMENTS`` and is always shown with its plain-words
  meaning, so a patient does not have to guess what "refines" means.
- The signature and each addendum carry the SHA-256 digest of what was signed (64 hex
  characters), so a reader can check the copy against the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The assessment, its short label and what it means in plain words.
ASSESSMENT_MEANINGS = {
    "agrees": (
        "Agrees",
        "The specialist agrees with the diagnosis you were given.",
    ),
    "refines": (
        "Refines",
        "The specialist broadly agrees with the diagnosis you were given, "
        "and makes it more precise or adds to it.",
    ),
    "differs": (
        "Differs",
        "The specialist reaches a different diagnosis from the one you were given.",
    ),
}
ASSESSMENTS = tuple(ASSESSMENT_MEANINGS)
_SHA256 = re.compile(r"[0-9a-f]{64}")
# BCP 47 as the app stores it: a language, then optional subtags (script, region).
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime")


def _digest(value: str, what: str) -> None:
    if not _SHA256.fullmatch(value):
        raise ValueError(f"{what} must be a SHA-256 digest in lowercase hex")


def check_language(language: str) -> None:
    """Raise ValueError unless ``language`` looks like a BCP 47 tag (``en``, ``pt-BR``)."""
    if not _LANGUAGE.fullmatch(language):
        raise ValueError(f"not a language tag: {language!r}")


def check_zone(zone: str) -> None:
    """Raise ValueError unless ``zone`` is a known IANA zone name."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone: {zone!r}") from None


@dataclass(frozen=True)
class Licence:
    """A licence to practise that an admin verified: where, its number, who issued it."""

    region: str
    number: str
    issuer: str
    expires_on: date


@dataclass(frozen=True)
class Answer:
    """One of the patient's questions with the specialist's answer."""

    question: str
    answer: str


@dataclass(frozen=True)
class Addendum:
    """Text the specialist added after signing, itself signed."""

    text: str
    signed_by: str
    signed_at: datetime
    digest: str

    def __post_init__(self) -> None:
        _aware(self.signed_at, "an addendum's signed_at")
        _digest(self.digest, "an addendum's digest")


@dataclass(frozen=True)
class Signature:
    """Who signed the opinion, when, and the SHA-256 digest of the signed content."""

    signer: str
    signed_at: datetime
    digest: str

    def __post_init__(self) -> None:
        _aware(self.signed_at, "signed_at")
        _digest(self.digest, "the signature's digest")


@dataclass(frozen=True)
class OpinionDocument:
    """Everything the signed opinion shows, in the order it shows it."""

    language: str
    zone: str
    reference: str
    patient_name: str
    patient_birth_date: date | None
    specialist_name: str
    licences: tuple[Licence, ...]
    consultation_start: datetime
    current_diagnosis: str
    proposed_treatment: str
    assessment: str
    summary: str
    answers: tuple[Answer, ...]
    recommendations: str
    addenda: tuple[Addendum, ...]
    signature: Signature

    def __post_init__(self) -> None:
        check_language(self.language)
        check_zone(self.zone)
        _aware(self.consultation_start, "consultation_start")
        if self.assessment not in ASSESSMENT_MEANINGS:
            raise ValueError(f"unknown assessment: {self.assessment!r}")

    @property
    def assessment_label(self) -> str:
        """The assessment in one word (Agrees, Refines, Differs)."""
        return ASSESSMENT_MEANINGS[self.assessment][0]

    @property
    def assessment_meaning(self) -> str:
        """What the assessment means, in plain words."""
        return ASSESSMENT_MEANINGS[self.assessment][1]

    @property
    def title(self) -> str:
        """The document's title (the PDF's /Title, the page's <title>): no health data."""
        return f"Second opinion {self.reference}"


def paragraphs(text: str) -> list[str]:
    """Written text split at blank lines, each paragraph with its line breaks kept."""
    blocks = re.split(r"\n(?:[ \t]*\n)+", text.replace("\r\n", "\n").strip())
    return [block.strip("\n") for block in blocks if block.strip()]
