"""The audit trail of logins: every successful and failed login, on the web
form and the API, as one line on the logger ``app.security.audit`` with the
time (UTC), the username typed, the client address and where it came from.

Passwords are never logged. The username is logged as typed, with control
characters replaced and cut to a sane length, so that a typed newline cannot
forge a second log line.
"""
import logging
import re

from flask import has_request_context, request

from app.platform.timeutil import utcnow

log = logging.getLogger("app.security.audit")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
USERNAME_MAX = 100


def _shown(username):
    text = _CONTROL.sub("?", str(username or ""))
    if len(text) > USERNAME_MAX:
        text = text[:USERNAME_MAX] + "..."
    return repr(text)


def _where():
    if not has_request_context():
        return "-", "cli"
    channel = "api" if request.path.startswith("/api/") else "web"
    return request.remote_addr or "-", channel


def _record(level, outcome, username, reason=None):
    client, channel = _where()
    log.log(level, "login %s: at=%s username=%s client=%s via=%s%s",
            outcome, utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"), _shown(username),
            client, channel, f" reason={reason}" if reason else "")


def succeeded(username):
    _record(logging.INFO, "succeeded", username)


def failed(username, reason="wrong username or password"):
    _record(logging.WARNING, "failed", username, reason)


def attempt(username, user):
    """Log the outcome of one password check (``user`` is None on failure)."""
    if user is None:
        failed(username)
    else:
        succeeded(username)
