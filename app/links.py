"""Absolute links to the panel's pages, for mail, printed documents and QR codes."""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint, **values):
    """The page's full address: from the current request's host, else
    APP_BASE_URL (the CLI, a document rendered outside a web request)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(current_app.config["APP_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)
