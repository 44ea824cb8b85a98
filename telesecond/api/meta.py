"""The API's self-description."""

from flask import jsonify

from telesecond.api.blueprint import bp
from telesecond.api.openapi import build_document


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document."""
    return jsonify(build_document())
