"""Refuse input holding a NUL character, before any view sees it.

PostgreSQL cannot store NUL in text (SQLite would, silently), and no person
types one; a form or API call carrying one gets a clear 400 and changes
nothing. Uploaded files are not checked (a PDF is binary).

Relies on: Flask running ``before_request`` functions in the order they
were registered (app/fab/__init__.py registers this one first).
"""
from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

MESSAGE = _l("The text you sent contains a NUL character, which is not allowed. "
             "Remove it and try again.")


class NulCharacter(BadRequest):
    """A 400 whose page says exactly what is wrong (app/platform/errors.py)."""

    user_message = MESSAGE


def _holds_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(v) for v in value)
    return False


def refuse_nul():
    if "\x00" in request.query_string.decode("latin-1") or "%00" in \
            request.query_string.decode("latin-1"):
        raise NulCharacter()
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if any(_holds_nul(v) for v in request.form.listvalues()):
        raise NulCharacter()
    if request.is_json:
        try:
            holds_nul = _holds_nul(request.get_json(silent=True))
        except RecursionError:  # nested too deep: the view refuses it (400)
            return
        if holds_nul:
            raise NulCharacter()


def register(app):
    # Registered before CSRFProtect's, so it runs first (CSRF reads the form too).
    app.before_request(refuse_nul)
