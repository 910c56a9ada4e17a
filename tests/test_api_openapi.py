"""The OpenAPI document (/api/v1/_openapi) and the Swagger page (/swagger/v1),
which must work without the internet: every asset it loads comes from the app.
"""
import re
from urllib.parse import urlsplit

import pytest
from helpers import api_token, login

SPEC = "/api/v1/_openapi"
OPERATIONS = {
    ("/api/v1/rooms/", "get"): "RoomListSchema",
    ("/api/v1/availability", "get"): "AvailabilitySchema",
    ("/api/v1/loans/recurrence-preview", "get"): "RecurrencePreviewSchema",
    ("/api/v1/documents/register.pdf", "get"): None,
    ("/api/v1/documents/register.xlsx", "get"): None,
    ("/api/v1/documents/annual-report/{year}.pdf", "get"): None,
}


@pytest.fixture(scope="module")
def spec(module_app):
    client = module_app.test_client()
    response = client.get(SPEC, headers=api_token(client, "peminjam1"))
    assert response.status_code == 200
    return response.get_json()


def _resolve(spec, node):
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def test_spec_describes_every_endpoint(spec):
    assert spec["openapi"].startswith("3.")
    assert ("/api/v1/loans/", "get") in {
        (path, method) for path, ops in spec["paths"].items() for method in ops}
    for (path, method), schema in OPERATIONS.items():
        operation = spec["paths"][path][method]
        assert operation["security"], path
        responses = {code: _resolve(spec, r) for code, r in operation["responses"].items()}
        assert {"200", "401", "403"} <= set(responses), path
        error = _resolve(spec, responses["401"]["content"]["application/json"]["schema"])
        assert "message" in error["properties"], path
        if schema:
            assert responses["200"]["content"]["application/json"]["schema"] == {
                "$ref": f"#/components/schemas/{schema}"}
            assert schema in spec["components"]["schemas"]
        else:
            media, = responses["200"]["content"]
            assert media in ("application/pdf", ("application/vnd.openxmlformats-"
                                                 "officedocument.spreadsheetml.sheet"))


def test_availability_hides_the_borrower_in_the_schema(spec):
    block = spec["components"]["schemas"]["BusyBlockSchema"]
    assert block["properties"]["loan"].get("nullable") or "null" in str(
        block["properties"]["loan"])


def test_spec_needs_a_login(module_app):
    assert module_app.test_client().get(SPEC).status_code == 401


