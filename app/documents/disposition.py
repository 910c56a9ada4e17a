"""The Lembar Disposisi of one request, on the form an Indonesian office knows.

An internal sheet (staff only, app/security/roles.py). Its head holds the
letter (from whom, its number, date and subject), when it was received, its
agenda number (the registration number) and its nature (sifat: Sangat Segera,
Segera, Rahasia, Biasa) ticked, the activity and its schedule, and the other
schedule the Kasi proposed while the borrower has not answered. Below, the
dispositions: who disposed (role and name) to whom ("Kepada"), when, the
"Dengan hormat harap" presets of the standard sheet (DISPOSITION_PRESETS) with
the chosen one ticked, the note and room for the paraf. Only dispositions:
confirming, scheduling and the later steps are the request's history, shown
on its page. A request not yet disposed gets blank rows to fill in by hand.

The rows are plain :class:`Disposition` data (``Sheet.dispositions``), printed
in their order: a disposition recorded elsewhere (the Kepala Dinas's,
received with the letter) becomes the first row by being put first there
(:func:`sheet`).

The sheet always fits one page: beyond three sessions the schedule is
summarised, a very long note is cut short (it is whole in the system), and
what still does not fit is scaled down.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepInFrame, Spacer, Table, TableStyle
from sqlalchemy.orm import joinedload

from app.documents.layout import (
    LETTERHEAD_HEIGHT,
    MARGIN,
    ONE_PAGE,
    PORTRAIT,
    TABLE_STYLE,
    build,
    indonesian,
    moment_text,
    paragraph,
    sessions_text,
)
from app.domain.workflow import WAITING_ROLE
from app.models import DispositionInstruction, DispositionNature, StatusHistory
from app.platform.extensions import db
from app.platform.formatting import format_date

# The sifat as the standard sheet lists them.
NATURES = (DispositionNature.VERY_URGENT, DispositionNature.URGENT,
           DispositionNature.CONFIDENTIAL, DispositionNature.ORDINARY)
SESSION_LINES = 3  # more sessions than this are summarised on one line
NOTE_CHARS = 600  # a longer note is cut short here
BLANK_ROWS = 2  # rows to fill in by hand when nothing has been disposed yet
BLANK_HEIGHT = 34 * mm
PARAF_HEIGHT = 12 * mm  # the least height of a row: room for the initials
TEXT_WIDTH = PORTRAIT[0] - 2 * MARGIN
# The frame of the sheet's one page: below the letterhead, above the footer.
PAGE_HEIGHT = PORTRAIT[1] - 2 * MARGIN - LETTERHEAD_HEIGHT - 6 * mm


@dataclass(frozen=True)
class Disposition:
    """One row of the sheet: who disposed the letter to whom, with what."""

    at: datetime | date  # a date alone when only the day is known
    sender_role: str
    sender: str  # the person's name ("" when not known)
    recipient_role: str
    instruction: str | None  # a DispositionInstruction code
    note: str
    written_instruction: str = ""  # in words, printed instead of the presets


@dataclass(frozen=True)
class Sheet:
    registration_number: str
    institution: str
    letter_number: str
    letter_date: date
    subject: str
    received_at: datetime
    title: str
    room: str
    participants: int
    sessions: tuple
    proposed_sessions: tuple  # the Kasi's open proposal, if any
    proposal_held_until: datetime | None
    nature: str | None  # a DispositionNature code, once disposed
    dispositions: tuple


def _disposed(loan):
    """The request's dispose steps, oldest first (the Kabid's to the Kasi)."""
    return (db.session.query(StatusHistory)
            .options(joinedload(StatusHistory.actor))
            .filter(StatusHistory.loan_id == loan.id, StatusHistory.action == "dispose")
            .order_by(StatusHistory.id).all())


def _disposition(row):
    """A dispose step as a row of the sheet; it goes to the role whose turn
    it is next."""
    return Disposition(at=row.created_at, sender_role=row.actor_role,
                       sender=row.actor.get_full_name() if row.actor else "",
                       recipient_role=WAITING_ROLE.get(row.to_status, ""),
                       instruction=row.instruction, note=row.note or "")


def _incoming(row):
    """The Kepala Dinas's disposition the Kabid recorded with his own: to
    him, on the day the letter reached him, in the Kepala Dinas's words."""
    return Disposition(at=row.incoming_received_on, sender_role=row.incoming_from or "",
                       sender="", recipient_role=row.actor_role, instruction=None,
                       note=gettext("Agenda number: %(number)s",
                                    number=row.incoming_agenda_number)
                       if row.incoming_agenda_number else "",
                       written_instruction=row.incoming_instruction or "")


