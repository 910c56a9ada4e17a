"""Sessions and tokens a user can end everywhere at once, and how long a web
session lasts.

Every user has a session version, kept in the database
(app/models/accounts.py) so that every worker and machine reads the same. A
web session records the version it was opened in; a JWT, access or refresh,
carries it as the claim ``sv``. Each request compares it with the database.
Logging out, changing one's own password, and a password set by an
administrator or through the emailed reset link raise the version: every
session and token of that user made before ends at its next request.

A web session also ends SESSION_IDLE_MINUTES after its last request and
SESSION_MAX_HOURS after the login, whatever happens in it: the session
cookie is signed, not encrypted, so these times travel in it and a copy of
the cookie taken before ends with it.
"""
import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session
from sqlalchemy.dialects import postgresql, sqlite

from app.models import SessionVersion
from app.platform.extensions import db
from app.platform.timeutil import utcnow

# In the session cookie: [version, logged in at, last request at] (seconds
# since the epoch on the office clock).
SESSION_KEY = "pontive_login"
TOKEN_CLAIM = "sv"
# The last request's time is written anew at most this often: each write
# sends the cookie again.
SEEN_EVERY = timedelta(minutes=1)

_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def version_column(user_model):
    """The version of ``user_model``'s row, as a column of a statement that
    loads the user (no second statement per request)."""
    return sa.func.coalesce(
        sa.select(SessionVersion.version)
        .where(SessionVersion.user_id == user_model.id)
        .scalar_subquery(), 0)


def version_of(user_id):
    return db.session.execute(
        sa.select(SessionVersion.version).where(SessionVersion.user_id == user_id)
    ).scalar_one_or_none() or 0


def end_all(user_id):
    """End every session and token of user ``user_id``; the caller commits.

    One statement that raises the version where it is stored, so two at once
    both count (PostgreSQL and SQLite share the INSERT ... ON CONFLICT form).
    """
    table = SessionVersion.__table__
    insert = _UPSERT[db.session.get_bind().dialect.name]
    db.session.execute(
        insert(table).values(user_id=user_id, version=1)
        .on_conflict_do_update(index_elements=[table.c.user_id],
                               set_={"version": table.c.version + 1}))


# --------------------------------------------------------------- web sessions

def _now():
    return utcnow().timestamp()


def open_web_session(user):
    """Stamp the session just logged in to (or carried over to a new
    password) with ``user``'s current version and the time."""
    now = _now()
    session[SESSION_KEY] = [version_of(user.id), now, now]


def web_session_current(version):
    """True if this request's session was opened in ``version`` (the user's
    version in the database) and has lasted neither too long nor idle too
    long; notes the request's time."""
    stamp = session.get(SESSION_KEY)
    if not (isinstance(stamp, list) and len(stamp) == 3):
        return False  # opened before sessions had versions
    opened_in, logged_in_at, seen_at = stamp
    config, now = current_app.config, _now()
    if (opened_in != version
            or now - logged_in_at > config["SESSION_MAX_HOURS"] * 3600
            or now - seen_at > config["SESSION_IDLE_MINUTES"] * 60):
        return False
    if now - seen_at >= SEEN_EVERY.total_seconds():
        session[SESSION_KEY] = [opened_in, logged_in_at, now]
    return True


def close_web_session():
    session.pop(SESSION_KEY, None)


# --------------------------------------------------------------------- tokens

# What FAB writes as a token's subject: the user's id, str(user.id).
USER_ID = re.compile(r"[1-9][0-9]{0,9}")
MAX_ID = 2**31 - 1  # PostgreSQL's integer


def is_user_id(subject):
    """Whether a token's subject is a user id as FAB writes it (int() alone
    would take " 7", "\u0661" or a number the database cannot hold)."""
    return (isinstance(subject, str) and USER_ID.fullmatch(subject) is not None
            and int(subject) <= MAX_ID)


def token_claims(identity):
    """The claims a new JWT of user ``identity`` (its id, as text) carries."""
    if not is_user_id(identity):
        return {}  # no user's token: refused when used (load_user_jwt)
    return {TOKEN_CLAIM: version_of(int(identity))}


def token_current(claims, version):
    """True if a JWT with ``claims`` was made in ``version``."""
    return claims.get(TOKEN_CLAIM) == version
