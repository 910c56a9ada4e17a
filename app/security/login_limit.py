"""The login limit: wrong passwords, counted per account and per client
address, on the web form and the API (/api/v1/security/login) together.

Only failures count, so an office whose people all log in from one address
is never held up by its own successful logins. A wrong password counts once
for the account (found by username or email address, so both count
together; a name with no account counts by the name, so that nothing tells
which names exist) and once for the client's address:

- LOGIN_ACCOUNT_FAILURE_LIMIT ("5 per 15 minutes"): a guessed-at account is
  closed to logins for the rest of its window only (at most 15 minutes), and
  a successful login (or a new password set by the emailed link) clears its
  count;
- LOGIN_ADDRESS_FAILURE_LIMIT ("20 per 15 minutes"): one address spraying
  guesses over many accounts is stopped.

While either is used up, the attempt is refused before the password is
checked, with a message saying when to try again. The counts live in the
shared store (app/security/throttle.py); RATELIMIT_ENABLED turns the limit
off altogether.
"""
import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext

from app.platform.formatting import format_clock, format_minutes, zone_abbreviation
from app.platform.timeutil import utcnow
from app.security import throttle

ACCOUNT = "login-failures-account"
ADDRESS = "login-failures-address"


@dataclass(frozen=True)
class Refusal:
    seconds: int  # until the attempt may be made again

    @property
    def message(self):
        again = utcnow() + timedelta(seconds=self.seconds)
        return gettext(
            "Too many login attempts with a wrong password. Try again at "
            "%(time)s %(zone)s (in %(wait)s).", time=format_clock(again),
            zone=zone_abbreviation(again), wait=format_minutes(math.ceil(self.seconds / 60)))


def _enabled():
    return current_app.config["RATELIMIT_ENABLED"]


def _user_key(user_id):
    return f"user-{user_id}"


def account_key(login):
    """The count key of the account ``login`` (a username or an email address)."""
    login = (login or "").strip()
    sm = current_app.appbuilder.sm
    user = (sm.find_user(username=login) or sm.find_user(email=login)) if login else None
    if user is not None:
        return _user_key(user.id)
    return "name-" + hashlib.sha256(login.lower().encode()).hexdigest()[:32]


def _counts(login):
    config = current_app.config
    return ((config["LOGIN_ACCOUNT_FAILURE_LIMIT"], ACCOUNT, account_key(login)),
            (config["LOGIN_ADDRESS_FAILURE_LIMIT"], ADDRESS, throttle.client_address()))


def refusal(login):
    """A :class:`Refusal` if ``login`` may not be tried now from the request's
    client address, else None."""
    if not _enabled():
        return None
    waits = [throttle.seconds_left(*count) for count in _counts(login)
             if not throttle.allows(*count)]
    return Refusal(max(waits)) if waits else None


def failed(login):
    """Count a wrong password for ``login`` from the request's client address."""
    if _enabled():
        for count in _counts(login):
            throttle.hit(*count)


def clear_account(user):
    """Forget the wrong passwords typed for ``user``'s account."""
    if _enabled():
        throttle.clear(current_app.config["LOGIN_ACCOUNT_FAILURE_LIMIT"], ACCOUNT,
                       _user_key(user.id))
