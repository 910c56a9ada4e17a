"""The Surat Konfirmasi Peminjaman: the letter a borrower receives once the
Kasi has confirmed a request, and the public check of its authenticity.

The first download issues the letter: a LoanConfirmation row with its number
(kode klasifikasi/nomor urut/kode unit/tahun, the nomor urut counting the
year's confirmation letters), its date (the day the request was confirmed)
and a random, unguessable code (192 bits from ``secrets``) whose public page
``/verify/<code>`` says whether the letter is genuine and still valid. Later
downloads print the same number, date and code. The letter carries the code,
the page's address and a QR code of it, drawn by reportlab's own barcode
module.

As Tata Naskah Dinas (Permendagri No. 1 Tahun 2023) writes a letter: the Kasi
signs for the head of the Dinas (a.n. ... u.b. ..., CONFIRMATION_SIGNED_FOR)
with name, pangkat/golongan and NIP; the copies (Tembusan) close it; a
one-page letter has no page number, and from the second page on each page
carries its number ("- 2 -") and a short header naming the letter.
"""
import re
import secrets
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext, pgettext
from flask_babel import lazy_gettext as _l
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.documents.layout import (
    MARGIN,
    PORTRAIT,
    STYLES,
    PageStyle,
    Signatory,
    build,
    given,
    indonesian,
    paragraph,
    place_and_date,
    session_text,
    signature,
)
from app.domain import yearly_numbers
from app.models import LoanConfirmation, LoanRequest, LoanStatus, StatusHistory
from app.platform.extensions import db
from app.platform.formatting import format_letter_date
from app.platform.links import external_url
from app.platform.timeutil import to_local, utcnow

VERIFY_ENDPOINT = "VerificationView.confirmation"
CODE_BYTES = 24  # 32 characters; far too many to guess or enumerate
UNSET_CODE = "......"  # a classification or unit code not configured yet
# Two first downloads at once may take the same number: the later one tries again.
ISSUE_ATTEMPTS = 10
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what token_urlsafe makes
QR_SIZE = 28 * mm
TEXT_WIDTH = PORTRAIT[0] - 2 * MARGIN
# The verification box holds the address on one line (up to about 75
# characters: https://pontive.pontianak.go.id/verify/<code> has 71).
VERIFICATION_WIDTH = 94 * mm
SIGNATURE_WIDTH = TEXT_WIDTH - VERIFICATION_WIDTH - 6 * mm
DETAILS_INDENT = 10 * mm
DETAILS_LABEL = 30 * mm
ADDRESS_STYLE = ParagraphStyle("address", parent=STYLES["small"], fontSize=7,
                               textColor=colors.black)


class NotConfirmed(Exception):
    """The request has no confirmation letter (yet, or any more)."""


@dataclass(frozen=True)
class Letter:
    number: str
    dated: date
    code: str
    verify_url: str
    registration_number: str
    institution: str
    contact_name: str
    request_letter_number: str
    request_letter_date: date
    subject: str
    title: str
    room: str
    participants: int
    sessions: tuple
    copies: tuple  # Tembusan


@dataclass(frozen=True)
class Verification:
    """What the public page may tell: nothing about people."""

    number: str
    dated: date
    institution: str
    room: str
    sessions: tuple
    valid: bool
    status_label: object


def available(loan):
    return loan.status in LoanStatus.OCCUPYING  # confirmed and after


def letter_number(issued):
    """The number of an issued letter (LoanConfirmation): kode
    klasifikasi/nomor urut/kode unit/tahun, e.g. 000.5.2.3/12/PK-AI/2026,
    with the codes of CONFIRMATION_CLASSIFICATION and CONFIRMATION_UNIT."""
    config = current_app.config
    classification = config["CONFIRMATION_CLASSIFICATION"].strip() or UNSET_CODE
    unit = config["CONFIRMATION_UNIT"].strip() or UNSET_CODE
    return f"{classification}/{issued.serial}/{unit}/{issued.year}"


def confirmed_on(loan):
    """The office date the request was (last) confirmed; today when its
    history does not say (a request entered without it)."""
    moment = db.session.execute(
        sa.select(sa.func.max(StatusHistory.created_at))
        .where(StatusHistory.loan_id == loan.id,
               StatusHistory.to_status == LoanStatus.CONFIRMED)).scalar()
    return to_local(moment or utcnow()).date()


def verify_url(code):
    return external_url(VERIFY_ENDPOINT, code=code)


def _issued(loan_id):
    return db.session.query(LoanConfirmation).filter_by(loan_id=loan_id).one_or_none()