def sheet(loan):
    """The sheet's data for ``loan`` (already checked as visible to the user)."""
    disposed = _disposed(loan)
    incoming = [_incoming(row) for row in disposed if row.incoming_received_on][:1]
    return Sheet(
        registration_number=loan.registration_number, institution=loan.institution.name,
        letter_number=loan.letter_number, letter_date=loan.letter_date,
        subject=loan.subject, received_at=loan.created_at, title=loan.title,
        room=loan.room.name, participants=loan.participants,
        sessions=tuple((s.starts_at, s.ends_at) for s in loan.sessions),
        proposed_sessions=tuple((s.starts_at, s.ends_at)
                                for s in loan.proposed_sessions),
        proposal_held_until=loan.hold_expires_at,
        nature=next((row.nature for row in reversed(disposed) if row.nature), None),
        dispositions=(*incoming, *(_disposition(row) for row in disposed)),
    )


def presets():
    """(instruction code or None, printed text) of DISPOSITION_PRESETS."""
    found = []
    for preset in current_app.config["DISPOSITION_PRESETS"]:
        code, _, text = preset.partition("=")
        found.append((code.strip(), text.strip()) if text else (None, preset.strip()))
    return found


class CheckBoxes(Flowable):
    """Options each with a box, the chosen one marked with an X, as on a paper
    form; side by side while they fit, else one under the other."""

    BOX = 3.2 * mm
    GAP = 1.5 * mm
    SPACING = 5 * mm
    LINE = 4.6 * mm
    FONT = ("Helvetica", 8.5)

    def __init__(self, options, chosen, vertical=False):
        super().__init__()
        self.options = [(code, str(label)) for code, label in options]
        self.chosen = chosen
        self.vertical = vertical
        self._lines = []

    def wrap(self, avail_width, avail_height):
        self._lines, line, x = [], [], 0
        for code, label in self.options:
            width = self.BOX + self.GAP + stringWidth(label, *self.FONT)
            if line and (self.vertical or x + width > avail_width):
                self._lines.append(line)
                line, x = [], 0
            line.append((x, code, label))
            x += width + self.SPACING
        self._lines.append(line)
        self.width, self.height = avail_width, len(self._lines) * self.LINE
        return self.width, self.height

    def draw(self):
        pdf = self.canv
        pdf.setLineWidth(0.6)
        for number, line in enumerate(self._lines):
            y = self.height - (number + 1) * self.LINE + (self.LINE - self.BOX) / 2
            for x, code, label in line:
                pdf.rect(x, y, self.BOX, self.BOX)
                if code is not None and code == self.chosen:
                    pdf.setFont("Helvetica-Bold", 9)
                    pdf.drawCentredString(x + self.BOX / 2, y + 0.55 * mm, "X")
                pdf.setFont(*self.FONT)
                pdf.drawString(x + self.BOX + self.GAP, y + 0.55 * mm, label)


def _field(label, value):
    return [paragraph(label, "cell_head"), value if isinstance(value, Flowable)
            else paragraph(value)]


def _schedule(data):
    """The schedule, and the proposal still waiting for the borrower."""
    rows = [_field(gettext("Schedule"), "\n".join(sessions_text(data.sessions,
                                                                SESSION_LINES)))]
    if data.proposed_sessions:
        proposal = "\n".join(sessions_text(data.proposed_sessions, SESSION_LINES))
        if data.proposal_held_until:
            proposal += "\n" + gettext(
                "(waiting for the borrower's answer until %(until)s)",
                until=moment_text(data.proposal_held_until))
        rows.append(_field(gettext("Other schedule proposed"), proposal))
    return rows


