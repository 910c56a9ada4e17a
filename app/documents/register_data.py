"""What the loan register (Daftar Peminjaman) lists: plain rows from the database.

A loan belongs to a period [first day, last day] (office dates, WIB) when one
of its scheduled sessions starts in it; a reschedule proposal's sessions do
not count (they are listed with the loan, as its proposed time). Rows come
ordered by the loan's first session and are streamed (``yield_per``), so a
register of years is never held whole in Python: the PDF and the Excel file
consume them as they come.

The period bounds the query through the room index
``ix_loan_session_room_time (room_id, starts_at, ends_at)``: one range scan
per room, whatever the number of loans outside the period.
"""
import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext

from app.domain.scheduling import availability
from app.models import (
    Institution,
    InstitutionKind,
    LoanRequest,
    LoanSession,
    LoanStatus,
    Room,
)
from app.platform.extensions import db

# A longer period is a typing mistake rather than a register anyone prints.
MAX_YEARS = 5
# Rows fetched from the database at a time.
BATCH = 1000


class SelectionError(ValueError):
    """Parameters the register cannot be made from; ``str()`` says why and
    ``field`` which one ("start", "end", "status" or "kind")."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Selection:
    """Which loans a register lists: a period and optional filters."""

    first: date
    last: date
    status: str | None = None
    institution_kind: str | None = None

    @property
    def status_label(self):
        return LoanStatus.label(self.status) if self.status else None

    @property
    def institution_kind_label(self):
        return InstitutionKind.label(self.institution_kind) if self.institution_kind else None

    @property
    def slug(self):
        """"2026-11" for a calendar month, "2026" for a year, else both dates."""
        if self.first.day == 1 and self.last == _month_end(self.first):
            return self.first.strftime("%Y-%m")
        if (self.first.month, self.first.day, self.last.month, self.last.day) == (
                1, 1, 12, 31) and self.first.year == self.last.year:
            return str(self.first.year)
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


@dataclass(frozen=True)
class RegisterRow:
    """One loan of the register."""

    registration_number: str
    submitted_at: datetime
    letter_number: str
    letter_date: date
    sessions: tuple  # ((starts_at, ends_at), ...) aware UTC, in time order
    proposed_sessions: tuple  # an open reschedule proposal's, in time order
    institution: str
    institution_kind: str
    activity: str
    participants: int
    attended: int | None  # people who came, once completed
    contact_name: str
    contact_phone: str
    status: str
    rejection_reason: str | None
    cancellation_reason: str | None

    @property
    def status_label(self):
        return LoanStatus.label(self.status)


def _month_end(day):
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def default_period(today):
    """The current month."""
    return today.replace(day=1), _month_end(today)


def _years_later(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _code(text, choices, message, field):
    text = (text or "").strip()
    if not text:
        return None
    if text not in choices.codes():
        raise SelectionError(message, field)
    return text


def parse_selection(start_text, end_text, status_text, kind_text, today):
    """A :class:`Selection` from the page's inputs, or :class:`SelectionError`.

    Without dates the current month; a start alone runs to the end of its
    month, an end alone from the start of its month.
    """
    try:
        first = availability.parse_day(start_text, None, field="start")
        last = availability.parse_day(end_text, None, field="end")
    except availability.PeriodError as error:
        raise SelectionError(str(error), error.field) from None
    if first is None and last is None:
        first, last = default_period(today)
    elif last is None:
        last = _month_end(first)
    elif first is None:
        first = last.replace(day=1)
    if last < first:
        raise SelectionError(gettext("The end date is before the start date."), "end")
    if last >= _years_later(first, MAX_YEARS):
        raise SelectionError(gettext("Choose a period of at most %(years)d years.",
                                     years=MAX_YEARS), "end")
    return Selection(
        first, last,
        status=_code(status_text, LoanStatus,
                     gettext("Choose a status from the list."), "status"),
        institution_kind=_code(kind_text, InstitutionKind,
                               gettext("Choose a kind of institution from the list."),
                               "kind"),
    )


def _loans_in_period(selection):
    """Ids of the loans with a scheduled session starting in the period."""
    start = availability.midnight(selection.first)
    end = availability.midnight(selection.last + timedelta(days=1))
    return sa.select(LoanSession.loan_id).where(
        # Naming every room lets the (room_id, starts_at) index bound the scan.
        LoanSession.room_id.in_(sa.select(Room.id)),
        LoanSession.starts_at >= start,
        LoanSession.starts_at < end,
        LoanSession.proposed.is_(False),
    )


# The columns a row carries of its request, each under RegisterRow's name.
LOAN_COLUMNS = (
    sa.func.coalesce(LoanRequest.registration_number, "").label("registration_number"),
    LoanRequest.created_at.label("submitted_at"),
    LoanRequest.letter_number, LoanRequest.letter_date,
    LoanRequest.title.label("activity"), LoanRequest.participants,
    LoanRequest.actual_participants.label("attended"),
    LoanRequest.contact_name, LoanRequest.contact_phone, LoanRequest.status,
    LoanRequest.rejection_reason, LoanRequest.cancellation_reason,
    Institution.name.label("institution"), Institution.kind.label("institution_kind"),
)


def _statement(selection):
    first_session = (
        sa.select(LoanSession.loan_id,
                  sa.func.min(LoanSession.starts_at).label("first_start"))
        .where(LoanSession.proposed.is_(False),
               LoanSession.loan_id.in_(_loans_in_period(selection)))
        .group_by(LoanSession.loan_id)
        .subquery()
    )
    statement = (
        sa.select(LoanRequest.id, *LOAN_COLUMNS, LoanSession.starts_at,
                  LoanSession.ends_at, LoanSession.proposed)
        .select_from(first_session)
        .join(LoanRequest, LoanRequest.id == first_session.c.loan_id)
        .join(Institution, Institution.id == LoanRequest.institution_id)
        .join(LoanSession, LoanSession.loan_id == LoanRequest.id)
        .order_by(first_session.c.first_start, LoanRequest.id, LoanSession.proposed,
                  LoanSession.starts_at)
    )
    if selection.status:
        statement = statement.where(LoanRequest.status == selection.status)
    if selection.institution_kind:
        statement = statement.where(Institution.kind == selection.institution_kind)
    return statement


def register_rows(selection):
    """The register's loans as :class:`RegisterRow`, first session first,
    fetched ``BATCH`` database rows at a time (a row per session: those of a
    loan come together, its schedule before its proposal)."""
    result = db.session.execute(_statement(selection),
                                execution_options={"yield_per": BATCH})
    try:
        for _loan_id, lines in itertools.groupby(result, key=lambda line: line.id):
            lines = list(lines)
            first = lines[0]
            yield RegisterRow(
                **{column.key: getattr(first, column.key) for column in LOAN_COLUMNS},
                sessions=tuple((line.starts_at, line.ends_at) for line in lines
                               if not line.proposed),
                proposed_sessions=tuple((line.starts_at, line.ends_at) for line in lines
                                        if line.proposed),
            )
    finally:
        result.close()


def session_dates(row):
    """(first start, last end) of a row, as aware UTC datetimes."""
    return row.sessions[0][0], max(end for _start, end in row.sessions)
