"""Reminders by email, sent by ``flask --app app reminders`` run from cron.

- The borrower, before a reschedule proposal's hold lapses: once at most
  RESCHEDULE_HOLD_REMINDER_HOURS office hours of the hold remain (office
  hours as the hold itself counts them, app/domain/workflow.hold_expiry).
- The borrower and the active Admin Pontive Center users, the office day
  before a session: from the opening of the last office day before the
  session's day (a Monday session is announced on Friday) until the session
  starts, so a request confirmed later, or a run of cron missed, still
  reminds. Sessions of one request on one day make one reminder.

Each reminder is a :class:`Reminder` row, unique per request, kind and the
moment it reminds of (the hold's end, the day's first start): its mails are
written from the row when it commits and sent after (app/notifications/
outbox.py), so running the command again, or twice at once, sends nothing
twice, and a proposal made anew is reminded anew. Mails are in Indonesian.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from app.domain.mutu_baku import OfficeClock
from app.models import (
    LoanRequest,
    LoanSession,
    LoanStatus,
    Notice,
    Reminder,
    ReminderKind,
)
from app.notifications import outbox
from app.notifications.steps import MAIL_LOCALE, active_users, letter, request_url
from app.notifications.steps import _field as field
from app.notifications.steps import _sessions as session_lines
from app.platform.extensions import db
from app.platform.formatting import format_date, format_datetime
from app.platform.timeutil import to_local, utcnow
from app.security.roles import ADMIN_PC

# States in which the room is booked for a session still to come.
BOOKED = (LoanStatus.CONFIRMED, LoanStatus.SCHEDULED, LoanStatus.PREPARED)
# How far ahead sessions are looked at: beyond the longest run of closed
# days (Lebaran's holidays and cuti bersama with two weekends).
LOOKAHEAD = timedelta(days=31)

HOLD = (_l("Reminder: the proposed schedule for request %(number)s lapses soon"),
        _l("The schedule the Kasi PK & AI proposed for your request is held for you "
           "until %(until)s. Please open the request and accept or decline it before "
           "then; afterwards the schedule is no longer held and your request returns "
           "to the Kasi PK & AI."))
BORROWER_SESSION = (
    _l("Reminder: request %(number)s takes place on %(day)s"),
    _l("Your activity in the Pontive Center takes place on the schedule below. "
       "Please remember that no buffet food may be served."))
STAFF_SESSION = (
    _l("Reminder: request %(number)s takes place on %(day)s"),
    _l("An activity takes place in the Pontive Center on the schedule below; "
       "please have the room prepared."))


def _hold_reminders(now, clock):
    """(loan, HOLD, hold's end) of every proposal within the reminder window."""
    window = current_app.config["RESCHEDULE_HOLD_REMINDER_HOURS"] * 3600
    proposals = db.session.query(LoanRequest).filter(
        LoanRequest.status == LoanStatus.RESCHEDULE_PROPOSED,
        LoanRequest.hold_expires_at > now,
    ).order_by(LoanRequest.id)
    for loan in proposals:
        if clock.office_seconds(now, loan.hold_expires_at) <= window:
            yield loan, ReminderKind.HOLD, loan.hold_expires_at


def _session_reminders(now, clock):
    """(loan, SESSION, the day's first start) of each booked request's day of
    sessions whose reminder window (from the opening of the office day
    before) has begun."""
    sessions = (db.session.query(LoanSession).join(LoanSession.loan)
                .filter(LoanRequest.status.in_(BOOKED),
                        LoanSession.proposed.is_(False),
                        LoanSession.starts_at > now,
                        LoanSession.starts_at < now + LOOKAHEAD)
                .order_by(LoanSession.loan_id, LoanSession.starts_at))
    seen = set()
    for session in sessions:
        day = to_local(session.starts_at).date()
        if (session.loan_id, day) in seen:
            continue  # a later session of a day already looked at
        seen.add((session.loan_id, day))
        opens = clock.opens_before(day)
        if opens is not None and opens <= now:
            yield session.loan, ReminderKind.SESSION, session.starts_at


def send_due(now=None):
    """Record every reminder due at ``now`` and not sent yet; their mails go
    when the caller commits. Returns how many were recorded."""
    now = now or utcnow()
    today = to_local(now).date()
    clock = OfficeClock(today - timedelta(days=7), today + LOOKAHEAD)
    due = [*_hold_reminders(now, clock), *_session_reminders(now, clock)]
    if not due:
        return 0
    sent = {(r.loan_id, r.kind, r.due_at) for r in db.session.query(Reminder).filter(
        Reminder.loan_id.in_({loan.id for loan, _, _ in due}))}
    recorded = 0
    for loan, kind, due_at in due:
        if (loan.id, kind, due_at) in sent:
            continue
        try:
            with db.session.begin_nested():  # another run recorded it meanwhile
                db.session.add(Reminder(loan=loan, kind=kind, due_at=due_at,
                                        created_at=now))
        except sa.exc.IntegrityError:
            continue
        recorded += 1
    return recorded


def _day_sessions(reminder):
    day = to_local(reminder.due_at).date()
    return [s for s in reminder.loan.sessions if to_local(s.starts_at).date() == day]


def _compose(user, reminder, texts):
    loan = reminder.loan
    subject, opening = texts
    values = {"number": loan.registration_number,
              "day": format_date(to_local(reminder.due_at)),
              "until": format_datetime(reminder.due_at)}
    lines = [
        field(gettext("Registration number"), loan.registration_number),
        field(gettext("Activity"), loan.title),
        field(gettext("Institution"), loan.institution.name),
        field(gettext("Room"), loan.room.name),
    ]
    if reminder.kind == ReminderKind.HOLD:
        lines += [field(gettext("Proposed schedule")),
                  *session_lines(loan.proposed_sessions),
                  field(gettext("Held for you until"), values["until"])]
    else:
        lines += [field(gettext("Schedule")), *session_lines(_day_sessions(reminder)),
                  field(gettext("Participants"), loan.participants)]
    return letter(user, str(subject) % values, str(opening) % values, [
        *lines, "", gettext("Open the request: %(url)s", url=request_url(loan)), ""])


def recipients(reminder):
    """(user, texts) of everyone a reminder is for."""
    borrower = reminder.loan.borrower
    if reminder.kind == ReminderKind.HOLD:
        return [(borrower, HOLD)]
    return [(borrower, BORROWER_SESSION),
            *((user, STAFF_SESSION) for user in active_users(ADMIN_PC))]


def mails_for(reminder):
    """The mails of one reminder, in Indonesian."""
    with force_locale(MAIL_LOCALE):
        return [_compose(user, reminder, texts)
                for user, texts in recipients(reminder) if user.email]


def notices_for(reminder):
    return [Notice(user_id=user.id, loan_id=reminder.loan_id,
                   kind=f"reminder_{reminder.kind}", about_at=reminder.due_at,
                   created_at=reminder.created_at)
            for user, _texts in recipients(reminder)]


outbox.register(Reminder, mails_for, notices_for)
