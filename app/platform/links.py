"""Links to the panel's pages: absolute ones for mail, printed documents and
QR codes, and the start of a row's page for pages listing many rows."""
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


def row_url_prefix(endpoint):
    """The address of ``endpoint``'s page of one row (its last part the
    row's ``pk``) without the key: a page listing hundreds of rows appends
    each key instead of building every address."""
    marker = "0"
    return url_for(endpoint, pk=marker)[:-len(marker)]
