"""Email about each SOP step, sent once the step is committed.

Every status change appends a :class:`StatusHistory` row (``workflow.record``),
whether the web, the REST API or the CLI took it, so the mails are written
from those rows when their transaction commits (app/notifications/outbox.py):
a step that is rolled back sends nothing, and a mail that cannot be written
or sent never undoes or breaks a step.

Who is told about a step (users without an email address are skipped):

- the active users of the staff role whose turn it now is
  (``workflow.WAITING_ROLE``), unless the role that took the step keeps it
  (Admin Pontive Center entering a loan into the agenda, then preparing the
  room): "a request waits for you";
- when a request is closed (cancelled, rejected) while it waited for a staff
  role, by someone of another role: that role's users, since it left their
  inbox;
- the borrower, at each step that changes something for them: the receipt of
  the submission, confirmed (also an accepted reschedule), another schedule
  proposed (and held until when), the proposal lapsed, the proposal declined
  (back with the Kasi, who gets the reason and the borrower's alternative
  times as "a request waits for you"), rejected, cancelled, completed, not used. The office's own steps
  in between (disposition, agenda, room preparation) ask nothing of the
  borrower, who sees them on the request's page.

The person who took the step is not told about it, except a borrower, who
gets the receipt of what they did. Mails are in Indonesian, whatever
language the person who took the step uses.
"""
from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from app.domain.workflow import WAITING_ROLE
from app.models import LoanStatus, Notice, StatusHistory
from app.notifications import mail, outbox
from app.platform.extensions import db
from app.platform.formatting import format_date, format_datetime, format_session
from app.platform.links import external_url
from app.security.roles import PEMINJAM

MAIL_LOCALE = "id"
SUBJECT_PREFIX = "[Pontive Center]"
SHOW_ENDPOINT = "LoanRequestView.show"
SURVEY_ENDPOINT = "SurveyView.answer"

# (subject, opening) of each mail. The subject's %(number)s is the
# registration number, the opening's %(role)s the recipient's role.
WAITING = (_l("Request %(number)s waits for you"),
           _l("A request now waits for your action as %(role)s."))
LEFT_INBOX = (_l("Request %(number)s no longer waits for you"),
              _l("This request, which was waiting for your action as %(role)s, has "
                 "been closed. Nothing more is needed from you."))
CONFIRMED = (_l("Request %(number)s confirmed"),
             _l("Your request has been confirmed: the room is booked for you at the "
                "schedule below. Please remember that no buffet food may be served."))
CANCELLED = (_l("Request %(number)s cancelled"), _l("Your request has been cancelled."))
BORROWER_MAILS = {
    "submit": (_l("Request %(number)s received"),
               _l("Your request has been received and now waits for the disposition "
                  "of the Kabid TKPBET. You will receive an email when it is "
                  "confirmed or rejected, or when another schedule is proposed.")),
    "confirm": CONFIRMED,
    "accept_reschedule": CONFIRMED,
    "propose_reschedule": (
        _l("Another schedule proposed for request %(number)s"),
        _l("The schedule you asked for cannot be served. The Kasi PK & AI proposes "
           "the schedule below instead and holds it for you until the time shown. "
           "Open the request to accept or decline it.")),
    "hold_lapsed": (
        _l("The proposed schedule for request %(number)s has lapsed"),
        _l("The proposed schedule was not answered in time and is no longer held "
           "for you. Your request is back with the Kasi PK & AI.")),
    "reject": (_l("Request %(number)s rejected"),
               _l("Your request has been rejected.")),
    "cancel": CANCELLED,
    "decline_reschedule": (
        _l("You declined the proposed schedule for request %(number)s"),
        _l("You declined the proposed schedule. Your request is back with the Kasi "
           "PK & AI, who will propose another schedule or confirm one of the times "
           "you gave. The request has not been cancelled.")),
    "complete": (_l("Request %(number)s completed"),
                 _l("Your activity has been recorded as completed. Thank you for "
                    "using the Pontive Center.")),
    "mark_no_show": (_l("Request %(number)s recorded as not used"),
                     _l("The room was not used at the schedule below; the booking "
                        "has been recorded as not used.")),
}
CLOSED_BY_HAND = frozenset({LoanStatus.CANCELLED, LoanStatus.REJECTED})


def _staff_role(status):
    role = WAITING_ROLE.get(status)
    return role if role not in (None, PEMINJAM) else None


def staff_to_tell(row):
    """(role, texts) for each staff role told about history row ``row``."""
    waiting = _staff_role(row.to_status)
    if waiting is not None and waiting != row.actor_role:
        yield waiting, WAITING
    left = _staff_role(row.from_status)
    if row.to_status in CLOSED_BY_HAND and left is not None and left != row.actor_role:
        yield left, LEFT_INBOX


def active_users(role_name):
    return (db.session.query(User).join(User.roles)
            .filter(Role.name == role_name, User.active.is_(True))
            .order_by(User.id).all())


def request_url(loan):
    """The request's page, under APP_BASE_URL."""
    return external_url(SHOW_ENDPOINT, pk=loan.id)


