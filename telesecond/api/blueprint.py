"""The JSON API's blueprint under /api/v1; the route modules register on it."""

from __future__ import annotations

from flask import Blueprint, request

from telesecond.api.parsing import text_problem
from telesecond.services.errors import Invalid

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _refuse_unstorable_query_text():
    """Query parameters with NUL or lone surrogates are a 422, before any query sees them."""
    for name, value in request.args.items(multi=True):
        problem = text_problem(name) or text_problem(value)
        if problem:
            raise Invalid.field(name[:40], problem)
