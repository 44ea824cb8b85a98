"""The OpenAPI document describes exactly the routes the app serves."""

from __future__ import annotations

import re


def test_openapi_document_matches_the_url_map(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                served.add((path, method.lower()))
    assert documented == served
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["summary"], f"{method.upper()} {path} has no summary"
            for response in op["responses"].values():
                ref = response.get("$ref") or (
                    response.get("content", {})
                    .get("application/json", {})
                    .get("schema", {})
                    .get("$ref")
                )
                if ref:
                    name = ref.rsplit("/", 1)[-1]
                    assert (
                        name in doc["components"]["schemas"]
                        or name in doc["components"]["responses"]
                    )


def test_the_api_contract_routes_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/accounts"]
    assert {"get", "patch"} <= set(paths["/me"])
    assert "post" in paths["/tokens"]
    assert "delete" in paths["/tokens/current"]