@pytest.mark.parametrize("name", ["kasi", "peminjam2"])
def test_swagger_page_works_offline(module_app, name):
    client = login(module_app.test_client(), name)
    response = client.get("/swagger/v1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "SwaggerUIBundle(" in html and "validatorUrl: null" in html
    assets = re.findall(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        parts = urlsplit(asset)
        assert not parts.scheme and not parts.netloc, f"external asset {asset}"
        assert client.get(asset).status_code == 200, asset
    # No address outside the app anywhere on the page (links included).
    external = re.findall(r'(?:src|href|url)\s*[=:(]\s*["\']?((?:https?:)?//[^"\')\s]+)',
                          html)
    assert not external
    # The page fetches the document with the browser's login.
    assert "'/api/v1/_openapi'" in html
    assert client.get(SPEC).status_code == 200


def test_swagger_page_needs_a_login(module_app):
    response = module_app.test_client().get("/swagger/v1")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


# ------------------------------------------------ the document states what the server does

def _request_schemas(spec):
    """(where, schema) of every request body and parameter, $refs resolved,
    nested objects and arrays included."""
    def walk(where, node):
        node = _resolve(spec, node)
        yield where, node
        for name, child in node.get("properties", {}).items():
            yield from walk(f"{where}.{name}", child)
        if "items" in node:
            yield from walk(f"{where}[]", node["items"])
        for i, option in enumerate(node.get("oneOf", [])):
            yield from walk(f"{where}|{i}", option)

    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    continue  # a path no route has is 404, whatever it holds
                schema = parameter.get("schema") or parameter["content"][
                    "application/json"]["schema"]
                yield from walk(f"{label} {parameter['name']}", schema)
            body = operation.get("requestBody", {}).get("content", {})
            if "application/json" in body:
                yield from walk(f"{label} body", body["application/json"]["schema"])


def test_no_text_the_document_allows_holds_a_nul_character(spec):
    """The server refuses NUL everywhere (app/fab/input_guard.py)."""
    import re

    texts = [(where, schema) for where, schema in _request_schemas(spec)
             if schema.get("type") == "string" and "enum" not in schema
             and schema.get("format") != "date-time"]  # holds no NUL either
    assert len(texts) > 20
    for where, schema in texts:
        assert "pattern" in schema, where
        assert not re.search(schema["pattern"], "Rapat\x00uji"), where


def test_bodies_name_every_field_they_take(spec):
    objects = [(where, schema) for where, schema in _request_schemas(spec)
               if schema.get("type") == "object" and "properties" in schema
               and where.endswith(("body", "q", "[]"))]
    assert len(objects) > 10
    for where, schema in objects:
        assert schema.get("additionalProperties") is False, where


def test_bounds_are_the_servers(spec):
    from app.domain.text_limits import LOAN_REQUEST, STEP

    schemas = spec["components"]["schemas"]
    create = schemas["LoanRequestApi.post"]["properties"]
    for name, limit in LOAN_REQUEST.items():
        assert create[name]["maxLength"] == limit.max_chars, name
    assert schemas["StepNote"]["properties"]["note"]["maxLength"] == STEP["note"].max_chars
    assert schemas["StepReason"]["properties"]["reason"]["maxLength"] == (
        STEP["reason"].max_chars)
    assert create["room_id"]["minimum"] == 1
    assert create["no_buffet_pledge"]["enum"] == [True]
    room_id = next(p for p in spec["paths"]["/api/v1/availability"]["get"]["parameters"]
                   if p["name"] == "room_id")
    assert room_id["schema"]["minimum"] == 1
    login = _resolve(spec, spec["paths"]["/api/v1/security/login"]["post"][
        "requestBody"]["content"]["application/json"]["schema"])
    assert login["properties"]["provider"]["enum"] == ["db"]
    assert set(login["required"]) == {"username", "password", "provider"}
    query = schemas["LoanListQuery"]["properties"]
    assert set(query["order_column"]["enum"]) == {
        "", "id", "created_at", "registration_number", "status", "title"}


def test_every_operation_lists_what_it_may_answer(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if path.endswith("/_openapi"):
                continue  # FAB's own document endpoint
            assert "503" in operation["responses"], (method, path)
    assert "/api/v1/menu/" not in spec["paths"]


@pytest.fixture
def client_tokens(module_app):
    client = module_app.test_client()
    return client, {name: api_token(client, name) for name in ("kasi", "peminjam1")}


def test_the_server_refuses_what_the_document_forbids(module_app, client_tokens):
    from helpers import loans_of

    client, tokens = client_tokens
    loan = loans_of("peminjam1")[0]
    extra = client.post(f"/api/v1/loans/{loan.id}/cancel",
                        json={"reason": "Batal", "alasan_lain": "x"},
                        headers=tokens["peminjam1"])
    assert extra.status_code == 422
    assert list(extra.get_json()["errors"]) == ["alasan_lain"]
    assert client.get("/api/v1/menu/", headers=tokens["kasi"]).status_code == 404
    no_provider = client.post("/api/v1/security/login", json={
        "username": "kasi", "password": "Pontive#2026"})
    assert no_provider.status_code == 400
    for q in ('{"page_size": 0}', '{"page": -1}', '{"foo": 1}',
              '{"filters": [{"col": "room", "opr": "rel_o_m", "value": "abc"}]}',
              '{"filters": [{"col": "created_at", "opr": "gt", "value": "2026-01-01"}]}'):
        response = client.get("/api/v1/loans/", query_string={"q": q},
                              headers=tokens["kasi"])
        assert response.status_code == 400, q


def test_the_server_takes_what_the_document_allows(module_app, client_tokens):
    client, tokens = client_tokens
    since = client.get("/api/v1/loans/", headers=tokens["kasi"], query_string={
        "q": '{"filters": [{"col": "created_at", "opr": "gt", '
             '"value": "2000-01-01T00:00+07:00"}], "page_size": 100}'})
    assert since.status_code == 200
    everything = client.get("/api/v1/loans/", headers=tokens["kasi"],
                            query_string={"q": '{"page_size": 100}'})
    assert since.get_json()["count"] == everything.get_json()["count"] > 0
    login = client.post("/api/v1/security/login", json={
        "username": "kasi", "password": "Pontive#2026", "provider": "db",
        "refresh": True})
    assert login.status_code == 200 and "refresh_token" in login.get_json()
