"""The one WeasyPrint call: self-contained documents only, nothing fetched."""

from __future__ import annotations

import pytest

from telesecond.services.rendering.pdf import NotSelfContained, tagged_pdf
from tests.documents.pdf_reading import catalog

PAGE = '<!doctype html><html lang="en"><head><title>T</title></head><body>{}</body></html>'


@pytest.mark.parametrize(
    "reference",
    [
        '<img src="http://203.0.113.9/tracker.png" alt="">',
        '<link rel="stylesheet" href="https://203.0.113.9/style.css">',
        '<img src="file:///etc/passwd" alt="">',
        '<style>@font-face { font-family: X; src: url("http://203.0.113.9/x.woff"); }</style>',
    ],
    ids=["image", "stylesheet", "local file", "font"],
)
def test_a_reference_to_anything_outside_the_document_is_refused(reference):
    with pytest.raises(NotSelfContained):
        tagged_pdf(PAGE.format(reference))


def test_a_self_contained_document_is_tagged():
    root = catalog(tagged_pdf(PAGE.format("<h1>Title</h1><p>Text</p>")))
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"
