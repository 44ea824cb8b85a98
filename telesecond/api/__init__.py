"""The JSON API under /api/v1 (bearer tokens, problem+json)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def _refuse_unstorable_query_text():
    """Query parameters with NUL or lone surrogates are a 422, before any query sees them."""
    from flask import request

    from telesecond.api.parsing import text_problem
    from telesecond.services.errors import Invalid

    for name, value in request.args.items(multi=True):
        problem = text_problem(name) or text_problem(value)
        if problem:
            raise Invalid.field(name[:40], problem)


# the route modules register on bp when imported
from telesecond.api import (  # noqa: E402,F401
    accounts,
    calendar,
    consultations,
    documents,
    meta,
    opinions,
    reminders,
    specialists,
)
