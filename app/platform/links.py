"""Links to the panel's pages: absolute ones for mail, printed documents and
QR codes, and the start of a row's page for pages listing many rows."""
from urllib.parse import urlsplit

from flask import current_app, url_for


def external_url(endpoint, **values):
    """The page's full address under APP_BASE_URL, the panel's configured
    address, never the address a request came in on: a mail or a printed
    page must not carry a host the sender typed in the request's Host header."""
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
