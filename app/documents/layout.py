"""What every printed document shares: the city's letterhead (kop), the
styles, the page furniture (the time of printing, "Halaman x dari y", a
letter's short header from its second page on) and the signature block, as
Permendagri No. 1 Tahun 2023 (Tata Naskah Dinas) sets them out.

Fonts are reportlab's built-in Helvetica family: nothing to install or fetch,
and it covers Indonesian text (Latin letters, the en dash, the middle dot).
A value only the office knows (a name, a NIP, the telephone...) prints as a
dotted line until it is configured (config.py, docs/documents.md).
"""
import io
import logging
from collections import Counter
from dataclasses import dataclass
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import force_locale, gettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
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

from app.platform.formatting import format_datetime, format_letter_date, format_session
from app.platform.timeutil import utcnow

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 18 * mm
LETTERHEAD_HEIGHT = 30 * mm
LOGO_SIZE = 22 * mm  # the logo's box at the left of the letterhead
DOTS = "................................"
NBSP = "\u00a0"

log = logging.getLogger(__name__)


def number(value, digits=0):
    """1234.5 -> "1.234,5": Indonesian separators."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="id")


def given(value):
    """A configured value, or the dotted line to fill in by hand."""
    return str(value).strip() or DOTS


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
                                 fontSize=10, leading=13, alignment=TA_JUSTIFY),
        # The signature block: the letter's size, left-aligned.
        "signature": ParagraphStyle("signature", parent=base["Normal"],
                                    fontName="Helvetica", fontSize=10, leading=13),
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
    style = STYLES[style] if isinstance(style, str) else style
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def unbroken_zone(text):
    """"... 16.00 WIB" with a non-breaking space: "WIB" never starts a line."""
    return text.replace(" WIB", NBSP + "WIB")


def moment_text(value):
    """A date and time as format_datetime writes it, "WIB" kept with its time."""
    return unbroken_zone(format_datetime(value))


def session_text(start, end):
    """A session as format_session writes it, "WIB" kept with its time."""
    return unbroken_zone(format_session(start, end))


def sessions_text(sessions, limit):
    """The lines of ``sessions`` ((start, end), in time order): each on its
    own while there are at most ``limit``, else one summary (how many, the
    first and the last), so that no number of sessions overflows a page."""
    if len(sessions) <= limit:
        return [session_text(start, end) for start, end in sessions]
    return [gettext("%(count)d sessions, from %(first)s to %(last)s",
                    count=len(sessions), first=session_text(*sessions[0]),
                    last=session_text(*sessions[-1]))]


# ---------------------------------------------------------------- the office

@dataclass(frozen=True)
class Office:
    """The issuing office, from the configuration (DOCUMENT_* settings)."""

    government: str
    agency: str
    address: str
    city: str
    phone: str = ""
    email: str = ""
    website: str = ""
    logo: str = ""  # a file path; "" for none

    @classmethod
    def current(cls):
        config = current_app.config
        return cls(config["DOCUMENT_GOVERNMENT"], config["DOCUMENT_AGENCY"],
                   config["DOCUMENT_ADDRESS"], config["DOCUMENT_CITY"],
                   config["DOCUMENT_PHONE"], config["DOCUMENT_EMAIL"],
                   config["DOCUMENT_WEBSITE"], config["DOCUMENT_LOGO"])

    def contact_line(self):
        """"Telepon ... · Pos-el ... · Laman ...", dotted where not set."""
        return " · ".join((gettext("Telephone %(phone)s", phone=given(self.phone)),
                           gettext("Email %(email)s", email=given(self.email)),
                           gettext("Website %(website)s", website=given(self.website))))

    def logo_image(self):
        """The logo as reportlab reads it, or None (none configured, or a
        file it cannot read: the letterhead is then printed without it)."""
        if not self.logo.strip():
            return None
        try:
            image = ImageReader(self.logo)
            image.getSize()
        except Exception:  # whatever makes the file unreadable: print without it
            log.warning("DOCUMENT_LOGO %r cannot be read as an image; printing the "
                        "letterhead without it", self.logo)
            return None
        return image


def _fitted(pdf, text, font, size, width, centre, y, smallest=6):
    """``text`` centred at ``centre``, its size reduced until it fits ``width``."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    pdf.setFont(font, size)
    pdf.drawCentredString(centre, y, text)


