"""What a domain command raises when it refuses: typed, with the user's
messages per field, so that every caller (web form, REST API, CLI) maps the
same refusal to its own field, status code or exit message and never parses
text.

A command that raises has changed nothing the caller should keep: the caller
rolls back. The messages are lazy strings, in the user's language when shown.
"""
from flask_babel import lazy_gettext as _l

from app.platform.formatting import format_session

FORM = "_form"  # the key of messages that belong to no single field


class Refusal(Exception):
    """A refused command; ``errors`` maps a field name (of the command's input
    dataclass) to its messages, ``str()`` joins them all. ``suggestions`` are
    free alternatives to a taken schedule, each a list of (start, end), when
    the refusal names one (:class:`ScheduleConflict`, or other problems
    beside it)."""

    suggestions = ()

    def __init__(self, errors):
        self.errors = {}
        for name, messages in errors.items():
            kept = [m for m in messages if m is not None]
            if kept:
                self.errors[name] = kept
        super().__init__(self.errors)

    def __str__(self):
        # Read when shown, in the language of that moment.
        return " ".join(str(m) for ms in self.errors.values() for m in ms)

    @classmethod
    def at(cls, field, *messages):
        return cls({field: list(messages)})

    @property
    def message(self):
        """The first message: what a one-line answer (a 409 body, a flash) says."""
        return next((m for ms in self.errors.values() for m in ms), "")


class InputRefused(Refusal):
    """The input breaks a rule: the user must correct the named fields."""


class TransitionRefused(Refusal):
    """The step cannot be taken now: the request's state, its timing, or it is
    another borrower's. Nothing the user types would help."""

    def __init__(self, message):
        super().__init__({FORM: [message]})


class RoleRefused(TransitionRefused):
    """The user's role never takes this step."""


class ScheduleConflict(Refusal):
    """The room is taken at the times asked for.

    ``clashes`` are the (start, end) pairs that hold the room (never whose
    booking), ``suggestions`` the nearest free alternatives of the same
    length, each a list of (start, end): data, for the API to return and the
    web form to offer. The messages (at ``sessions``) name both:
    ``suggestions_text`` is the sentence offering the suggestions
    (scheduling.booking.conflict words it).
    """

    def __init__(self, clashes, suggestions=(), suggestions_text=None):
        self.clashes = [tuple(pair) for pair in clashes]
        self.suggestions = [list(s) for s in suggestions]
        times = "; ".join(format_session(start, end) for start, end in self.clashes)
        conflict = (_l("The room is already booked at that time: %(times)s.",
                       times=times)
                    if times else _l("The room is already booked at that time."))
        super().__init__({"sessions": [conflict, suggestions_text]})
