"""Forgot my password: a link by email to set a new one.

Anyone may ask with an email address, and always gets the same answer, so
asking tells nothing about which addresses have an account. An active
account with that address is mailed a link (under APP_BASE_URL) that

- is signed with SECRET_KEY and expires after PASSWORD_RESET_LINK_MINUTES;
- names the account's password as it was (a keyed digest of its hash), so it
  works once: a new password, by this link or any other way, makes every
  link sent before invalid;
- opens a form for a new password under the password rule. Saving it ends
  every session and token of the account (app/security/sessions.py) and
  clears its count of wrong passwords (app/security/login_limit.py).

Asking is limited per client address and per email address
(PASSWORD_RESET_REQUEST_LIMIT, in the shared store of
app/security/throttle.py), so the form cannot be used to flood a mailbox.
"""
import hashlib
import hmac
import logging
import math

from flask import current_app
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from sqlalchemy import func

from app.notifications import mail
from app.platform.extensions import db
from app.platform.formatting import format_minutes
from app.platform.links import external_url
from app.security import login_limit, signed_links, throttle
from app.security.signed_links import SignedLink

log = logging.getLogger("app.security.audit")

SALT = "pontive-password-reset"
RESET_LINK = SignedLink(SALT)
RESET_ENDPOINT = "PasswordResetView.reset"  # the page the mailed link opens
REQUESTS = "password-reset-requests"

# Outcomes of following a link.
VALID = "valid"
USED = "used"  # or the password changed since it was sent
EXPIRED = signed_links.EXPIRED
INVALID = signed_links.INVALID


def link_minutes():
    return current_app.config["PASSWORD_RESET_LINK_MINUTES"]


def _state(user):
    """The account's password as it is now, as a keyed digest (the link is
    readable by whoever holds it; the digest gives nothing of the hash away)."""
    key = f"{SALT}|{current_app.config['SECRET_KEY']}".encode()
    return hmac.new(key, f"{user.id}|{user.password}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def reset_token(user):
    return RESET_LINK.token(user, _state(user))


def request_refusal(email):
    """Why asking for a link for ``email`` is refused now, or None; counts
    the request (per client address and per email address)."""
    config = current_app.config
    if not config["RATELIMIT_ENABLED"]:
        return None
    rate = config["PASSWORD_RESET_REQUEST_LIMIT"]
    counts = ((rate, REQUESTS, f"address-{throttle.client_address()}"),
              (rate, REQUESTS, "email-" + hashlib.sha256(
                  email.strip().lower().encode()).hexdigest()[:32]))
    over = [count for count in counts if not throttle.hit(*count)]
    if not over:
        return None
    seconds = max(throttle.seconds_left(*count) for count in over)
    return gettext("Too many requests for a new password have been made. Try again "
                   "in %(wait)s.", wait=format_minutes(math.ceil(seconds / 60)))


def account_for(email):
    """The active account with the email address ``email``, if any."""
    email = (email or "").strip().lower()
    return (db.session.query(User)
            .filter(func.lower(User.email) == email, User.active.is_(True))
            .one_or_none()) if email else None


def reset_mail(user, link):
    return mail.Mail(
        to=(user.email,),
        subject=gettext("Set a new password (Pontive Center room loans)"),
        body=gettext(
            "Dear %(name)s,\n\n"
            "We received a request to set a new password for the account "
            "%(username)s of the Pontive Center meeting room loans.\n\n"
            "Open this link to set a new password:\n%(link)s\n\n"
            "The link is valid for %(minutes)d minutes and can be used once. "
            "Saving the new password logs the account out on every device.\n\n"
            "If you did not ask for this, ignore this email: your password stays "
            "as it is.\n\n"
            "Pontive Center\n"
            "Communication and Informatics Agency of Pontianak City",
            name=user.get_full_name(), username=user.username, link=link,
            minutes=link_minutes(),
        ),
    )


def send_link(email):
    """Mail a link to the active account with ``email``, if there is one.
    The caller answers the same either way."""
    user = account_for(email)
    if user is None:
        log.info("password reset asked: no active account, client=%s",
                 throttle.client_address())
        return
    link = external_url(RESET_ENDPOINT, token=reset_token(user))
    sent = mail.send([reset_mail(user, link)])
    log.info("password reset link %s: username=%r client=%s",
             "sent" if sent else "not sent", user.username,
             throttle.client_address())


def check(token):
    """Follow a link: (outcome, user or None). Nothing changes."""
    problem, user, state = RESET_LINK.read(token, link_minutes() * 60)
    if problem is not None:
        return problem, None
    if not user.active:
        return INVALID, None
    if not hmac.compare_digest(str(state), _state(user)):
        return USED, None
    return VALID, user


def set_password(user, password):
    """Save ``user``'s new password (checked by the form); it ends every
    session and token of the account, and is committed."""
    current_app.appbuilder.sm.reset_password(user.id, password)
    login_limit.clear_account(user)
    log.info("password reset by link: username=%r client=%s", user.username,
             throttle.client_address())
