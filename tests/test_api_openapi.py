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
            assert media in ("application/pdf", "application/vnd.openxmlformats-"
                             "officedocument.spreadsheetml.sheet")


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
