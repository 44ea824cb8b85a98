"""The signed opinion as a PDF: everything it says is in it, tagged for screen readers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from telesecond.domain.opinion_document import Addendum, Answer, Signature
from telesecond.services.opinions.document import opinion_pdf
from tests.documents import samples
from tests.documents.pdf_reading import (
    all_text,
    catalog,
    font_names,
    reader,
    squeezed,
    structure_types,
)


@pytest.fixture
def typical(app) -> tuple:
    doc = samples.opinion()
    return doc, opinion_pdf(doc)


def test_the_pdf_holds_every_answer_the_recommendations_addenda_and_the_digest(typical):
    doc, pdf = typical
    text = all_text(pdf)
    for item in doc.answers:
        assert squeezed(item.question) in text
        assert squeezed(item.answer) in text
    assert squeezed("Ask for a sentinel node biopsy.") in text
    assert squeezed("Discuss hormone therapy.") in text
    assert squeezed("The pathology review arrived: it confirms the grade.") in text
    assert doc.addenda[0].digest in text
    assert doc.signature.digest in text
    assert squeezed(doc.summary) in text
    assert squeezed(doc.current_diagnosis) in text and "Mastectomy" in text


def test_the_pdf_names_the_people_the_time_the_licences_and_what_the_assessment_means(typical):
    doc, pdf = typical
    text = all_text(pdf)
    assert "MariaKeller" in text and "DrLenaBrandt" in text
    assert squeezed("April 18, 1971") in text
    # 13:00 UTC is 14:00 in Berlin in March (CET), and the zone is named.
    assert squeezed("Monday, March 2, 2026, 2:00 PM (Europe/Berlin, CET)") in text
    assert squeezed("LÄK-B-204418, issued by Ärztekammer Berlin, valid until June 30, 2028") in text
    assert squeezed("Ordre des médecins") in text
    assert squeezed("Refines. The specialist broadly agrees with the diagnosis") in text
    assert (
        squeezed("Signed electronically by Dr Lena Brandt on Tuesday, March 3, 2026, 3:30 PM")
        in text
    )


def test_the_pdf_is_tagged_titled_and_in_the_readers_language(typical):
    doc, pdf = typical
    root = catalog(pdf)
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader(pdf).metadata.title == "Second opinion C000042"
    tags = structure_types(pdf)
    assert tags.count("/H1") == 1
    # The consultation, licences, case, assessment, opinion, questions, recommendations,
    # addenda, signature.
    assert tags.count("/H2") == 9
    assert {"/P", "/Table", "/TH", "/L", "/LI"} <= set(tags)


def test_the_language_of_the_reader_is_the_documents(app):
    pdf = opinion_pdf(samples.opinion(language="fr"))
    assert catalog(pdf)["/Lang"] == "fr"
    # Dates in French, the specialist's words as written.
    assert squeezed("lundi 2 mars 2026, 14:00 (Europe/Berlin, CET)") in all_text(pdf)
    assert squeezed("Not urgently: within four weeks is safe.") in all_text(pdf)


def test_long_texts_wrap_over_pages_without_losing_a_word(app):
    words = " ".join(f"word{n}" for n in range(2500))
    unbroken = "x" * 400  # a pasted link or a run of characters with nowhere to break
    long_answer = "\n\n".join(f"Paragraph {n}: " + "answer text " * 60 for n in range(12))
    doc = samples.opinion(
        summary=f"{words}\n\n{unbroken}",
        answers=(Answer("A long question? " * 30, long_answer),),
        recommendations="Recommendation line.\n" * 200,
    )
    pdf = opinion_pdf(doc)
    pages = reader(pdf).pages
    assert len(pages) >= 5
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page.extract_text()
    text = all_text(pdf)
    assert squeezed(words) in text
    assert unbroken in text
    assert squeezed(long_answer) in text
    assert squeezed("Recommendation line.\n" * 200) in text
    assert doc.signature.digest in text


def test_yoruba_and_devanagari_names_render_with_their_own_glyphs(app):
    yoruba = "Ọláolúwa Adébáyọ̀ Ṣàngódẹ̀yí"
    hindi = "अनीता देसाई"
    doc = samples.opinion(
        language="yo",
        patient_name=yoruba,
        specialist_name=hindi,
        signature=Signature(signer=hindi, signed_at=samples.SIGNED_AT, digest=samples.sha256("x")),
        addenda=(
            Addendum(
                "Ìwé àfikún: ẹ̀rí tuntun.",
                hindi,
                datetime(2026, 3, 5, 8, 15, tzinfo=UTC),
                samples.sha256("y"),
            ),
        ),
    )
    pdf = opinion_pdf(doc)
    text = all_text(pdf)
    assert squeezed(yoruba) in text
    assert squeezed("Ìwé àfikún: ẹ̀rí tuntun.") in text
    assert squeezed(hindi) in text
    assert catalog(pdf)["/Lang"] == "yo"
    # Devanagari set in a Devanagari font, not as empty boxes in the Latin one.
    assert any("Lohit-Devanagari" in name for name in font_names(pdf))


def test_what_people_typed_is_printed_as_typed(app):
    typed = "<b>Dose</b> < 5 mg & 100% %(x)s"
    doc = samples.opinion(
        summary=typed,
        answers=(Answer(typed, typed),),
        signature=Signature(typed, samples.SIGNED_AT, samples.sha256("m")),
    )
    text = all_text(opinion_pdf(doc))
    assert text.count(squeezed(typed)) == 4  # the summary, the question, its answer, the signer
