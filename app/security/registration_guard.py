"""Keeping bots off the public registration form, without reCAPTCHA.

- CSRF: Flask-WTF checks the token of every form (CSRFProtect).
- A honeypot: a text field people do not see; bots fill in every field.
- A signed timestamp of when the form was shown: a submission sooner than
  REGISTRATION_MIN_SECONDS later is refused, and one older than
  REGISTRATION_FORM_MAX_HOURS must be sent again from a fresh form.
- At most REGISTRATION_MAX_PER_IP_PER_HOUR accounts per client address in an
  hour (0: no limit), counted in the shared store of app/security/throttle.py
  (one atomic increment per registration: concurrent registrations cannot
  get past it together). With several workers, RATELIMIT_STORAGE_URI must
  name a store they share (Redis), or each worker counts its own. Behind a
  reverse proxy the address is the proxy's unless the app is told to trust
  X-Forwarded-For.
"""
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer

from app.security import throttle

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


RATE_NAME = "registrations"


def _rate():
    """The limit as a ``limits`` rate, or None when there is none."""
    count = current_app.config["REGISTRATION_MAX_PER_IP_PER_HOUR"]
    return f"{count} per hour" if count else None


def rate_problem(address):
    """Refusal of a registration from ``address`` whose hour is used up
    (nothing is counted: a form with errors uses up nothing)."""
    rate = _rate()
    if rate and not throttle.allows(rate, RATE_NAME, address):
        return RATE_MESSAGE
    return None


def claim_registration(address):
    """Count a registration from ``address`` before its account is made;
    :data:`RATE_MESSAGE` if that one is over the limit (it must not be made)."""
    rate = _rate()
    if rate and not throttle.hit(rate, RATE_NAME, address):
        return RATE_MESSAGE
    return None