def draw_letterhead(pdf, page_width, page_height, office, logo=None):
    """The kop: the logo at the left (if any), the government, the agency, the
    address and the contact line centred on the page, then a double rule. The
    text keeps clear of the logo's box on both sides, so it stays centred
    with or without a logo."""
    centre = page_width / 2
    top = page_height - MARGIN
    text_width = page_width - 2 * MARGIN
    if logo is not None:
        image_width, image_height = logo.getSize()
        scale = min(LOGO_SIZE / image_width, LOGO_SIZE / image_height)
        width, height = image_width * scale, image_height * scale
        pdf.drawImage(logo, MARGIN + (LOGO_SIZE - width) / 2,
                      top - LOGO_SIZE + (LOGO_SIZE - height) / 2, width, height,
                      mask="auto")
        text_width -= 2 * (LOGO_SIZE + 3 * mm)
    _fitted(pdf, office.government.upper(), "Helvetica-Bold", 12, text_width, centre,
            top - 4 * mm)
    _fitted(pdf, office.agency.upper(), "Helvetica-Bold", 14, text_width, centre,
            top - 10 * mm)
    _fitted(pdf, office.address, "Helvetica", 8.5, text_width, centre, top - 15 * mm)
    _fitted(pdf, office.contact_line(), "Helvetica", 8.5, text_width, centre,
            top - 19 * mm)
    rule = top - 24 * mm
    pdf.setLineWidth(1.6)
    pdf.line(MARGIN, rule, page_width - MARGIN, rule)
    pdf.setLineWidth(0.5)
    pdf.line(MARGIN, rule - 1.2 * mm, page_width - MARGIN, rule - 1.2 * mm)


# ---------------------------------------------------------------- signatures

@dataclass(frozen=True)
class Signatory:
    """Who signs: jabatan, name, pangkat/golongan and NIP (DOCUMENT_SIGNATORIES)."""

    position: str
    name: str
    rank: str
    nip: str

    @classmethod
    def of(cls, key):
        found = current_app.config["DOCUMENT_SIGNATORIES"][key]
        return cls(found["position"], found["name"], found["rank"], found["nip"])

    @property
    def nip_text(self):
        """"NIP. 19800101 200501 2 003": the 18 digits grouped as the civil
        service writes them (birth date, appointment, sex, number)."""
        digits = self.nip.replace(" ", "")
        if len(digits) == 18 and digits.isdigit():
            digits = f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
        else:
            digits = given(self.nip)
        return gettext("NIP. %(nip)s", nip=digits)


def place_and_date(moment=None):
    """"Pontianak, 28 November 2026": the office's city and the local date of
    ``moment`` (now by default)."""
    return f"{Office.current().city}, {format_letter_date(moment or utcnow())}"


def signature(signer, place_date=None, above=(), width=75 * mm):
    """The signature block as a table: the place and date (today by default;
    "" leaves them out, for a letter dated at its head), the lines ``above``
    the jabatan ("Mengetahui,", "a.n. Kepala Dinas ..."), the jabatan with
    its comma, room to sign, the name underlined, pangkat/golongan and NIP."""
    if place_date is None:
        place_date = place_and_date()
    name = Paragraph(f"<u>{escape(given(signer.name))}</u>", STYLES["signature"])
    lines = [*([place_date] if place_date else []), *above, f"{signer.position},"]
    rows = [[paragraph(line, "signature")] for line in lines]
    rows += [[Spacer(1, 16 * mm)], [name], [paragraph(given(signer.rank), "signature")],
             [paragraph(signer.nip_text, "signature")]]
    table = Table(rows, colWidths=[width], hAlign="RIGHT")
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def signatures(*blocks, width):
    """Signature tables across ``width``: one alone stands at the right,
    several share the width, each centred in its part (the first at the
    left)."""
    alone = len(blocks) == 1
    row = [""] + list(blocks) if alone else list(blocks)
    table = Table([row], colWidths=[width / len(row)] * len(row))
    align = "RIGHT" if alone else "CENTER"
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (0, 0), (-1, -1), align),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def signature_block(*blocks, width):
    """:func:`signatures` kept on one page with the space above them. (Not
    within another KeepTogether: reportlab then takes it for too tall and
    starts a new page.)"""
    return KeepTogether([Spacer(1, 6 * mm), signatures(*blocks, width=width)])


# ---------------------------------------------------------------- pages

@dataclass(frozen=True)
class PageStyle:
    """How a page is dressed: the letterhead, its numbering ("arabic",
    "roman" or None), the time of printing at its foot, and a short
    ``header(pdf, page_number, width, height)`` taking ``header_height``."""

    name: str
    letterhead: bool = False
    numbering: str | None = "arabic"
    printed: bool = True
    header: object = None
    header_height: float = 0


