"""The JSON API under /api/v1 (bearer tokens, problem+json)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from telesecond.api import accounts, meta  # noqa: E402,F401  (routes register on bp)
