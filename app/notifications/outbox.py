"""Mail about rows a transaction inserts, sent once it has committed, and
the notices of the panel's bell, written in the same transaction.

A module registers a model (an append-only history) and the functions that
write the mails and the notices (app/models/notices.py) of one of its rows. This module listens to the database
session instead of being called by the web, the REST API or the CLI: it
notes the registered rows each flush inserts, writes their mails just
before the transaction commits (when the database can still be read) and
adds the notices to it,
sends them over one SMTP connection once it has committed, and forgets them
when a transaction ends any other way. A transaction rolled back sends
nothing, and a mail that cannot be written or sent never undoes or breaks
what was saved.
"""
import logging

from sqlalchemy import event, inspect

from app.notifications import mail
from app.platform.extensions import db

log = logging.getLogger(__name__)

# Kept in session.info: the registered rows flushed in the open transaction,
# then the mails made of them when it commits.
ROWS = "pontive.notification_rows"
MAILS = "pontive.notification_mails"

WRITERS = {}  # model -> function(row) returning a list of mail.Mail
NOTICE_WRITERS = {}  # model -> function(row) returning a list of Notice


def register(model, mails_for, notices_for=None):
    """Mail ``mails_for(row)`` about each committed new row of ``model``, and
    commit the notices ``notices_for(row)`` with it."""
    WRITERS[model] = mails_for
    if notices_for is not None:
        NOTICE_WRITERS[model] = notices_for


# ``db.session`` is the module-level scoped session of every app, so
# registering at import registers once, however many apps exist.

@event.listens_for(db.session, "after_flush")
def _note_rows(session, flush_context):
    session.info.setdefault(ROWS, []).extend(
        obj for obj in session.new if type(obj) in WRITERS)


@event.listens_for(db.session, "before_commit")
def _write_mails(session):
    if session.in_nested_transaction():  # a savepoint; the outer commit mails
        return
    session.flush()
    # Rows of a savepoint rolled back meanwhile are no longer persistent.
    rows = [row for row in session.info.pop(ROWS, []) if inspect(row).persistent]
    if not rows:
        return
    try:
        session.info[MAILS] = [m for row in rows for m in WRITERS[type(row)](row)]
        # Added now, flushed by the commit itself.
        session.add_all([notice for row in rows if type(row) in NOTICE_WRITERS
                         for notice in NOTICE_WRITERS[type(row)](row)])
    except Exception:  # a notification never undoes what was saved
        log.exception("Could not write the notifications of %d row(s)", len(rows))


@event.listens_for(db.session, "after_commit")
def _send_mails(session):
    if session.in_nested_transaction():
        return
    mails = session.info.pop(MAILS, None)
    if not mails:
        return
    try:
        mail.send(mails)
    except Exception:  # saved already; the user must not see an error
        log.exception("Could not send %d notification(s)", len(mails))
        mail.not_sent(mails, "Sending failed")


@event.listens_for(db.session, "after_transaction_end")
def _forget(session, transaction):
    """A rolled-back or closed transaction leaves nothing to send."""
    if transaction.parent is None:
        session.info.pop(ROWS, None)
        session.info.pop(MAILS, None)
