"""Refuse input holding text no database can store, before any view sees it.

- A NUL character: PostgreSQL cannot store it in text (SQLite would,
  silently), and no person types one.
- A lone surrogate, half of a UTF-16 pair (``"\\ud800"`` in JSON): no
  encoding can write it, so the database driver raised UnicodeEncodeError.
  Form fields and URLs cannot carry one (Werkzeug decodes them with
  replacement characters); JSON bodies can.

A form or API call carrying either gets a clear 400 and changes nothing.
Uploaded files are not checked (a PDF is binary). The REST API's own body
parser (app/api/common.py ``json_body``, which reads JSON whatever its
content type says) checks what it parsed with :func:`refuse_unstorable`.

Relies on: Flask running ``before_request`` functions in the order they
were registered (app/fab/__init__.py registers this one first).
"""
import re

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

NUL = "\x00"
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class NulCharacter(BadRequest):
    """A 400 whose page says exactly what is wrong (app/platform/errors.py)."""

    user_message = _l("The text you sent contains a NUL character, which is not "
                      "allowed. Remove it and try again.")


class LoneSurrogate(BadRequest):
    user_message = _l("The text you sent contains an invalid character (half of a "
                      "UTF-16 surrogate pair). Remove it and try again.")


def _unstorable(value):
    """The first character of ``value`` (nested lists and objects, their keys
    too) that cannot be stored, or None."""
    if isinstance(value, str):
        found = UNSTORABLE.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        items = [item for pair in value.items() for item in pair]
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return None
    for item in items:
        found = _unstorable(item)
        if found:
            return found
    return None


def refuse_unstorable(value):
    """Raise :class:`NulCharacter` or :class:`LoneSurrogate` if ``value`` holds
    text that cannot be stored."""
    found = _unstorable(value)
    if found == NUL:
        raise NulCharacter()
    if found:
        raise LoneSurrogate()


def refuse_bad_input():
    query = request.query_string.decode("latin-1")
    if NUL in query or "%00" in query:
        raise NulCharacter()
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    refuse_unstorable(list(request.form.listvalues()))
    if request.is_json:
        try:
            refuse_unstorable(request.get_json(silent=True))
        except RecursionError:  # nested too deep: the view refuses it (400)
            return


def register(app):
    # Registered before CSRFProtect's, so it runs first (CSRF reads the form too).
    app.before_request(refuse_bad_input)
