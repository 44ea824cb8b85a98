"""HTML to an accessible PDF: tagged (PDF/UA-1), titled, with its language set.

WeasyPrint takes the structure from the HTML (headings, lists, tables, paragraphs), the
/Title from ``<title>`` and the /Lang from ``<html lang>``. The documents are built from
our own templates with everything inline, so nothing is ever fetched: a reference to any
URL stops the rendering instead of reaching out.
"""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

# PDF/UA-1: tagged structure, /MarkInfo /Marked true, the title shown, the language set.
PDF_VARIANT = "pdf/ua-1"


class NotSelfContained(ValueError):
    """The document refers to something outside itself (an image, a stylesheet, a font)."""


def tagged_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document, tagged for screen readers.

    :raise NotSelfContained: the HTML refers to a URL (nothing is fetched).
    """
    fetcher = URLFetcher(allowed_protocols=(), fail_on_errors=True)
    try:
        return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)
    except FatalURLFetchingError as refused:
        # WeasyPrint's own error is a BaseException, which no error handler would catch.
        raise NotSelfContained(str(refused)) from None
