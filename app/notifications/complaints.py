"""Email about each step of a complaint, sent once it is committed
(app/notifications/outbox.py).

- Filed: the borrower gets a receipt with its number and the date by which
  it will be answered; the active Kasi PK & AI and Admin Pontive Center
  users are told that it waits for them.
- Answered, closed: the borrower gets the answer (or the closing note).

Mails are in Indonesian, whatever language the person who took the step uses.
"""
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from app.domain.complaints import HANDLERS
from app.models import ComplaintHistory
from app.notifications import outbox
from app.notifications.steps import MAIL_LOCALE, active_users, letter
from app.notifications.steps import _field as field
from app.platform.formatting import format_datetime
from app.platform.links import external_url

SHOW_ENDPOINT = "ComplaintView.show"

# (subject, opening) per step; the subject's %(number)s is the complaint's.
RECEIPT = (_l("Complaint %(number)s received"),
           _l("Your complaint or suggestion has been received. The Pontive Center "
              "staff will answer it by the date below; you will receive an email "
              "when they do."))
WAITING = (_l("Complaint %(number)s waits for your answer"),
           _l("A borrower has filed a complaint or suggestion. Please answer it by "
              "the date below."))
ANSWERED = (_l("Complaint %(number)s answered"),
            _l("The Pontive Center staff have answered your complaint or suggestion."))
CLOSED = (_l("Complaint %(number)s closed"),
          _l("Your complaint or suggestion has been closed."))


def _lines(row):
    complaint = row.complaint
    lines = [
        field(gettext("Complaint number"), complaint.number),
        field(gettext("Kind"), complaint.kind_label),
        field(gettext("Topic"), complaint.topic_label),
        field(gettext("Subject"), complaint.subject),
    ]
    if complaint.loan is not None:
        lines.append(field(gettext("Request"), complaint.loan.registration_number))
    if row.action == "file":
        lines.append(field(gettext("Answer due by"), format_datetime(complaint.due_at)))
        lines += ["", complaint.description]
    elif row.note:
        lines += ["", field(gettext("Answer") if row.action == "answer"
                            else gettext("Note")), row.note]
    return lines


def compose(user, row, texts):
    subject, opening = texts
    return letter(user, str(subject) % {"number": row.complaint.number}, str(opening), [
        *_lines(row),
        "",
        gettext("Open the complaint: %(url)s",
                url=external_url(SHOW_ENDPOINT, pk=row.complaint.id)),
        "",
    ])


def mails_for(row):
    """Every mail about complaint history row ``row``, in Indonesian."""
    borrower = row.complaint.borrower
    if row.action == "file":
        wanted = [(borrower, RECEIPT)]
        seen = set()
        for role in HANDLERS:
            for user in active_users(role):
                if user.id not in seen:
                    seen.add(user.id)
                    wanted.append((user, WAITING))
    else:
        wanted = [(borrower, ANSWERED if row.action == "answer" else CLOSED)]
    with force_locale(MAIL_LOCALE):
        return [compose(user, row, texts) for user, texts in wanted if user.email]


outbox.register(ComplaintHistory, mails_for)
