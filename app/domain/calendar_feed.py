"""Private calendar feeds: a secret token per user, and what its feed holds.

A token is ``secrets.token_urlsafe(32)`` (256 random bits) and is shown to
its user once; only its SHA-256 is stored, so the table does not reveal any
feed's address. Renewing revokes the user's previous token; a revoked token,
an unknown one or a deactivated account's opens nothing.

A feed holds the bookings its user may see, from :data:`PAST` ago to
:data:`AHEAD` ahead: staff every booking that holds a room, with its
details; a borrower only the sessions of their own requests (in any state,
so that a calendar shows a cancellation), never anyone else's.
"""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from app.domain import agenda
from app.models import CalendarFeed, Room
from app.platform.extensions import db
from app.platform.timeutil import utcnow
from app.security.scope import is_borrower, is_staff

PAST = timedelta(days=90)
AHEAD = timedelta(days=365)
# Longer than any token made here; a longer one is not looked up at all.
MAX_TOKEN_LENGTH = 64


def token_hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def active_feed(user):
    """The user's feed that still works, or None."""
    return (db.session.query(CalendarFeed)
            .filter(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
            .order_by(CalendarFeed.id.desc())
            .first())


def revoke(user, now=None):
    """Stop every feed of ``user``; returns how many worked. The caller commits."""
    result = db.session.execute(
        sa.update(CalendarFeed)
        .where(CalendarFeed.user_id == user.id, CalendarFeed.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def renew(user, now=None):
    """A new feed for ``user`` in place of any earlier one; returns its token
    (never stored, so it cannot be shown again). The caller commits."""
    now = now or utcnow()
    revoke(user, now)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(user_id=user.id, token_hash=token_hash(token),
                                created_at=now))
    return token


def owner_of(token):
    """The active account whose working feed ``token`` opens, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    feed = (db.session.query(CalendarFeed)
            .filter(CalendarFeed.token_hash == token_hash(token),
                    CalendarFeed.revoked_at.is_(None))
            .one_or_none())
    if feed is None or not feed.user.active:
        return None
    return feed.user


def feed_bookings(user, now=None):
    """What ``user``'s feed holds (see the module's description)."""
    now = now or utcnow()
    start, end = now - PAST, now + AHEAD
    room_ids = [room_id for (room_id,) in db.session.query(Room.id)]
    if is_staff(user):
        return agenda.bookings(user, room_ids, start, end, now, include_pending=False)
    if is_borrower(user):
        return agenda.own_bookings(user, room_ids, start, end)
    return []