def _field(label, value=""):
    """One "label: value" line; with no value, the heading of the lines below."""
    return f"{label}: {value}".rstrip()


def _sessions(sessions):
    return [f"  - {format_session(s.starts_at, s.ends_at)}" for s in sessions]


def _incoming(row):
    """The Kepala Dinas's disposition the Kabid recorded with his own."""
    line = gettext("Disposition of %(sender)s, received on %(date)s",
                   sender=row.incoming_from, date=format_date(row.incoming_received_on))
    if row.incoming_agenda_number:
        line += " · " + gettext("Agenda number: %(number)s",
                                number=row.incoming_agenda_number)
    return f"{line}: {row.incoming_instruction}" if row.incoming_instruction else line


def _details(row):
    """The lines describing the request and the step, the same for everyone."""
    loan = row.loan
    lines = [
        _field(gettext("Registration number"), loan.registration_number),
        _field(gettext("Activity"), loan.title),
        _field(gettext("Institution"), loan.institution.name),
        _field(gettext("Borrower"), loan.borrower.get_full_name()),
        _field(gettext("Room"), loan.room.name),
        _field(gettext("Schedule")),
        *_sessions(loan.sessions),
    ]
    if row.to_status == LoanStatus.RESCHEDULE_PROPOSED and loan.proposed_sessions:
        lines += [_field(gettext("Proposed schedule")),
                  *_sessions(loan.proposed_sessions),
                  _field(gettext("Held for you until"),
                         format_datetime(loan.hold_expires_at))]
    by = (f"{row.actor.get_full_name()} ({row.actor_role})" if row.actor is not None
          else row.actor_role)
    lines += [_field(gettext("Status"), LoanStatus.label(row.to_status)),
              _field(gettext("Step taken by"), by)]
    if row.incoming_received_on:
        lines.append(_incoming(row))
    if row.instruction:
        lines.append(_field(gettext("Disposition instruction"), row.instruction_label))
    if row.nature:
        lines.append(_field(gettext("Nature"), row.nature_label))
    if row.note:
        label = (gettext("Reason") if row.to_status in CLOSED_BY_HAND
                 or row.action == "decline_reschedule" else gettext("Note"))
        lines.append(_field(label, row.note))
    if row.alternatives:
        lines += [_field(gettext("Times the borrower could take instead")),
                  *_sessions(row.alternatives)]
    return lines


def _survey_invitation(user, row):
    """The borrower of a completed request is asked to fill its survey."""
    if row.action != "complete" or user.id != row.loan.borrower_id:
        return []
    return [gettext("How was our service? Please fill in the satisfaction survey "
                    "(Survei Kepuasan Masyarakat) for this request: nine short "
                    "questions, answered anonymously, once per request."),
            external_url(SURVEY_ENDPOINT, pk=row.loan.id), ""]


def letter(user, subject, opening, lines):
    """A mail to ``user``: the greeting, ``opening``, ``lines`` and the
    footer every notification has."""
    body = "\n".join([
        gettext("Dear %(name)s,", name=user.get_full_name()),
        "",
        opening,
        "",
        *lines,
        "-- ",
        gettext("This email was sent automatically by the Pontive Center meeting-room "
                "loan system; please do not reply to it."),
    ])
    return mail.Mail(to=(user.email,), subject=f"{SUBJECT_PREFIX} {subject}",
                     body=body + "\n")


def compose(user, row, texts, role=""):
    """The mail telling ``user`` about ``row``; ``texts`` is (subject, opening)."""
    subject, opening = texts
    values = {"number": row.loan.registration_number, "role": role}
    return letter(user, str(subject) % values, str(opening) % values, [
        *_details(row),
        "",
        gettext("Open the request: %(url)s", url=request_url(row.loan)),
        "",
        *_survey_invitation(user, row),
    ])


def recipients(row):
    """(user, texts, role, kind) of everyone told about history row ``row``;
    ``kind`` names their notice's text (app/notifications/notices.py). The
    office's own steps that mail nothing to the borrower (texts None) still
    show under the borrower's bell."""
    wanted = [(row.loan.borrower, BORROWER_MAILS.get(row.action), "", row.action)]
    for role, role_texts in staff_to_tell(row):
        kind = "waiting" if role_texts is WAITING else "left_inbox"
        wanted += [(user, role_texts, role, kind) for user in active_users(role)
                   if user.id != row.actor_id]
    return wanted


def mails_for(row):
    """Every mail about history row ``row``, in Indonesian."""
    with force_locale(MAIL_LOCALE):
        return [compose(user, row, texts, role)
                for user, texts, role, _kind in recipients(row)
                if texts is not None and user.email]


def notices_for(row):
    """The bell's notices of the people told about ``row``, but the one who
    took the step (a borrower's receipt of their own step is mail only)."""
    return [Notice(user_id=user.id, loan_id=row.loan_id, kind=kind,
                   created_at=row.created_at)
            for user, _texts, _role, kind in recipients(row) if user.id != row.actor_id]


outbox.register(StatusHistory, mails_for, notices_for)
