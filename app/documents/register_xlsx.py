"""The loan register as an Excel workbook, for the office's own work.

The same selection and order as the PDF, one row per loan, written in
openpyxl's write-only mode as the rows come (nothing held but the row being
written). The first and last session are real Excel date-times in WIB (Excel
has no time zones); every session is also listed as text.
"""
import io

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.documents.layout import Office, indonesian
from app.documents.register import filter_texts, period_text, title
from app.documents.register_data import register_rows, session_dates
from app.models import InstitutionKind
from app.platform.formatting import format_session
from app.platform.timeutil import to_local

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
# (header, width in characters)
COLUMNS = (
    (_l("No."), 6),
    (_l("Registration Number"), 17),
    (_l("First session starts"), 17),
    (_l("Last session ends"), 17),
    (_l("Number of sessions"), 10),
    (_l("Schedule"), 48),
    (_l("Institution"), 36),
    (_l("Kind of institution"), 22),
    (_l("Activity"), 40),
    (_l("People"), 9),
    (_l("Letter Number"), 26),
    (_l("Status"), 18),
)
DATETIME_COLUMNS = (2, 3)
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _local_naive(value):
    return to_local(value).replace(tzinfo=None)


def _header(sheet):
    cells = []
    for label, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E6E6E6")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cells.append(cell)
    return cells


def _row(sheet, index, row):
    start, end = session_dates(row)
    values = (
        index, row.registration_number, _local_naive(start), _local_naive(end),
        len(row.sessions),
        "\n".join(format_session(s, e) for s, e in row.sessions),
        row.institution, str(InstitutionKind.label(row.institution_kind)),
        row.activity, row.participants, row.letter_number, str(row.status_label),
    )
    cells = []
    for column, value in enumerate(values):
        cell = WriteOnlyCell(sheet, value=value)
        cell.alignment = WRAPPED if isinstance(value, str) else TOP
        if column in DATETIME_COLUMNS:
            cell.number_format = DATETIME_FORMAT
        cells.append(cell)
    return cells


@indonesian
def render(selection):
    """The register of ``selection`` as .xlsx bytes."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"{title()} – {period_text(selection)}"
    workbook.properties.subject = " · ".join(filter_texts(selection))
    workbook.properties.creator = Office.current().agency
    sheet = workbook.create_sheet(gettext("Loan register")[:31])
    for column, (_label, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_header(sheet))
    for index, row in enumerate(register_rows(selection), 1):
        sheet.append(_row(sheet, index, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