def _letter_box(data):
    """The letter and its receipt in two halves, then the nature, the subject,
    the activity and the schedule across the whole width."""
    widths = [27 * mm, 60 * mm, 29 * mm, 58 * mm]
    rows = [
        _field(gettext("Letter from"), data.institution)
        + _field(gettext("Received on"), moment_text(data.received_at)),
        _field(gettext("Letter number"), data.letter_number)
        + _field(gettext("Agenda number"), data.registration_number),
        _field(gettext("Letter date"), format_date(data.letter_date)) + ["", ""],
        _field(gettext("Nature"), CheckBoxes(
            [(code, DispositionNature.label(code)) for code in NATURES], data.nature))
        + ["", ""],
        _field(gettext("Subject (perihal)"), data.subject) + ["", ""],
        _field(gettext("Activity"), data.title) + ["", ""],
        _field(gettext("Room"), gettext("%(room)s, %(count)d participants",
                                        room=data.room, count=data.participants))
        + ["", ""],
        *[row + ["", ""] for row in _schedule(data)],
    ]
    table = Table(rows, colWidths=widths)
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.9, colors.black),
        ("LINEAFTER", (1, 0), (1, 2), 0.4, colors.black),
        ("LINEBELOW", (0, 2), (-1, -2), 0.4, colors.black),
        *[("SPAN", (1, row), (-1, row)) for row in range(3, len(rows))],
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _instruction(chosen):
    """"Dengan hormat harap": the presets, the chosen one ticked; a choice
    that is none of them is added, ticked, so that it is never lost."""
    options = presets()
    if chosen and chosen not in {code for code, _text in options}:
        options.append((chosen, str(DispositionInstruction.label(chosen))))
    return CheckBoxes(options, chosen, vertical=True)


def _note(text):
    if len(text) > NOTE_CHARS:
        text = gettext("%(start)s… (in full in the loan system)",
                       start=text[:NOTE_CHARS].rstrip())
    return paragraph(text, "cell")


def _chain(data):
    widths = [7 * mm, 24 * mm, 28 * mm, 26 * mm, 46 * mm, 29 * mm, 14 * mm]
    header = [paragraph(text, "cell_head") for text in (
        gettext("No."), gettext("Date and time"), gettext("From"),
        gettext("To (kepada)"), gettext("With respect, please"), gettext("Note"),
        gettext("Initials"))]
    rows = [header]
    for number, row in enumerate(data.dispositions, start=1):
        sender = [paragraph(row.sender_role, "cell_head")]
        if row.sender:
            sender.append(paragraph(row.sender, "cell"))
        when = moment_text(row.at) if isinstance(row.at, datetime) else format_date(row.at)
        rows.append([paragraph(number, "cell"), paragraph(when, "cell"), sender,
                     paragraph(row.recipient_role or "—", "cell_head"),
                     _note(row.written_instruction) if row.written_instruction
                     else _instruction(row.instruction), _note(row.note),
                     Spacer(1, PARAF_HEIGHT)])
    blank = 0 if data.dispositions else BLANK_ROWS
    # Blank rows for the dispositions written by hand, the presets to tick.
    rows += [["", "", "", "", _instruction(None), "", ""] for _ in range(blank)]
    heights = [None] * (1 + len(data.dispositions)) + [BLANK_HEIGHT] * blank
    table = Table(rows, colWidths=widths, repeatRows=1, rowHeights=heights)
    table.setStyle(TABLE_STYLE)
    return table


@indonesian
def render(data):
    """The Lembar Disposisi as PDF bytes: one page, whatever it holds."""
    story = [
        paragraph(gettext("DISPOSITION SHEET"), "title"),
        paragraph(gettext("Loan of the Pontive Center meeting room"), "subtitle"),
        _letter_box(data),
        Spacer(1, 5 * mm),
        paragraph(gettext("Dispositions"), "heading"),
        _chain(data),
        Spacer(1, 3 * mm),
        paragraph(gettext("Times are WIB. An internal sheet, printed from the Pontive "
                          "Center loan system; the request's other steps are in its "
                          "history there."), "small"),
    ]
    return build([KeepInFrame(TEXT_WIDTH, PAGE_HEIGHT, story, mode="shrink")],
                 pagesize=PORTRAIT, pages=(ONE_PAGE,),
                 title=gettext("Disposition sheet %(number)s",
                               number=data.registration_number))
