"""The signed opinion rendered: a tagged PDF to keep, and the same body as a page.

Both need the app (its templates); :func:`page` also needs a request, because the page
is wrapped in the site's layout (navigation, the signed-in account).
"""

from __future__ import annotations

from functools import partial

from flask import current_app, render_template

from telesecond.domain.opinion_document import OpinionDocument, paragraphs
from telesecond.services.rendering import formats
from telesecond.services.rendering.labels import label_context
from telesecond.services.rendering.pdf import tagged_pdf


def _context(doc: OpinionDocument) -> dict:
    return {
        **label_context(),
        "doc": doc,
        "when": partial(formats.date_time, zone=doc.zone, language=doc.language),
        "day": partial(formats.long_date, language=doc.language),
        "paragraphs": paragraphs,
    }


def pdf(doc: OpinionDocument) -> bytes:
    """The opinion as a tagged PDF (PDF/UA-1) titled and in the reader's language."""
    # Straight from the templates: the PDF needs none of the page's context (no request).
    template = current_app.jinja_env.get_template("opinion_document/pdf.html")
    return tagged_pdf(template.render(**_context(doc)))


def page(doc: OpinionDocument) -> str:
    """The opinion as an HTML page in the site's layout (call it while serving a request)."""
    return render_template("opinion_document/page.html", **_context(doc))
