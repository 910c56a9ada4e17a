"""Security headers on every response, cookie flags, and pages that load
nothing from outside the app."""
import re
from urllib.parse import urlsplit

import pytest
from helpers import api_token, loans_of

PAGES = [("admin", p) for p in (
    "/", "/loans/list/", "/agenda/", "/availability/", "/calendar/", "/sop/",
    "/rooms/list/", "/damage/list/", "/users/list/", "/reports/loan-register/",
    "/reports/annual/")] + [("peminjam1", "/loans/add"), ("kasi", "/tasks/"),
                            ("kasi", "/swagger/v1")]
PUBLIC_PAGES = ["/login/", "/register/", "/verify/unknown-code"]


def _directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def _check_headers(response):
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    for name, sources in directives.items():
        for source in sources:
            # Only the app itself, inline styles and this response's nonce.
            assert source in ("'self'", "'none'", "'unsafe-inline'", "data:") or \
                source.startswith("'nonce-"), f"{name} {source}"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    return directives


@pytest.fixture(scope="module")
def clients(module_app):
    from helpers import login

    return {name: login(module_app.test_client(), name)
            for name in ("admin", "kasi", "peminjam1")}


@pytest.fixture(scope="module")
def admin(clients):
    return clients["admin"]


@pytest.mark.parametrize("username,path", PAGES)
def test_pages_carry_the_headers_and_load_nothing_external(module_app, clients,
                                                           username, path):
    response = clients[username].get(path)
    assert response.status_code == 200, path
    directives = _check_headers(response)
    html = response.get_data(as_text=True)
    _assert_nothing_external(module_app, html, path)
    # Every inline script carries this response's nonce (else the browser
    # refuses to run it).
    nonce = next(s for s in directives["script-src"] if s.startswith("'nonce-"))[7:-1]
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert f'nonce="{nonce}"' in tag, f"{path}: {tag}"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_headers(module_app, path):
    response = module_app.test_client().get(path)
    _check_headers(response)
    _assert_nothing_external(module_app, response.get_data(as_text=True), path)


def test_errors_files_and_api_carry_the_headers(module_app, admin):
    loan = loans_of("peminjam1")[0]
    for response in (admin.get("/no-such-page"), admin.get(f"/loans/letter/{loan.id}"),
                     admin.get(f"/loans/disposition/{loan.id}"),
                     module_app.test_client().get("/api/v1/loans/"),
                     module_app.test_client().get("/static/pontive.css")):
        _check_headers(response)


def test_nonce_differs_per_response(module_app):
    client = module_app.test_client()
    first = _directives(client.get("/login/"))["script-src"]
    second = _directives(client.get("/login/"))["script-src"]
    assert first != second


# Attributes that make a browser fetch something by itself (not a plain link
# a person clicks).
FETCHING = re.compile(
    r"<(script|img|iframe|link|source|video|audio|embed|object|form)\b[^>]*?"
    r"\b(src|href|data|action|srcset)\s*=\s*[\"']([^\"']*)[\"']", re.I)


def _external(url):
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme not in ("", "data")


def _assert_nothing_external(app, html, path):
    found = [(tag, attr, url) for tag, attr, url in FETCHING.findall(html)
             if _external(url)]
    assert not found, f"{path} loads from outside: {found}"
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", html), path
    # The style sheets it links load nothing from outside either.
    for href in re.findall(r"<link\b[^>]*rel=\"stylesheet\"[^>]*href=\"([^\"]+)\"", html):
        css = app.test_client().get(href).get_data(as_text=True)
        outside = re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css)
        assert not outside and "@import" not in css, f"{href}: {outside}"


# ----------------------------------------------------------------- cookies

def _cookie_header(response, name):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name))


def test_session_cookie_flags_over_http(module_app):
    response = module_app.test_client().get("/login/")
    cookie = _cookie_header(response, "session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would be lost
    assert "Strict-Transport-Security" not in response.headers


def test_session_cookie_is_secure_over_https(module_app):
    response = module_app.test_client().get("/login/", base_url="https://localhost")
    cookie = _cookie_header(response, "session=")
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_cookie_settings():
    import config

    assert config.SESSION_COOKIE_HTTPONLY and config.REMEMBER_COOKIE_HTTPONLY
    assert config.SESSION_COOKIE_SAMESITE == config.REMEMBER_COOKIE_SAMESITE == "Lax"
    assert config.REMEMBER_COOKIE_SECURE == config.SESSION_COOKIE_SECURE


# ----------------------------------------------------------------- caching

def _not_stored(response, what):
    assert response.headers.get("Cache-Control") == "no-store", (
        what, response.status_code, response.headers.get("Cache-Control"))


def test_private_pages_documents_and_api_answers_are_not_stored(module_app, clients):
    """A browser or a proxy keeps no copy of a person's data: pages, every
    API answer (the login's token too), error pages and every document."""
    loan = loans_of("peminjam1")[0]
    admin, borrower = clients["admin"], clients["peminjam1"]
    anonymous = module_app.test_client()
    login = anonymous.post("/api/v1/security/login", json={
        "username": "peminjam1", "password": "Pontive#2026", "provider": "db"})
    assert "access_token" in login.get_json()
    token = {"Authorization": f"Bearer {login.get_json()['access_token']}"}
    staff_token = api_token(anonymous, "kasi")  # the disposition sheet is internal
    for what, response in [
        ("dashboard", borrower.get("/")),
        ("request list", borrower.get("/loans/list/")),
        ("request page", borrower.get(f"/loans/show/{loan.id}")),
        ("login page", anonymous.get("/login/")),
        ("error page", admin.get("/no-such-page")),
        ("api login", login),
        ("api list", anonymous.get("/api/v1/loans/", headers=token)),
        ("api request", anonymous.get(f"/api/v1/loans/{loan.id}", headers=token)),
        ("api refusal", anonymous.get("/api/v1/loans/")),
        ("letter", admin.get(f"/loans/letter/{loan.id}")),
        ("disposition sheet", admin.get(f"/loans/disposition/{loan.id}")),
        ("api disposition sheet",
         anonymous.get(f"/api/v1/loans/{loan.id}/disposition.pdf", headers=staff_token)),
        ("register", admin.get("/reports/loan-register/?format=xlsx")),
        ("annual report", admin.get("/reports/annual/download")),
    ]:
        assert response.status_code in (200, 401, 404), (what, response.status_code)
        _not_stored(response, what)


def test_static_files_may_be_cached(module_app):
    client = module_app.test_client()
    for path in ("/static/pontive.css", "/static/appbuilder/css/ab.css"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
