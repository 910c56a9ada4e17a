"""Daftar Peminjaman Ruang Rapat Pontive Center: the loan register as a PDF.

A4 landscape with the city's letterhead on the first page, the title and the
period (and the filters chosen), one table row per loan (each session on its
own line) whose header repeats on every page and whose rows are never split,
the total, and the Kasi's signature ("Mengetahui,"). The footer of every page
says "Halaman x dari y" and when it was printed (app/documents/layout.py).
Rows are taken from :func:`register_rows` as the pages fill.
"""
from functools import lru_cache

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.layout import (
    LANDSCAPE,
    build,
    indonesian,
    number,
    paragraph,
    signatory,
    signature_block,
)
from app.documents.long_table import PagedTable
from app.documents.register_data import register_rows
from app.models import LoanStatus
from app.platform.formatting import format_letter_date, format_session

# (header, width): 261 mm, the landscape page within its margins.
COLUMNS = (
    (_l("No."), 10 * mm),  # up to 5 digits
    (_l("Registration Number"), 26 * mm),
    (_l("Date and Time"), 69 * mm),  # "Selasa, 28 September 2026, pukul ..." whole
    (_l("Institution"), 41 * mm),
    (_l("Activity"), 45 * mm),
    (_l("People"), 13 * mm),
    (_l("Letter Number"), 36 * mm),
    (_l("Status"), 21 * mm),
)
ALIGN = {0: "RIGHT", 5: "RIGHT"}


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


def table_cells(rows):
    """Each row's cell texts, numbered from 1."""
    # Translated and formatted once, not once a row.
    statuses = {code: str(label) for code, label in LoanStatus.LABELS}
    people = lru_cache(maxsize=1024)(number)
    for index, row in enumerate(rows, 1):
        yield (
            str(index),
            row.registration_number,
            "\n".join(format_session(start, end) for start, end in row.sessions),
            row.institution,
            row.activity,
            people(row.participants),
            row.letter_number,
            statuses.get(row.status, row.status),
        )


def _closing(count):
    """The total and the signature, after the last row."""
    position, name, nip = signatory("kasi")
    return [
        Spacer(1, 2 * mm),
        paragraph(gettext("Number of loans: %(count)s", count=number(count))),
        signature_block(gettext("Acknowledged,") + "\n" + position, name, nip),
    ]


def story(selection, rows):
    head = [paragraph(title().upper(), "title"),
            paragraph("\n".join([period_text(selection), *filter_texts(selection)]),
                      "subtitle")]
    cells = table_cells(rows)
    first = next(cells, None)
    if first is None:
        return head + [paragraph(gettext("There are no loans in this period."))] \
            + _closing(0)
    table = PagedTable([str(label) for label, _width in COLUMNS],
                       _chained(first, cells), [width for _label, width in COLUMNS],
                       align=ALIGN, tail=_closing)
    return head + [table]


def _chained(first, rest):
    yield first
    yield from rest


@indonesian
def render(selection):
    """The register of ``selection`` (register_data.Selection) as PDF bytes."""
    return build(story(selection, register_rows(selection)), pagesize=LANDSCAPE,
                 title=f"{title()} – {period_text(selection)}")

