"""HTML to an accessible PDF: tagged (PDF/UA-1), titled, with its language set.

WeasyPrint takes the structure from the HTML (headings, lists, tables, paragraphs), the
/Title from ``<title>`` and the /Lang from ``<html lang>``. The documents are built from
our own templates with everything inline, so nothing is ever fetched: a reference to any
URL stops the rendering instead of reaching out.
"""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher

# PDF/UA-1: tagged structure, /MarkInfo /Marked true, the title shown, the language set.
PDF_VARIANT = "pdf/ua-1"


def tagged_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document, tagged for screen readers."""
    fetcher = URLFetcher(allowed_protocols=(), fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)
