"""The Lembar Disposisi of one request, on the form an Indonesian office knows.

The head of the form holds the letter (from whom, its number, date and
subject), when it was received, its agenda number (the registration number)
and its nature (sifat) ticked; below it, the disposition chain: each step
after the submission, who took it (role and name) and to whom it passed,
the instruction (isi disposisi: the Kabid's preset ticked, and the free
text), the date and time in WIB, and room for the paraf. A request not yet
disposed gets blank rows for the Kabid to write on.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from sqlalchemy.orm import joinedload

from app.documents.layout import (
    PORTRAIT,
    TABLE_STYLE,
    build,
    indonesian,
    paragraph,
)
from app.domain.workflow import ACTION_LABELS, WAITING_ROLE
from app.models import (
    DispositionInstruction,
    DispositionNature,
    LoanStatus,
    StatusHistory,
)
from app.platform.extensions import db
from app.platform.formatting import format_date, format_datetime, format_session

BLANK_ROWS = 3  # rows to write on when nothing has been disposed yet
BLANK_HEIGHT = 24 * mm
PARAF_HEIGHT = 12 * mm  # the least height of a row: room for the initials


@dataclass(frozen=True)
class Step:
    """One step of the chain: who passed the request on, to whom, with what."""

    at: datetime
    action: str
    actor_role: str
    actor: str
    recipient_role: str  # "" when the request ends there
    instruction: str | None  # a DispositionInstruction code (the dispose step)
    to_status: str
    note: str


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
    nature: str | None  # a DispositionNature code, once disposed
    steps: tuple


def _recipient(row):
    """The role the step passed the request on to: the one whose turn it is
    next, unless the request stays with the same role or ends there."""
    role = WAITING_ROLE.get(row.to_status, "")
    return "" if role == row.actor_role else role


def sheet(loan):
    """The sheet's data for ``loan`` (already checked as visible to the user)."""
    rows = (db.session.query(StatusHistory)
            .options(joinedload(StatusHistory.actor))
            .filter(StatusHistory.loan_id == loan.id, StatusHistory.action != "submit")
            .order_by(StatusHistory.id).all())
    steps = tuple(
        Step(at=row.created_at, action=row.action, actor_role=row.actor_role,
             actor=row.actor.get_full_name() if row.actor else "",
             recipient_role=_recipient(row),
             instruction=row.instruction, to_status=row.to_status, note=row.note or "")
        for row in rows
    )
    nature = next((row.nature for row in reversed(rows) if row.nature), None)
    return Sheet(
        registration_number=loan.registration_number, institution=loan.institution.name,
        letter_number=loan.letter_number, letter_date=loan.letter_date,
        subject=loan.subject, received_at=loan.created_at, title=loan.title,
        room=loan.room.name, participants=loan.participants,
        sessions=tuple((s.starts_at, s.ends_at) for s in loan.sessions),
        nature=nature, steps=steps,
    )


class CheckBoxes(Flowable):
    """Options each with a box, the chosen one marked with an X, as on a paper
    form; side by side while they fit, else one under the other."""

    BOX = 3.2 * mm
    GAP = 1.5 * mm
    SPACING = 5 * mm
    LINE = 4.8 * mm
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
                if code == self.chosen:
                    pdf.setFont("Helvetica-Bold", 9)
                    pdf.drawCentredString(x + self.BOX / 2, y + 0.55 * mm, "X")
                pdf.setFont(*self.FONT)
                pdf.drawString(x + self.BOX + self.GAP, y + 0.55 * mm, label)


def _field(label, value):
    return [paragraph(label, "cell_head"), value if isinstance(value, Flowable)
            else paragraph(value)]


def _letter_box(data):
    """The letter and its receipt: two halves side by side, the subject and
    the activity across the whole width."""
    widths = [27 * mm, 60 * mm, 29 * mm, 58 * mm]
    sessions = "\n".join(format_session(start, end) for start, end in data.sessions)
    rows = [
        _field(gettext("Letter from"), data.institution)
        + _field(gettext("Received on"), format_datetime(data.received_at)),
        _field(gettext("Letter number"), data.letter_number)
        + _field(gettext("Agenda number"), data.registration_number),
        _field(gettext("Letter date"), format_date(data.letter_date))
        + _field(gettext("Nature"), CheckBoxes(DispositionNature.LABELS, data.nature)),
        _field(gettext("Subject (perihal)"), data.subject) + ["", ""],
        _field(gettext("Activity"), data.title) + ["", ""],
        _field(gettext("Room"), gettext("%(room)s, %(count)d participants",
                                        room=data.room, count=data.participants))
        + ["", ""],
        _field(gettext("Schedule"), sessions) + ["", ""],
    ]
    # splitInRow: a very long text may run on over a page break.
    table = Table(rows, colWidths=widths, splitInRow=1)
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


def _presets(chosen, note):
    """The Kabid's preset instructions, the chosen one ticked, and the free text."""
    return [CheckBoxes(DispositionInstruction.LABELS, chosen, vertical=True),
            Spacer(1, 1 * mm), paragraph(gettext("Note: %(note)s", note=note), "cell")]


def _instruction(step):
    """The isi disposisi of a step: the presets and the free text for a
    disposition; the step, the state it led to and its note otherwise."""
    if step.action == "dispose":
        return _presets(step.instruction, step.note)
    label = str(ACTION_LABELS.get(step.action, step.action))
    status = str(LoanStatus.label(step.to_status))
    heading = label if label == status else gettext(
        "%(step)s (%(status)s)", step=label, status=status)
    parts = [paragraph(heading, "cell_head")]
    if step.note:
        parts.append(paragraph(step.note, "cell"))
    return parts


def _chain(data):
    widths = [8 * mm, 31 * mm, 33 * mm, 28 * mm, 52 * mm, 22 * mm]
    header = [paragraph(text, "cell_head") for text in (
        gettext("No."), gettext("Date and time"), gettext("From"),
        gettext("Forwarded to"), gettext("Instruction (isi disposisi)"),
        gettext("Initials"))]
    rows = [header]
    for number, step in enumerate(data.steps, start=1):
        who = [paragraph(step.actor_role, "cell_head")]
        if step.actor:
            who.append(paragraph(step.actor, "cell"))
        rows.append([paragraph(number, "cell"),
                     paragraph(format_datetime(step.at), "cell"), who,
                     paragraph(step.recipient_role or "—", "cell"),
                     _instruction(step), Spacer(1, PARAF_HEIGHT)])
    blank = 0 if data.steps else BLANK_ROWS
    rows += [[""] * len(widths) for _ in range(blank)]
    if blank:  # for the Kabid to tick and write by hand
        rows[1][4] = _presets(None, "")
    table = Table(rows, colWidths=widths, repeatRows=1, splitInRow=1,
                  rowHeights=[None] * (1 + len(data.steps)) + [BLANK_HEIGHT] * blank)
    table.setStyle(TABLE_STYLE)
    return table


@indonesian
def render(data):
    """The Lembar Disposisi as PDF bytes."""
    story = [
        paragraph(gettext("DISPOSITION SHEET"), "title"),
        paragraph(gettext("Loan of the Pontive Center meeting room"), "subtitle"),
        _letter_box(data),
        Spacer(1, 5 * mm),
        paragraph(gettext("Disposition chain"), "heading"),
        _chain(data),
        Spacer(1, 3 * mm),
        paragraph(gettext("Times are WIB. Printed from the Pontive Center loan "
                          "system; each step is recorded there with its time."),
                  "small"),
    ]
    return build(story, pagesize=PORTRAIT,
                 title=gettext("Disposition sheet %(number)s",
                               number=data.registration_number))