def issue(loan):
    """The request's confirmation row, made and committed on the first download."""
    if not available(loan):
        raise NotConfirmed(_l(
            "The confirmation letter is available once the request is confirmed; "
            "the request is now %(status)s.", status=loan.status_label))
    for _attempt in range(ISSUE_ATTEMPTS):
        found = _issued(loan.id)
        if found is not None:
            return found
        dated = confirmed_on(loan)
        db.session.add(LoanConfirmation(
            loan_id=loan.id, issued_at=utcnow(), code=secrets.token_urlsafe(CODE_BYTES),
            dated=dated, year=dated.year,
            serial=yearly_numbers.next_sequence(yearly_numbers.CONFIRMATION_SERIES,
                                                dated.year)))
        try:
            db.session.commit()
        except IntegrityError:
            # Issued at once by another download (the first one stands):
            # look again (the number taken is given back with the rollback).
            db.session.rollback()
    raise RuntimeError(f"no confirmation letter issued for loan {loan.id}")


def letter(loan):
    """The letter's data; issues it on the first call (see :func:`issue`)."""
    issued = issue(loan)
    return Letter(
        number=letter_number(issued), dated=issued.dated,
        code=issued.code, verify_url=verify_url(issued.code),
        registration_number=loan.registration_number,
        institution=loan.institution.name, contact_name=loan.contact_name,
        request_letter_number=loan.letter_number, request_letter_date=loan.letter_date,
        subject=loan.subject, title=loan.title, room=loan.room.name,
        participants=loan.participants,
        sessions=tuple((s.starts_at, s.ends_at) for s in loan.sessions),
        copies=tuple(current_app.config["CONFIRMATION_COPIES"]),
    )


def verification(code):
    """What ``/verify/<code>`` shows, or None for a code never issued."""
    if not CODE_PATTERN.fullmatch(code or ""):
        return None  # not even the shape of a code: no need to ask the database
    issued = (db.session.query(LoanConfirmation)
              .options(joinedload(LoanConfirmation.loan).joinedload(LoanRequest.institution),
                       joinedload(LoanConfirmation.loan).joinedload(LoanRequest.room))
              .filter(LoanConfirmation.code == code).one_or_none())
    if issued is None:
        return None
    loan = issued.loan
    return Verification(
        number=letter_number(issued), dated=issued.dated,
        institution=loan.institution.name, room=loan.room.name,
        sessions=tuple((s.starts_at, s.ends_at) for s in loan.sessions),
        valid=available(loan), status_label=loan.status_label,
    )


# ------------------------------------------------------------------ the PDF

def _text(value):
    return paragraph(value, "letter")


def _plain_table(rows, widths, style=None):
    table = Table(rows, colWidths=widths, hAlign="LEFT", splitInRow=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        *(style or []),
    ]))
    return table


def _fields(rows, label_width, indent=0):
    """"Label : value" lines, the colons one under the other; a value is a
    text or a flowable."""
    return _plain_table(
        [[_text(label), _text(":"),
          value if isinstance(value, Flowable) else _text(value)]
         for label, value in rows],
        [indent + label_width, 3 * mm, TEXT_WIDTH - indent - label_width - 3 * mm],
        [("LEFTPADDING", (0, 0), (0, -1), indent)])


def _head(data):
    """The place and date at the right; number, nature, attachments, subject."""
    dated = Table([[place_and_date(data.dated)]], colWidths=[TEXT_WIDTH])
    dated.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "RIGHT"),
                               ("FONT", (0, 0), (-1, -1), "Helvetica", 10),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [dated, _fields([
        (pgettext("letter head", "Number"), data.number),
        (gettext("Nature"), gettext("Ordinary")),
        (gettext("Attachment"), "–"),
        (pgettext("letter head", "Subject"),
         gettext("Confirmation of the loan of the Pontive Center meeting room")),
    ], 20 * mm)]


def _addressee(data):
    return [
        _text(gettext("To the head of %(institution)s",
                          institution=data.institution)),
        _text(gettext("Attn. %(name)s", name=data.contact_name)),
        _text(gettext("in place")),
    ]


def _sessions(data):
    """Each session on its line; several are numbered, the numbers in a column."""
    if len(data.sessions) == 1:
        return _text(session_text(*data.sessions[0]))
    width = TEXT_WIDTH - DETAILS_INDENT - DETAILS_LABEL - 3 * mm
    return _plain_table([[_text(f"{number}."), _text(session_text(start, end))]
                         for number, (start, end) in enumerate(data.sessions, start=1)],
                        [8 * mm, width - 8 * mm],
                        [("TOPPADDING", (0, 0), (-1, -1), 0),
                         ("RIGHTPADDING", (0, 0), (-1, -1), 0)])


