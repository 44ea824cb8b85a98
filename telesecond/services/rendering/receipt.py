"""The itemised receipt rendered: a tagged PDF to file, and the same body as a page.

Wiring (for the payments routes)::

    doc = Receipt(...)                    # domain.receipt_document, filled from payments
    pdf_bytes = receipt.receipt_pdf(doc)  # send as application/pdf (an attachment)
    html = receipt.receipt_html(doc)      # return as the page (needs the request)
"""

from __future__ import annotations

from functools import partial

from flask import current_app, render_template

from telesecond.domain.receipt_document import Receipt
from telesecond.services.rendering import formats
from telesecond.services.rendering.labels import label_context
from telesecond.services.rendering.pdf import tagged_pdf


def _context(doc: Receipt) -> dict:
    return {
        **label_context(),
        "doc": doc,
        "money": partial(formats.money, currency=doc.currency, language=doc.language),
        "day": partial(formats.long_date, language=doc.language),
        "day_of": partial(formats.date_in_zone, zone=doc.zone, language=doc.language),
    }


def receipt_pdf(doc: Receipt) -> bytes:
    """The receipt as a tagged PDF (PDF/UA-1) titled and in the reader's language."""
    # Straight from the templates: the PDF needs none of the page's context (no request).
    template = current_app.jinja_env.get_template("receipt_document/pdf.html")
    return tagged_pdf(template.render(**_context(doc)))


def receipt_html(doc: Receipt) -> str:
    """The receipt as an HTML page in the site's layout; call it while serving a request."""
    return render_template("receipt_document/page.html", **_context(doc))
