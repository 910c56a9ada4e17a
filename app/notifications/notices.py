"""The panel's bell: each user's notices (app/models/notices.py), written
with the mails of each step and reminder (app/notifications/outbox.py), and
read back here. A user reaches only their own notices."""
import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

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


def latest(user, limit=PAGE_SIZE, offset=0):
    """(notices newest first, total) of ``user``."""
    query = _own(user)
    return (query.order_by(Notice.id.desc()).limit(limit).offset(offset).all(),
            query.count())


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