def _details(data):
    rows = [
        (gettext("Activity"), data.title),
        (gettext("Room"), data.room),
        (gettext("Time"), _sessions(data)),
        (gettext("Participants"), gettext("%(count)d people", count=data.participants)),
        (gettext("Registration number"), data.registration_number),
    ]
    return _fields(rows, DETAILS_LABEL, indent=DETAILS_INDENT)


RULES = (
    _l("serve no buffet food (makanan prasmanan) in the room;"),
    _l("take good care of the room and its equipment (computer, TV, projector, air "
       "conditioning) and report any damage to the Pontive Center staff at once;"),
    _l("follow the instructions of the Pontive Center staff;"),
    _l("use the room only at the times above and leave it clean and tidy."),
)


def _rules():
    return ListFlowable([_text(rule) for rule in RULES], bulletType="1",
                        bulletFontName="Helvetica", bulletFontSize=10, leftIndent=14,
                        bulletFormat="%s.")


def _qr(url):
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[
        QR_SIZE / (right - left), 0, 0, QR_SIZE / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def _verification(data):
    """The QR code with what it checks beside it and its address under it."""
    text = [
        paragraph(gettext("Authenticity check"), "cell_head"),
        paragraph(gettext("Scan the QR code or open the address below to check that "
                          "this letter was issued by the Pontive Center loan system."),
                  "small"),
        Spacer(1, 1.5 * mm),
        paragraph(gettext("Verification code:"), "cell"),
        paragraph(data.code, "cell_head"),
    ]
    table = Table([[_qr(data.verify_url), text],
                   [Paragraph(escape(data.verify_url), ADDRESS_STYLE), ""]],
                  colWidths=[QR_SIZE + 2 * mm, VERIFICATION_WIDTH - QR_SIZE - 2 * mm])
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
        ("SPAN", (0, 1), (-1, 1)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
    ]))
    return table


def _closing(data):
    """The closing sentence, then the verification at the left and the Kasi's
    signature for the head of the Dinas at the right: never a signature alone
    on a page."""
    signed = signature(Signatory.of("kasi"), place_date="",
                       above=current_app.config["CONFIRMATION_SIGNED_FOR"],
                       width=SIGNATURE_WIDTH)
    table = Table([[_verification(data), signed]],
                  colWidths=[TEXT_WIDTH - SIGNATURE_WIDTH, SIGNATURE_WIDTH])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([
        _text(gettext("Thank you for your attention and cooperation.")),
        Spacer(1, 6 * mm), table])


def _copies(data):
    """Tembusan: numbered when there are several; none configured, none printed."""
    if not data.copies:
        return []
    lines = [given(copy) for copy in data.copies]
    if len(lines) > 1:
        lines = [f"{number}. {line}" for number, line in enumerate(lines, start=1)]
    return [KeepTogether([Spacer(1, 6 * mm), _text(gettext("Copies to:")),
                          *[_text(line) for line in lines]])]


def _page_header(data):
    """From the second page on: the page's number and the letter it continues."""
    def draw(pdf, page, width, height):
        top = height - MARGIN
        pdf.setFont("Helvetica", 10)
        pdf.drawCentredString(width / 2, top - 4 * mm, f"- {page} -")
        pdf.setFont("Helvetica", 8.5)
        pdf.setFillColor(colors.grey)
        pdf.drawString(MARGIN, top - 10 * mm, gettext(
            "Continuation of letter number %(number)s of %(date)s", number=data.number,
            date=format_letter_date(data.dated)))
        pdf.setFillColor(colors.black)
    return draw


@indonesian
def render(data):
    """The letter as PDF bytes."""
    story = [
        *_head(data),
        Spacer(1, 6 * mm),
        *_addressee(data),
        Spacer(1, 6 * mm),
        _text(gettext(
            "Following up your letter number %(number)s of %(date)s on %(subject)s, "
            "we confirm that the Pontive Center meeting room is lent to you as "
            "follows:", number=data.request_letter_number,
            date=format_letter_date(data.request_letter_date),
            subject=data.subject)),
        Spacer(1, 2 * mm),
        _details(data),
        Spacer(1, 3 * mm),
        _text(gettext("While using the room, the borrower must:")),
        Spacer(1, 1 * mm),
        _rules(),
        Spacer(1, 3 * mm),
        _closing(data),
        *_copies(data),
    ]
    # A letter carries no printing time and no "Halaman 1 dari 1".
    pages = (PageStyle("letter", letterhead=True, numbering=None, printed=False),
             PageStyle("letter_continued", numbering=None, printed=False,
                       header=_page_header(data), header_height=14 * mm))
    return build(story, pagesize=PORTRAIT, pages=pages,
                 title=gettext("Loan confirmation %(number)s", number=data.number))
