"""The bounds of what people type about a request: texts, head counts, the
pledge. Submitting, editing and completing a request check them here."""
from flask_babel import lazy_gettext as _l

from app.models import LoanRequest

MAX_PARTICIPANTS = 10_000  # a sanity bound; the room's capacity is checked apart


def text_limit(name):
    """The longest text a request's column ``name`` holds."""
    return LoanRequest.__table__.c[name].type.length


def text_error(value, name):
    """The message for a required text of column ``name``, or None."""
    text = (value or "").strip()
    if not text:
        return _l("This field is required.")
    if len(text) > text_limit(name):
        return _l("At most %(count)d characters.", count=text_limit(name))
    return None


def participants_error(value):
    """The message for a head count (participants, or who attended), or None."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return _l("The number of participants must be a positive whole number.")
    if value > MAX_PARTICIPANTS:
        return _l("At most %(count)d participants.", count=MAX_PARTICIPANTS)
    return None


def pledge_error(given):
    if not given:
        return _l("You must pledge that no buffet food will be served.")
    return None
