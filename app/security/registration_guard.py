"""Keeping bots off the public registration form, without reCAPTCHA.

- CSRF: Flask-WTF checks the token of every form (CSRFProtect).
- A honeypot: a text field people do not see; bots fill in every field.
- A signed timestamp of when the form was shown: a submission sooner than
  REGISTRATION_MIN_SECONDS later is refused, and one older than
  REGISTRATION_FORM_MAX_HOURS must be sent again from a fresh form.
- At most REGISTRATION_MAX_PER_IP_PER_HOUR accounts per client address in an
  hour (0: no limit). The count is kept in memory, per process: each gunicorn
  worker counts its own and a restart forgets it. Behind a reverse proxy the
  address is the proxy's unless the app is told to trust X-Forwarded-For.
"""
import threading
import time
from collections import defaultdict, deque

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer

STAMP_SALT = "pontive-registration-form-stamp"
HOUR = 3600

HONEYPOT_MESSAGE = _l("The form could not be accepted. Please try again.")
TOO_FAST_MESSAGE = _l("The form was sent too quickly. Check your data and send it "
                      "again.")
STALE_FORM_MESSAGE = _l("The form has expired. Check your data and send it again.")
RATE_MESSAGE = _l("Too many registrations have come from your network in the last "
                  "hour. Please try again later.")


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STAMP_SALT)


def form_stamp(now=None):
    """The signed time the form is shown at (put in a hidden field)."""
    return _serializer().dumps(int(now if now is not None else time.time()))


def stamp_problem(stamp, now=None):
    """Why a form shown at ``stamp`` may not be accepted now, or None."""
    now = now if now is not None else time.time()
    try:
        shown_at = _serializer().loads(stamp or "")
    except BadData:
        return STALE_FORM_MESSAGE
    if not isinstance(shown_at, int):
        return STALE_FORM_MESSAGE
    elapsed = now - shown_at
    if elapsed < current_app.config["REGISTRATION_MIN_SECONDS"]:
        return TOO_FAST_MESSAGE
    if elapsed > current_app.config["REGISTRATION_FORM_MAX_HOURS"] * HOUR:
        return STALE_FORM_MESSAGE
    return None


def honeypot_problem(value):
    return HONEYPOT_MESSAGE if value else None


class RecentRegistrations:
    """Registration times per client address over the last hour (in memory)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._times = defaultdict(deque)

    def _count(self, address, now):
        times = self._times.get(address)
        while times and times[0] <= now - HOUR:
            times.popleft()
        if not times:
            self._times.pop(address, None)  # forget addresses gone quiet
            return 0
        return len(times)

    def full(self, address, limit, now):
        with self._lock:
            return bool(limit) and self._count(address, now) >= limit

    def add(self, address, now):
        with self._lock:
            self._count(address, now)
            self._times[address].append(now)


def _recent_registrations():
    return current_app.extensions.setdefault("pontive_registrations",
                                             RecentRegistrations())


def rate_problem(address, now=None):
    now = now if now is not None else time.time()
    limit = current_app.config["REGISTRATION_MAX_PER_IP_PER_HOUR"]
    return RATE_MESSAGE if _recent_registrations().full(address, limit, now) else None


def count_registration(address, now=None):
    _recent_registrations().add(address, now if now is not None else time.time())
