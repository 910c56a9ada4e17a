"""The bounds of what people type about a request: head counts and the
pledge (its texts are bound by their columns: accounts.text_error).
Submitting, editing and completing a request check them here."""
from flask_babel import lazy_gettext as _l

MAX_PARTICIPANTS = 10_000  # a sanity bound; the room's capacity is checked apart


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