# The usual documents: the letterhead on the first page, every page numbered.
FIRST_PAGE = PageStyle("first", letterhead=True)
LATER_PAGES = PageStyle("later")
# A sheet that always fits one page: no page number.
ONE_PAGE = PageStyle("one", letterhead=True, numbering=None)

ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
         ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def page_label(count, numbering):
    """The ``count``-th page's number in its sequence: "3", or "iii"."""
    if numbering != "roman":
        return str(count)
    text = ""
    for letters, value in ROMAN:
        while count >= value:
            text, count = text + letters, count - value
    return text


class _Canvas(canvas.Canvas):
    """Dresses each page once the page count is known (two passes): the
    style the page was laid out with is kept with it (``page_style``)."""

    printed = ""
    page_style = LATER_PAGES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        totals = Counter(state["page_style"].numbering for state in self._pages)
        counts = Counter()
        for state in self._pages:
            self.__dict__.update(state)
            style = self.page_style
            counts[style.numbering] += 1
            self._footer(style, counts[style.numbering], totals[style.numbering])
            super().showPage()
        super().save()

    def _footer(self, style, count, total):
        width = self._pagesize[0]
        self.setFont("Helvetica", 7.5)
        self.setFillColor(colors.grey)
        if style.printed:
            self.drawString(MARGIN, 10 * mm, self.printed)
        if style.numbering == "arabic":
            text = gettext("Page %(page)d of %(total)d", page=count, total=total)
        elif style.numbering:
            text = gettext("Page %(page)s", page=page_label(count, style.numbering))
        else:
            return
        self.drawRightString(width - MARGIN, 10 * mm, text)


class Document(BaseDocTemplate):
    """A document of ``pages`` (PageStyle): the first dresses page 1, the
    second the pages after it until the story names another (with
    NextPageTemplate). ``contents`` collects, as (entry, page number), each
    flowable with a ``toc_entry`` as it is placed: a table of contents."""

    def __init__(self, buffer, pagesize, title, pages, office):
        self.office = office
        self.contents = []
        self._counts = Counter()
        self._label = ""
        width, height = pagesize
        logo = office.logo_image()

        def template(style):
            top = MARGIN + style.header_height + (LETTERHEAD_HEIGHT if style.letterhead
                                                   else 0)
            # Room for the footer, on a page that has one.
            bottom = MARGIN + (6 * mm if style.printed or style.numbering else 0)
            frame = Frame(MARGIN, bottom, width - 2 * MARGIN, height - top - bottom,
                          leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

            def dress(pdf, doc):
                pdf.page_style = style
                doc.page_started(style)
                if style.letterhead:
                    draw_letterhead(pdf, width, height, office, logo)
                if style.header:
                    style.header(pdf, pdf.getPageNumber(), width, height)
            return PageTemplate(style.name, [frame], onPage=dress)

        super().__init__(buffer, pagesize=pagesize, title=title, author=office.agency,
                         creator=office.agency,
                         pageTemplates=[template(style) for style in pages])

    def page_started(self, style):
        self._counts[style.numbering] += 1
        self._label = (page_label(self._counts[style.numbering], style.numbering)
                       if style.numbering else "")

    def afterFlowable(self, flowable):  # reportlab's name
        entry = getattr(flowable, "toc_entry", None)
        if entry:
            self.contents.append((entry, self._label))


def render(story, pagesize=PORTRAIT, title="", pages=(FIRST_PAGE, LATER_PAGES)):
    """Lay out ``story`` on ``pages`` (see Document); returns (the PDF's
    bytes, the table of contents' entries)."""
    office = Office.current()
    buffer = io.BytesIO()
    doc = Document(buffer, pagesize, title, pages, office)
    if len(pages) > 1:
        story = [NextPageTemplate(pages[1].name), *story]
    printed = gettext("Printed %(when)s", when=format_datetime(utcnow()))
    doc.build(story, canvasmaker=type("DocumentCanvas", (_Canvas,),
                                      {"printed": printed}))
    return buffer.getvalue(), doc.contents


def build(story, pagesize=PORTRAIT, title="", pages=(FIRST_PAGE, LATER_PAGES)):
    """The PDF's bytes of ``story`` (see :func:`render`)."""
    return render(story, pagesize, title, pages)[0]


def indonesian(render_function):
    """Call ``render_function`` in Indonesian (the documents' language)."""
    def wrapper(*args, **kwargs):
        with force_locale("id"):
            return render_function(*args, **kwargs)
    return wrapper
