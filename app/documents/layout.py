"""What every printed document shares: the city's letterhead, the styles, the
footer with "Halaman x dari y" and the time of printing, and the signature block.

Fonts are reportlab's built-in Helvetica family: nothing to install or fetch,
and it covers Indonesian text (Latin letters, the en dash, the middle dot).
"""
import io
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import force_locale, gettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.platform.formatting import format_datetime, format_letter_date
from app.platform.timeutil import utcnow

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 18 * mm
LETTERHEAD_HEIGHT = 30 * mm


def number(value, digits=0):
    """1234.5 -> "1.234,5": Indonesian separators."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="id")


def _styles():
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName="Helvetica-Bold",
                                fontSize=13, leading=16, spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=base["Normal"], fontSize=10,
                                   alignment=TA_CENTER, spaceAfter=4 * mm),
        "heading": ParagraphStyle("heading", parent=base["Heading2"],
                                  fontName="Helvetica-Bold", fontSize=11, leading=14,
                                  spaceBefore=4 * mm, spaceAfter=2 * mm),
        "body": ParagraphStyle("body", parent=base["Normal"], fontName="Helvetica",
                               fontSize=9.5, leading=12.5),
        # A letter's running text, justified as typed letters are.
        "letter": ParagraphStyle("letter", parent=base["Normal"], fontName="Helvetica",
                                 fontSize=10, leading=14, alignment=TA_JUSTIFY),
        "cell": ParagraphStyle("cell", parent=base["Normal"], fontName="Helvetica",
                               fontSize=8, leading=10),
        "cell_head": ParagraphStyle("cell_head", parent=base["Normal"],
                                    fontName="Helvetica-Bold", fontSize=8, leading=10),
        "small": ParagraphStyle("small", parent=base["Normal"], fontSize=7.5,
                                leading=9, textColor=colors.grey),
    }


STYLES = _styles()

# A table the office can read when photocopied: thin black rules, a grey header.
TABLE_STYLE = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
])


def paragraph(text, style="body"):
    """A Paragraph of plain text: whatever it holds ("<b>", "<para>", "&", an
    unclosed "<font") is printed as typed, not read as reportlab's markup.
    ``style`` is a name in STYLES or a ParagraphStyle."""
    from xml.sax.saxutils import escape

    style = STYLES[style] if isinstance(style, str) else style
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


@dataclass(frozen=True)
class Office:
    """The issuing office, from the configuration (DOCUMENT_* settings)."""

    government: str
    agency: str
    address: str
    city: str

    @classmethod
    def current(cls):
        config = current_app.config
        return cls(config["DOCUMENT_GOVERNMENT"], config["DOCUMENT_AGENCY"],
                   config["DOCUMENT_ADDRESS"], config["DOCUMENT_CITY"])


def signatory(key):
    """(position, name, NIP) of a signatory from DOCUMENT_SIGNATORIES."""
    return current_app.config["DOCUMENT_SIGNATORIES"][key]


def draw_letterhead(pdf, page_width, page_height, office):
    """PEMERINTAH KOTA PONTIANAK / DINAS ..., the address, a double rule."""
    centre = page_width / 2
    top = page_height - MARGIN
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawCentredString(centre, top - 4 * mm, office.government.upper())
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawCentredString(centre, top - 10 * mm, office.agency.upper())
    pdf.setFont("Helvetica", 8.5)
    pdf.drawCentredString(centre, top - 15 * mm, office.address)
    rule = top - 18 * mm
    pdf.setLineWidth(1.6)
    pdf.line(MARGIN, rule, page_width - MARGIN, rule)
    pdf.setLineWidth(0.5)
    pdf.line(MARGIN, rule - 1.2 * mm, page_width - MARGIN, rule - 1.2 * mm)


class _NumberedCanvas(canvas.Canvas):
    """Draws "Halaman x dari y" once the page count is known (two passes)."""

    footer_left = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total):
        width = self._pagesize[0]
        self.setFont("Helvetica", 7.5)
        self.setFillColor(colors.grey)
        self.drawString(MARGIN, 10 * mm, self.footer_left)
        self.drawRightString(width - MARGIN, 10 * mm, gettext(
            "Page %(page)d of %(total)d", page=self._pageNumber, total=total))


def build(story, pagesize=PORTRAIT, title="", letterhead_on="first"):
    """Render ``story`` with the letterhead (on the first page, or "all") and
    the numbered footer; returns the PDF's bytes."""
    office = Office.current()
    printed = gettext("Printed %(when)s", when=format_datetime(utcnow()))
    buffer = io.BytesIO()
    width, height = pagesize
    bottom = MARGIN + 6 * mm

    def frame(top_space):
        return Frame(MARGIN, bottom, width - 2 * MARGIN, height - top_space - bottom,
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def letterhead(pdf, doc):
        draw_letterhead(pdf, width, height, office)

    with_letterhead = PageTemplate("letterhead", [frame(MARGIN + LETTERHEAD_HEIGHT)],
                                   onPage=letterhead)
    plain = PageTemplate("plain", [frame(MARGIN)])
    templates = [with_letterhead] if letterhead_on == "all" else [with_letterhead, plain]
    doc = BaseDocTemplate(buffer, pagesize=pagesize, title=title, author=office.agency,
                          creator=office.agency, pageTemplates=templates)
    if letterhead_on != "all":
        story = [NextPageTemplate("plain"), *story]  # from the second page on
    canvas_class = type("DocumentCanvas", (_NumberedCanvas,), {"footer_left": printed})
    doc.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()


def indonesian(render):
    """Call ``render`` with the Indonesian catalog (the documents' language)."""
    def wrapper(*args, **kwargs):
        with force_locale("id"):
            return render(*args, **kwargs)
    return wrapper


def place_and_date(moment=None):
    """"Pontianak, 28 November 2026": the office's city and the local date of
    ``moment`` (now by default)."""
    return f"{Office.current().city}, {format_letter_date(moment or utcnow())}"


def signature(position, name, nip, place_date=None, width=75 * mm):
    """The signature as a table: place and date (today by default; "" leaves it
    out, for a letter dated at its head), position, room to sign, name and NIP."""
    if place_date is None:
        place_date = place_and_date()
    rows = [[paragraph(place_date)]] if place_date else []
    rows += [[paragraph(position)], [Spacer(1, 18 * mm)],
             [paragraph(name, "cell_head")], [paragraph(gettext("NIP %(nip)s", nip=nip))]]
    table = Table(rows, colWidths=[width], hAlign="RIGHT")
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return table


def signature_block(position, name, nip, place_date=None, width=75 * mm):
    """The signature at the right, kept on one page with the space above it."""
    return KeepTogether([Spacer(1, 6 * mm),
                         signature(position, name, nip, place_date, width)])
