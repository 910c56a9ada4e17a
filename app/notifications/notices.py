"""The panel's bell: each user's notices (app/models/notices.py), written
with the mails of each step and reminder (app/notifications/outbox.py), and
read back here, a page at a time. A user reaches only their own notices.
Read notices older than NOTICE_KEEP_DAYS are pruned by ``flask --app app
reminders`` (app/ops/cli.py); unread ones are kept however old."""
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.domain.workflow import TRANSITIONS
from app.models import LoanStatus, Notice
from app.notifications import reminders, steps
from app.platform.extensions import db
from app.platform.formatting import format_date
from app.platform.timeutil import to_local

PAGE_SIZE = 50

# Each kind's line: the subject of its mail where it has one.
TITLES = {
    **{action: texts[0] for action, texts in steps.BORROWER_MAILS.items()},
    "waiting": steps.WAITING[0],
    "left_inbox": steps.LEFT_INBOX[0],
    "reminder_hold": reminders.HOLD[0],
    "reminder_session": reminders.BORROWER_SESSION[0],
}
# A step that mails the borrower nothing: the state it left the request in.
STEP_DONE = _l("Request %(number)s: %(status)s")


def title(notice):
    values = {"number": notice.loan.registration_number,
              "day": format_date(to_local(notice.about_at)) if notice.about_at else ""}
    text = TITLES.get(notice.kind)
    if text is None:
        return gettext(STEP_DONE, number=values["number"],
                       status=LoanStatus.label(TRANSITIONS[notice.kind].target))
    return str(text) % values


def _own(user):
    return db.session.query(Notice).filter(Notice.user_id == user.id)


def unread_column(user_model):
    """How many unread notices the user has, as a column of the statement
    that loads the signed-in user (app/fab/revocable_sessions.py)."""
    return (sa.select(sa.func.count(Notice.id))
            .where(Notice.user_id == user_model.id, Notice.read_at.is_(None))
            .scalar_subquery())


@dataclass(frozen=True)
class Page:
    notices: list  # newest first
    number: int  # 1-based
    pages: int  # at least 1, even with no notices
    total: int

    @property
    def first(self):
        """The position of the page's first notice among all (1 = newest)."""
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def last(self):
        return self.first + len(self.notices) - 1


def page(user, number=1):
    """Page ``number`` of ``user``'s notices, newest first: out of range is
    the nearest page there is (below 1 the first, past the end the last).
    Two statements: the count, then the page with each notice's loan."""
    query = _own(user)
    total = query.count()
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(number, 1), pages)
    shown = (query.options(joinedload(Notice.loan)).order_by(Notice.id.desc())
             .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE).all()) if total else []
    return Page(shown, number, pages, total)


def own_notice(user, notice_id):
    """``user``'s notice ``notice_id``, or None (another user's is None too)."""
    return _own(user).filter(Notice.id == notice_id).one_or_none()


def mark_read(notice, now):
    if notice.read_at is None:
        notice.read_at = now


def mark_all_read(user, now):
    """Returns how many were unread."""
    return _own(user).filter(Notice.read_at.is_(None)).update(
        {Notice.read_at: now}, synchronize_session=False)


def prune(now):
    """Delete every user's read notices created more than NOTICE_KEEP_DAYS
    before ``now`` (0: none), in one statement; unread ones stay. Returns
    how many were deleted."""
    days = current_app.config["NOTICE_KEEP_DAYS"]
    if days <= 0:
        return 0
    return db.session.execute(
        sa.delete(Notice).where(Notice.read_at.is_not(None),
                                Notice.created_at < now - timedelta(days=days))
    ).rowcount
