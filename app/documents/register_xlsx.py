"""The loan register as an Excel workbook, for the office's own work.

The same selection and order as the PDF, one row per request under the
title and period rows, written in openpyxl's write-only mode as the rows
come (nothing held but the row being written). The date of the request, the
letter's date and the first and last session are real Excel dates in WIB
(Excel has no time zones); every session is also listed as text, and the
Keterangan is the PDF's. The header row has an autofilter and is repeated on
every printed page; the sheet prints landscape, fitted to the page's width. A
second sheet counts the requests per status.

Text a user typed (a title, a letter number, an institution's name, a
reason...) is always written as text: one starting with "=", "+", "-", "@",
a tab or a carriage return gets a leading apostrophe, as OWASP's advice on
CSV injection has it, so that no spreadsheet reads it as a formula.
"""
import io
from collections import Counter

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.documents.layout import NBSP, Office, indonesian
from app.documents.register import filter_texts, period_text, remark, title
from app.documents.register_data import register_rows, session_dates
from app.models import InstitutionKind, LoanStatus
from app.platform.formatting import format_session
from app.platform.timeutil import to_local

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
# (header, width in characters, number format of a date column)
COLUMNS = (
    (_l("No."), 6, None),
    (_l("Registration Number"), 17, None),
    (_l("Date of Request"), 17, DATETIME_FORMAT),
    (_l("Letter Number"), 26, None),
    (_l("Letter date"), 12, DATE_FORMAT),
    (_l("Institution"), 36, None),
    (_l("Kind of institution"), 22, None),
    (_l("Activity"), 40, None),
    (_l("First session starts"), 17, DATETIME_FORMAT),
    (_l("Last session ends"), 17, DATETIME_FORMAT),
    (_l("Number of sessions"), 10, None),
    (_l("Schedule"), 48, None),
    (_l("Participants planned"), 10, None),
    (_l("Participants attended"), 10, None),
    (_l("Contact person"), 22, None),
    (_l("Contact phone"), 16, None),
    (_l("Status"), 18, None),
    (_l("Remarks"), 40, None),
)
HEADER_ROW = 4  # under the title, the period and an empty row
# What a spreadsheet may read as the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")


def as_text(value):
    """A typed text that no spreadsheet takes for a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(sheet, value, number_format=None, bold=False):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=as_text(value))
        cell.data_type = "s"  # never a formula, whatever it holds
        cell.alignment = WRAPPED
    else:
        cell = WriteOnlyCell(sheet, value=value)
        cell.alignment = TOP
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def _local_naive(value):
    return to_local(value).replace(tzinfo=None)


def _header(sheet):
    cells = []
    for label, _width, _format in COLUMNS:
        cell = _cell(sheet, str(label), bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center",
                                   horizontal="center")
        cells.append(cell)
    return cells


def _row(sheet, index, row, labels, kinds):
    start, end = session_dates(row)
    values = (
        index, row.registration_number, _local_naive(row.submitted_at),
        row.letter_number, row.letter_date, row.institution,
        kinds.get(row.institution_kind, row.institution_kind), row.activity,
        _local_naive(start), _local_naive(end), len(row.sessions),
        "\n".join(format_session(s, e) for s, e in row.sessions),
        row.participants, row.attended, row.contact_name, row.contact_phone,
        # A cell wraps on its own: no need of the PDF's non-breaking spaces.
        labels.get(row.status, row.status), remark(row).replace(NBSP, " ") or None,
    )
    return [_cell(sheet, value, number_format)
            for value, (_label, _width, number_format) in zip(values, COLUMNS)]


def _print_setup(sheet, last_row):
    """Landscape, fitted to the page's width (fitToPage is set before the
    rows), the header row on every page, and an autofilter on the table:
    written after the rows, so set once their number is known."""
    last_column = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{max(last_row, HEADER_ROW)}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes


def _summary(workbook, statuses, labels):
    """The second sheet: the requests per status and their total."""
    sheet = workbook.create_sheet(gettext("Summary by status")[:31])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 14
    sheet.append([_cell(sheet, gettext("Status"), bold=True),
                  _cell(sheet, gettext("Requests"), bold=True)])
    for code in LoanStatus.codes():
        if statuses[code]:
            sheet.append([_cell(sheet, labels[code]), statuses[code]])
    sheet.append([_cell(sheet, gettext("Total requests"), bold=True),
                  _cell(sheet, sum(statuses.values()), bold=True)])


@indonesian
def render(selection):
    """The register of ``selection`` as .xlsx bytes."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"{title()} – {period_text(selection)}"
    workbook.properties.subject = " · ".join(filter_texts(selection))
    workbook.properties.creator = Office.current().agency
    sheet = workbook.create_sheet(gettext("Loan register")[:31])
    for column, (_label, width, _format) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    # Written at the sheet's head, before the first row: set now.
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    # The title and the period, each on one line across the columns.
    heading_cells = [_cell(sheet, title().upper(), bold=True),
                     _cell(sheet, " · ".join([period_text(selection),
                                             *filter_texts(selection)]))]
    heading_cells[0].font = Font(bold=True, size=13)
    for cell in heading_cells:
        cell.alignment = TOP
        sheet.append([cell])
    sheet.append([])
    sheet.append(_header(sheet))
    labels = LoanStatus.labels()
    kinds = InstitutionKind.labels()
    statuses = Counter()
    last_row = HEADER_ROW
    for index, row in enumerate(register_rows(selection), 1):
        statuses[row.status] += 1
        sheet.append(_row(sheet, index, row, labels, kinds))
        last_row += 1
    _print_setup(sheet, last_row)
    _summary(workbook, statuses, labels)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
