"""Security headers on every response, and Secure cookies over HTTPS.

The Content-Security-Policy lets a page load nothing from outside the app.
Scripts run only from the app's own files or from inline blocks carrying the
request's nonce (Flask-AppBuilder's templates ask for it through
``baselib.get_nonce()``, which calls ``csp_nonce()`` when it is defined);
styles may be inline, as FAB's templates set ``style=`` attributes.

Nothing but the static files may be kept by a browser or a proxy: pages,
API answers (the login's token among them) and documents hold a person's
data, so they are ``Cache-Control: no-store`` (Flask sends a download as
``no-cache``, which still lets it be stored).
"""
import secrets

from flask import g, request
from flask.sessions import SecureCookieSessionInterface


def csp_nonce():
    """The nonce of this request's inline scripts (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce):
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def is_static_file():
    """Flask's and the blueprints' static folders (FAB's ``appbuilder.static``)."""
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def add_security_headers(response):
    response.headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    if not is_static_file():
        response.headers["Cache-Control"] = "no-store"
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=31536000; includeSubDomains")
    return response


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when SESSION_COOKIE_SECURE says so, and
    whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure


def register(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.session_interface = SessionInterface()
    app.after_request(add_security_headers)
