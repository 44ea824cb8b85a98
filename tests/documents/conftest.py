"""An app with a test-only route per document, as the real routes will show them."""

from __future__ import annotations

import pytest
from flask import Blueprint

from telesecond.domain.opinion_document import Answer, Signature
from telesecond.services.opinions.document import opinion_html
from telesecond.services.rendering.receipt import receipt_html
from tests.documents import samples

# What a person might type: markup and format codes, to be shown as typed.
MARKUP = "<b>Dose</b> < 5 mg & 100% %(x)s"
LONG = "Wrapped text " * 400 + "z" * 200  # long words and paragraphs must not widen a phone page


def _routes() -> Blueprint:
    shown = Blueprint("test_documents", __name__)

    @shown.get("/test-documents/opinion/<language>")
    def opinion(language: str):
        return opinion_html(samples.opinion(language=language))

    @shown.get("/test-documents/opinion-long")
    def opinion_long():
        return opinion_html(
            samples.opinion(
                patient_name="Ọláolúwa Adébáyọ̀ Ṣàngódẹ̀yí",
                specialist_name="अनीता देसाई",
                summary=LONG,
                recommendations=LONG,
            )
        )

    @shown.get("/test-documents/opinion-markup")
    def opinion_markup():
        return opinion_html(
            samples.opinion(
                summary=MARKUP,
                answers=(Answer(MARKUP, MARKUP),),
                signature=Signature(MARKUP, samples.SIGNED_AT, samples.sha256("m")),
            )
        )

    @shown.get("/test-documents/receipt/<language>")
    def receipt(language: str):
        return receipt_html(samples.receipt(language=language, diagnosis_codes=("C50.4",)))

    @shown.get("/test-documents/receipt-long")
    def receipt_long():
        return receipt_html(samples.receipt(description=LONG, clinic_tax_id="x" * 120))

    return shown


@pytest.fixture
def documents_app(make_app, clock):
    """The app with the test-only document routes (registered before its first request)."""
    app = make_app(CLOCK=clock)
    app.register_blueprint(_routes())
    return app
