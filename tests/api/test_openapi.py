"""The OpenAPI document describes exactly the routes the app serves."""

from __future__ import annotations

import re

from telesecond.api.openapi import documented
from telesecond.models.record import DOCUMENT_KINDS

# <name>, <int:name> and <int(max=9):name> all become {name}.
PARAMETER = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")


def test_openapi_document_matches_the_url_map(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = PARAMETER.sub(r"{\1}", rule.rule.removeprefix("/api/v1"))
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


def test_every_path_parameter_is_declared_and_ids_are_bounded(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, ops in paths.items():
        names = re.findall(r"{([a-z_]+)}", path)
        for method, op in ops.items():
            declared = {p["name"]: p for p in op.get("parameters", [])}
            assert sorted(declared) == sorted(names), f"{method} {path}"
            for name in names:
                if name.endswith("_id"):
                    schema = declared[name]["schema"]
                    assert schema["type"] == "integer" and schema["maximum"] == 2**31 - 1


def test_the_document_upload_is_described_as_multipart(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/consultations/{consultation_id}/documents"]["post"]
    assert op["requestBody"]["required"] is True
    [(media_type, media)] = op["requestBody"]["content"].items()
    assert media_type == "multipart/form-data"
    assert "application/pdf" in media["encoding"]["file"]["contentType"]
    name = media["schema"]["$ref"].rsplit("/", 1)[-1]
    schema = doc["components"]["schemas"][name]
    assert set(schema["required"]) == {"file", "kind"}
    assert schema["properties"]["file"]["type"] == "string"
    assert schema["properties"]["file"]["format"] == "binary"
    assert schema["properties"]["kind"]["enum"] == list(DOCUMENT_KINDS)
    assert op["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Document"
    )
    # JSON bodies keep their media type.
    tokens = doc["paths"]["/tokens"]["post"]["requestBody"]["content"]
    assert list(tokens) == ["application/json"]


def test_documented_defaults_to_a_json_body():
    @documented("A view", body="Thing")
    def view():
        return None

    assert view.openapi["body_type"] == "application/json"
    assert view.openapi["encoding"] is None


def test_every_operation_with_a_json_body_lists_415(client):
    """A JSON body sent as anything else is refused with 415: the document says so."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    json_operations = [
        (method, path, op)
        for path, ops in paths.items()
        for method, op in ops.items()
        if "application/json" in op.get("requestBody", {}).get("content", {})
    ]
    assert len(json_operations) > 10
    for method, path, op in json_operations:
        assert "415" in op["responses"], f"{method.upper()} {path} does not list 415"


def test_a_json_operation_refuses_another_media_type_with_415(client):
    answer = client.post("/api/v1/tokens", data="email=a@b.example", content_type="text/plain")
    assert answer.status_code == 415
    assert answer.mimetype == "application/problem+json"
