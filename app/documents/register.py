"""Daftar Peminjaman Ruang Rapat Pontive Center: the loan register as a PDF.

A4 landscape with the city's letterhead on the first page, the title and the
period (and the filters chosen), one table row per request whose header
repeats on every page and whose rows are never split: No, Nomor Registrasi,
Tanggal Permohonan, Nomor dan Tanggal Surat, Instansi, Kegiatan, Tanggal dan
Waktu (each session on its line; beyond a few, summarised), Peserta (planned /
attended), Kontak, Status, Keterangan (the reason of a rejection or a
cancellation, or the time the Kasi proposed) and Paraf. Then the number of
requests per status, and the signatures: "Mengetahui," the Kasi, beside the
maker, the Admin Pontive Center. The footer of every page says "Halaman x
dari y" and when it was printed (app/documents/layout.py). Rows are taken
from :func:`register_rows` as the pages fill.
"""
from collections import Counter
from functools import lru_cache

from babel.dates import format_date
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table

from app.documents.layout import (
    LANDSCAPE,
    MARGIN,
    TABLE_STYLE,
    Signatory,
    build,
    indonesian,
    number,
    paragraph,
    sessions_text,
    signature,
    signatures,
)
from app.documents.long_table import PagedTable
from app.documents.register_data import register_rows
from app.models import LoanStatus
from app.platform.formatting import format_letter_date
from app.platform.timeutil import to_local

WIDTH = LANDSCAPE[0] - 2 * MARGIN
# (header, width): 261 mm, the landscape page within its margins.
COLUMNS = (
    (_l("No."), 9 * mm),  # up to 5 digits
    (_l("Registration Number"), 21 * mm),
    (_l("Date of Request"), 18 * mm),
    (_l("Letter Number and Date"), 26 * mm),
    (_l("Institution"), 26 * mm),
    (_l("Activity"), 28 * mm),
    (_l("Date and Time"), 38 * mm),
    (_l("Participants (planned / attended)"), 15 * mm),
    (_l("Contact"), 22 * mm),
    (_l("Status"), 20 * mm),  # "Didisposisikan" whole
    (_l("Remarks"), 27 * mm),
    (_l("Initials"), 11 * mm),
)
ALIGN = {0: "RIGHT", 7: "CENTER"}
FONT_SIZE, LEADING = 7, 8.5
SESSION_LINES = 4  # more sessions than this are summarised on one line
REMARK_CHARS = 240  # a longer reason is cut short: no row outgrows a page


def title():
    return gettext("Pontive Center Meeting Room Loan Register")


def period_text(selection):
    return gettext("Period: %(first)s to %(last)s",
                   first=format_letter_date(selection.first),
                   last=format_letter_date(selection.last))


def filter_texts(selection):
    """The filters chosen, as "Status: Dikonfirmasi" and the like."""
    texts = []
    if selection.status:
        texts.append(gettext("Status: %(status)s", status=selection.status_label))
    if selection.institution_kind:
        texts.append(gettext("Kind of institution: %(kind)s",
                             kind=selection.institution_kind_label))
    return texts


def remark(row, limit=None):
    """Keterangan: why a request was rejected or cancelled, or the other time
    the Kasi proposed; "" otherwise. ``limit`` cuts a long reason short."""
    if row.status == LoanStatus.REJECTED and row.rejection_reason:
        text = gettext("Rejected: %(reason)s", reason=row.rejection_reason)
    elif row.status == LoanStatus.CANCELLED and row.cancellation_reason:
        text = gettext("Cancelled: %(reason)s", reason=row.cancellation_reason)
    elif row.proposed_sessions:
        text = gettext("Proposed time: %(sessions)s", sessions="; ".join(
            sessions_text(row.proposed_sessions, SESSION_LINES)))
    else:
        return ""
    if limit and len(text) > limit:
        text = text[:limit].rstrip() + "…"
    return text


def attendance(row):
    """"25 / 18": planned and attended ("–" until the request is completed)."""
    return f"{number(row.participants)} / " + (
        number(row.attended) if row.attended is not None else "–")


def table_cells(rows, statuses=None):
    """Each row's cell texts, numbered from 1; ``statuses`` (a Counter), if
    given, counts the rows by status as they go."""
    statuses = Counter() if statuses is None else statuses
    # Translated and formatted once, not once a row.
    labels = LoanStatus.labels()
    short_date = lru_cache(maxsize=1024)(
        lambda day: format_date(day, "d MMM y", locale="id"))
    for index, row in enumerate(rows, 1):
        statuses[row.status] += 1
        yield (
            str(index),
            row.registration_number,
            short_date(to_local(row.submitted_at).date()),
            f"{row.letter_number}\n{short_date(row.letter_date)}",
            row.institution,
            row.activity,
            "\n".join(sessions_text(row.sessions, SESSION_LINES)),
            attendance(row),
            f"{row.contact_name}\n{row.contact_phone}",
            labels.get(row.status, row.status),
            remark(row, REMARK_CHARS),
            "",
        )


def status_totals(statuses):
    """The requests per status (those present, in the SOP's order) and their
    total, as a small table."""
    rows = [[paragraph(gettext("Status"), "cell_head"),
             paragraph(gettext("Requests"), "cell_head")]]
    rows += [[paragraph(label, "cell"), number(statuses[code])]
             for code, label in LoanStatus.labels().items() if statuses[code]]
    rows.append([paragraph(gettext("Total requests"), "cell_head"),
                 number(sum(statuses.values()))])
    table = Table(rows, colWidths=[45 * mm, 20 * mm], hAlign="LEFT")
    table.setStyle(TABLE_STYLE)
    table.setStyle([("FONT", (1, 1), (1, -1), "Helvetica", 8),
                    ("FONT", (1, -1), (1, -1), "Helvetica-Bold", 8),
                    ("ALIGN", (1, 1), (1, -1), "RIGHT")])
    return table


def _closing(statuses):
    """The totals per status and the two signatures, after the last row, on
    one page."""
    return [KeepTogether([
        Spacer(1, 3 * mm),
        paragraph(gettext("Summary by status"), "cell_head"),
        Spacer(1, 1 * mm),
        status_totals(statuses),
        Spacer(1, 6 * mm),
        signatures(
            signature(Signatory.of("kasi"), place_date="",
                      above=[gettext("Acknowledged,")]),
            signature(Signatory.of("adminpc"), above=[gettext("Drawn up by,")]),
            width=WIDTH),
    ])]


def story(selection, rows):
    head = [paragraph(title().upper(), "title"),
            paragraph("\n".join([period_text(selection), *filter_texts(selection)]),
                      "subtitle")]
    statuses = Counter()
    cells = table_cells(rows, statuses)
    first = next(cells, None)
    if first is None:
        return head + [paragraph(gettext("There are no loans in this period."))] \
            + _closing(statuses)
    table = PagedTable([str(label) for label, _width in COLUMNS],
                       _chained(first, cells), [width for _label, width in COLUMNS],
                       align=ALIGN, tail=lambda _count: _closing(statuses),
                       font_size=FONT_SIZE, leading=LEADING)
    return head + [table]


def _chained(first, rest):
    yield first
    yield from rest


@indonesian
def render(selection):
    """The register of ``selection`` (register_data.Selection) as PDF bytes."""
    return build(story(selection, register_rows(selection)), pagesize=LANDSCAPE,
                 title=f"{title()} – {period_text(selection)}")
