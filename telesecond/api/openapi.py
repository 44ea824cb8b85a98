"""The OpenAPI 3.1 document, built from the API's own routes and their annotations."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import current_app
from werkzeug.routing import IntegerConverter, Rule

# <name>, <int:name> or <int(max=9):name>: the parameter's name is the group.
_CONVERTER = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")
API_PREFIX = "/api/v1"
ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "415", "422", "429", "503"}


def documented(
    summary: str,
    *,
    body: str | None = None,
    body_type: str = "application/json",
    encoding: dict[str, dict[str, str]] | None = None,
    ok: str = "200",
    response: str | None = None,
    public: bool = False,
    errors: tuple[str, ...] = ("400", "422"),
) -> Callable:
    """Attach OpenAPI facts to a view: summary, request/response schema names, statuses.

    ``body_type`` is the request body's media type (``multipart/form-data`` for uploads);
    ``encoding`` gives a multipart body's per-part content types.
    """

    def decorator(view: Callable) -> Callable:
        view.openapi = {  # type: ignore[attr-defined]
            "summary": summary,
            "body": body,
            "body_type": body_type,
            "encoding": encoding,
            "ok": ok,
            "response": response,
            "public": public,
            "errors": errors,
        }
        return view

    return decorator


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _parameter_schema(rule: Rule, name: str) -> dict[str, Any]:
    """The path parameter's schema from the rule's converter (ids: bounded integers)."""
    converter = rule._converters.get(name)  # werkzeug keeps no public name for it
    if isinstance(converter, IntegerConverter):
        schema: dict[str, Any] = {"type": "integer", "minimum": converter.min or 0}
        if converter.max is not None:
            schema["maximum"] = converter.max
        return schema
    return {"type": "string"}


def _operation(endpoint: str, facts: dict[str, Any], rule: Rule) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": endpoint.replace(".", "_"), "summary": facts["summary"]}
    params = _CONVERTER.findall(rule.rule)
    if params:
        op["parameters"] = [
            {"name": p, "in": "path", "required": True, "schema": _parameter_schema(rule, p)}
            for p in params
        ]
    if facts["body"]:
        media: dict[str, Any] = {"schema": _ref(facts["body"])}
        if facts.get("encoding"):
            media["encoding"] = facts["encoding"]
        op["requestBody"] = {
            "required": True,
            "content": {facts.get("body_type") or "application/json": media},
        }
    success: dict[str, Any] = {"description": "Success"}
    if facts["response"]:
        success["content"] = {"application/json": {"schema": _ref(facts["response"])}}
    responses = {facts["ok"]: success}
    statuses = set(facts["errors"]) | ({"429"} if facts["public"] else {"401", "429"})
    if facts["body"] and (facts.get("body_type") or "application/json") == "application/json":
        statuses.add("415")  # json_object() refuses any other media type
    for status in sorted(statuses & ERROR_STATUSES):
        responses[status] = {"$ref": "#/components/responses/Problem"}
    op["responses"] = responses
    if facts["public"]:
        op["security"] = []
    return op


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document for every rule under /api/v1."""
    from telesecond.api.schemas import SCHEMAS

    paths: dict[str, dict[str, Any]] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        view = current_app.view_functions[rule.endpoint]
        facts = getattr(view, "openapi", None) or {
            "summary": "",
            "body": None,
            "ok": "200",
            "response": None,
            "public": False,
            "errors": (),
        }
        path = _CONVERTER.sub(r"{\1}", rule.rule.removeprefix(API_PREFIX))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule.endpoint, facts, rule)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "telesecond API",
            "version": "1",
            "description": "Book remote second-opinion video consultations.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                "Problem": {
                    "description": "An error, as RFC 9457 problem details",
                    "content": {"application/problem+json": {"schema": _ref("Problem")}},
                }
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
