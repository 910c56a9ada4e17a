"""The Laporan Tahunan Operasional Pontive Center of one year, A4 portrait.

A cover with the letterhead, the summary in figures, then one numbered
section per subject with its tables and charts (drawn by reportlab itself),
the narrative sections the Kabid and the Kasi wrote, the Kabid's signature,
and the year's loan list as the appendix. The figures come from
app/documents/annual_data.py; how each is counted is written there.
"""
from datetime import date

from babel.dates import format_date as babel_format_date
from flask_babel import get_locale, gettext
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import TopPadder

from app.documents.layout import (
    MARGIN,
    PORTRAIT,
    STYLES,
    TABLE_STYLE,
    Office,
    build,
    indonesian,
    number,
    paragraph,
    signatory,
    signature_block,
)
from app.documents.long_table import PagedTable
from app.models import InstitutionKind, LoanStatus, NarrativeSection
from app.platform.formatting import format_minutes, format_session
from app.platform.timeutil import to_local

WIDTH = PORTRAIT[0] - 2 * MARGIN
ACCENT = colors.HexColor("#1f3b73")  # dark blue: prints as a dark grey
MUTED = colors.HexColor("#9aa7bd")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
         "XIII", "XIV")

COVER_TITLE = ParagraphStyle("cover_title", parent=STYLES["title"], fontSize=19,
                             leading=27, alignment=TA_CENTER)
COVER_TEXT = ParagraphStyle("cover_text", parent=STYLES["subtitle"], fontSize=11.5,
                            leading=16, spaceAfter=0)
COVER_AGENCY = ParagraphStyle("cover_agency", parent=COVER_TEXT,
                              fontName="Helvetica-Bold", fontSize=12.5, leading=18)
NARRATIVE = ParagraphStyle("narrative", parent=STYLES["body"], fontSize=10, leading=14.5,
                           alignment=TA_JUSTIFY, firstLineIndent=10 * mm,
                           spaceAfter=2.5 * mm)


def _styled(text, style):
    return paragraph(text, style)


def _day(value, pattern):
    """A date by a Babel pattern in the document's language."""
    return babel_format_date(value, pattern, locale=str(get_locale() or "id"))


def _month_names(pattern):
    """The twelve months ("LLL": Jan, Feb, ... Des; "LLLL": Januari, ...)."""
    return [_day(date(2000, month, 1), pattern) for month in range(1, 13)]


def _percent(part, whole):
    return number(100 * part / whole, 1) + "%" if whole else "—"


def _office_minutes(seconds):
    return format_minutes(round(seconds / 60)) if seconds is not None else "—"


def _days(seconds):
    """A repair time in days ("1,5 hari")."""
    if seconds is None:
        return "—"
    return gettext("%(days)s days", days=number(seconds / 86400, 1))


# ---------------------------------------------------------------- tables

def _cell(value):
    return paragraph(value, "cell")


def _table(header, rows, widths, numeric=(), total=False, repeat=True):
    """A bordered table: text columns wrap, ``numeric`` columns align right,
    a ``total`` last row is bold."""
    body = [[cell if column in numeric else _cell(cell) for column, cell in enumerate(row)]
            for row in rows]
    if total and body:
        body[-1] = [cell if column in numeric else paragraph(rows[-1][column], "cell_head")
                    for column, cell in enumerate(body[-1])]
    table = Table([[paragraph(text, "cell_head") for text in header], *body],
                  colWidths=widths, repeatRows=1 if repeat else 0)
    commands = [("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                *[("ALIGN", (column, 1), (column, -1), "RIGHT") for column in numeric]]
    if total and body:
        commands += [("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8),
                     ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f2f2f2"))]
    table.setStyle(TABLE_STYLE)
    table.setStyle(TableStyle(commands))
    return table


def _no_data():
    return paragraph(gettext("No data."), "body")


class _Sections:
    """Numbered headings: I. PENDAHULUAN, II. RINGKASAN, ..."""

    def __init__(self):
        self.count = 0

    def heading(self, title):
        self.count += 1
        return paragraph(gettext("%(number)s. %(title)s", number=ROMAN[self.count - 1],
                                 title=title.upper()), "heading")

    def section(self, title, *flowables):
        """The heading kept with the first flowable, then the rest."""
        first, *rest = flowables
        return [KeepTogether([self.heading(title), first]), *rest]


# ---------------------------------------------------------------- charts

def _axis_top(values):
    """A round top for a count axis and its step (whole numbers)."""
    top = max([1, *values])
    step = max(1, -(-top // 5))
    return step * -(-top // step), step


def _count_label(value):
    return number(value) if value else ""


def _month_chart(months):
    drawing = Drawing(WIDTH, 66 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 10 * mm, 8 * mm, WIDTH - 12 * mm, 48 * mm
    chart.data = [[t.total for t in months], [t.completed for t in months]]
    chart.categoryAxis.categoryNames = _month_names("LLL")
    top, step = _axis_top(chart.data[0])
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = _count_label
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#d9d9d9")
    for axis in (chart.valueAxis, chart.categoryAxis):
        axis.labels.fontName, axis.labels.fontSize = "Helvetica", 7.5
    chart.barSpacing, chart.groupSpacing = 1, 6
    chart.bars[0].fillColor, chart.bars[1].fillColor = ACCENT, MUTED
    chart.bars.strokeWidth = 0
    chart.barLabelFormat = _count_label
    chart.barLabels.fontName, chart.barLabels.fontSize = "Helvetica", 6.5
    chart.barLabels.nudge = 5
    drawing.add(chart)
    drawing.add(_legend(10 * mm, 61 * mm,
                        [(ACCENT, gettext("Requests")), (MUTED, gettext("Held"))]))
    return drawing


def _legend(x, y, pairs):
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 45 * mm
    legend.fontName, legend.fontSize = "Helvetica", 8
    legend.boxAnchor = "sw"
    legend.colorNamePairs = pairs
    return legend


def _horizontal_chart(labels, values, maximum=None, label_format=_count_label,
                      height_per_bar=9 * mm):
    """Bars from top to bottom in the order of ``labels``."""
    labels, values = list(reversed(labels)), list(reversed(values))
    height = len(labels) * height_per_bar + 12 * mm
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * mm, 8 * mm
    chart.width, chart.height = WIDTH - 75 * mm, height - 12 * mm
    chart.data = [values]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -2
    if maximum is None:
        maximum, step = _axis_top(values)
    else:
        step = maximum / 4
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, maximum
    chart.valueAxis.valueStep = step
    chart.valueAxis.labelTextFormat = label_format
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = "Helvetica", 7.5
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#d9d9d9")
    chart.bars[0].fillColor = ACCENT
    chart.bars.strokeWidth = 0
    chart.barWidth = 5
    chart.barLabelFormat = label_format
    chart.barLabels.fontName, chart.barLabels.fontSize = "Helvetica", 7.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _share_label(value):
    return number(value, 0) + "%"


# ---------------------------------------------------------------- sections

def _cover(data, office):
    period = gettext("Period %(start)s to %(end)s",
                     start=_day(date(data.year, 1, 1), "d MMMM y"),
                     end=_day(date(data.year, 12, 31), "d MMMM y"))
    bottom = Table([[item] for item in (
        _styled(office.agency.upper(), COVER_AGENCY),
        _styled(office.government.upper(), COVER_AGENCY),
        Spacer(1, 3 * mm),
        _styled(str(data.year), COVER_AGENCY),
    )], colWidths=[WIDTH])
    bottom.setStyle(TableStyle([("LINEABOVE", (0, 0), (0, 0), 0.8, colors.black),
                                ("TOPPADDING", (0, 0), (0, 0), 5 * mm),
                                ("BOTTOMPADDING", (0, -1), (0, -1), 10 * mm)]))
    return [
        Spacer(1, 38 * mm),
        _styled(gettext("ANNUAL OPERATIONAL REPORT"), COVER_TITLE),
        _styled(gettext("PONTIVE CENTER"), COVER_TITLE),
        _styled(gettext("YEAR %(year)d", year=data.year), COVER_TITLE),
        Spacer(1, 6 * mm),
        HRFlowable(width="40%", thickness=2, color=ACCENT, spaceAfter=6 * mm),
        _styled(gettext("Loans of the meeting room of the Pontive Center "
                        "(Pontianak Interactive Center)"), COVER_TEXT),
        _styled(period, COVER_TEXT),
        TopPadder(bottom),
        PageBreak(),
    ]


def _narrative(sections, data, code):
    text = data.narratives.get(code)
    if not text:
        return []
    parts = [_styled(block.strip(), NARRATIVE) for block in text.split("\n\n")
             if block.strip()]
    return sections.section(str(NarrativeSection.label(code)), *parts)


def _summary(sections, data):
    total = data.total
    rows = [
        (gettext("Loan requests"), number(total.total)),
        (gettext("Held (completed)"), number(total.completed)),
        (gettext("Confirmed but not used"), number(total.no_show)),
        (gettext("Rejected"), number(total.rejected)),
        (gettext("Cancelled"), number(total.cancelled)),
        (gettext("Still in progress"), number(total.open)),
        (gettext("Hours of room use"),
         gettext("%(hours)s hours (%(share)s of office hours)",
                 hours=number(data.room_hours, 1),
                 share=_percent(data.room_hours, data.office_hours))),
        (gettext("Requests in a schedule clash"), number(data.clashing_requests)),
        (gettext("Other schedules proposed"), number(data.reschedules.proposed)),
        (gettext("SOP steps within the standard time"),
         gettext("%(within)s of %(count)s (%(share)s)",
                 within=number(data.mutu_baku_within), count=number(data.mutu_baku_count),
                 share=_percent(data.mutu_baku_within, data.mutu_baku_count))),
        (gettext("Equipment damage reports"),
         gettext("%(reported)s (%(repaired)s repaired)",
                 reported=number(data.damage.reported),
                 repaired=number(data.damage.repaired))),
    ]
    parts = [_table([gettext("Item"), gettext("Figure")], rows, [110 * mm, 64 * mm],
                    repeat=False)]
    if data.is_empty:
        parts.insert(0, paragraph(gettext("There is no data for the year %(year)d: every "
                                          "figure of this report is zero.",
                                          year=data.year)))
        parts.insert(1, Spacer(1, 3 * mm))
    return sections.section(gettext("Summary in figures"), *parts)


def _tally_row(label, tally):
    return (label, number(tally.total), number(tally.completed), number(tally.no_show),
            number(tally.rejected), number(tally.cancelled), number(tally.open))


TALLY_NUMERIC = (1, 2, 3, 4, 5, 6)


def _tally_header(first):
    return [first, gettext("Requests"), gettext("Held"), gettext("Not used"),
            gettext("Rejected"), gettext("Cancelled"), gettext("In progress")]


def _months(sections, data):
    rows = [_tally_row(name, tally)
            for name, tally in zip(_month_names("LLLL"), data.months)]
    rows.append(_tally_row(gettext("Total"), data.total))
    table = _table(_tally_header(gettext("Month")), rows,
                   [34 * mm] + [23.3 * mm] * 6, numeric=TALLY_NUMERIC, total=True)
    note = paragraph(gettext("A request counts in the month of its first session (WIB), "
                             "by its state now."), "small")
    return sections.section(gettext("Loans per month"), KeepTogether([
        _month_chart(data.months), Spacer(1, 2 * mm), table, Spacer(1, 1 * mm), note]))


def _kinds(sections, data):
    labels = [str(InstitutionKind.label(kind)) for kind, _tally in data.kinds]
    chart = _horizontal_chart(labels, [tally.total for _kind, tally in data.kinds])
    rows = [_tally_row(label, tally) for label, (_kind, tally) in zip(labels, data.kinds)]
    rows.append(_tally_row(gettext("Total"), data.total))
    table = _table(_tally_header(gettext("Kind of borrower")), rows,
                   [55 * mm] + [19.8 * mm] * 6, numeric=TALLY_NUMERIC, total=True)
    return sections.section(gettext("Loans by kind of borrower"),
                            KeepTogether([chart, Spacer(1, 2 * mm), table]))


def _room_use(sections, data):
    intro = paragraph(gettext(
        "Office hours of %(year)d: %(days)s office days (without national holidays, "
        "cuti bersama and unavailable dates) × %(per_day)s hours = %(hours)s hours. "
        "Room use counts the sessions of completed loans, from start to end.",
        year=data.year, days=number(data.office_days),
        per_day=number(data.office_hours / data.office_days, 1) if data.office_days
        else number(0), hours=number(data.office_hours, 1)))
    rows = [(use.room, number(use.sessions), number(use.hours, 1),
             _percent(use.hours, data.office_hours)) for use in data.room_use]
    if len(rows) > 1:
        rows.append((gettext("Total"), number(sum(u.sessions for u in data.room_use)),
                     number(data.room_hours, 1),
                     _percent(data.room_hours, data.office_hours)))
    table = (_table([gettext("Room"), gettext("Sessions held"), gettext("Hours of use"),
                     gettext("Share of office hours")], rows,
                    [74 * mm, 30 * mm, 35 * mm, 35 * mm], numeric=(1, 2, 3),
                    total=len(rows) > 1)
             if rows else _no_data())
    return sections.section(gettext("Room use"), intro, Spacer(1, 2 * mm), table)


def _clashes(sections, data):
    plan = data.reschedules
    rows = [
        (gettext("Requests whose schedule overlaps another request's for the same room"),
         number(data.clashing_requests)),
        (gettext("Other schedules proposed by the Kasi"), number(plan.proposed)),
        (gettext("— accepted by the borrower"), number(plan.accepted)),
        (gettext("— declined by the borrower"), number(plan.declined)),
        (gettext("— lapsed without an answer"), number(plan.lapsed)),
        (gettext("— rejected or cancelled by staff while proposed"),
         number(plan.ended_by_staff)),
    ]
    table = _table([gettext("Item"), gettext("Number")], rows, [140 * mm, 34 * mm],
                   numeric=(1,), repeat=False)
    note = paragraph(gettext(
        "A clash the Kasi resolved with another schedule that the borrower accepted no "
        "longer overlaps and counts among the proposals. The outcomes count the answers "
        "given in the year."), "small")
    return sections.section(gettext("Schedule clashes and rescheduling"), table,
                            Spacer(1, 1 * mm), note)


def _mutu_baku(sections, data):
    rows = [(str(f.step.label), format_minutes(f.standard_minutes), number(f.count),
             number(f.within), _percent(f.within, f.count),
             _office_minutes(f.median_seconds), _office_minutes(f.worst_seconds))
            for f in data.mutu_baku]
    rows.append((gettext("Total"), "", number(data.mutu_baku_count),
                 number(data.mutu_baku_within),
                 _percent(data.mutu_baku_within, data.mutu_baku_count), "", ""))
    table = _table([gettext("SOP step"), gettext("Standard (mutu baku)"), gettext("Steps"),
                    gettext("Within standard"), "%", gettext("Median"),
                    gettext("Longest")], rows,
                   [50 * mm, 21 * mm, 16 * mm, 22 * mm, 17 * mm, 22 * mm, 26 * mm],
                   numeric=(1, 2, 3, 4, 5, 6), total=True)
    chart = _horizontal_chart(
        [str(f.step.label) for f in data.mutu_baku],
        [100 * f.within / f.count if f.count else 0 for f in data.mutu_baku],
        maximum=100, label_format=_share_label, height_per_bar=10 * mm)
    preparation = next(f for f in data.mutu_baku if f.step.code == "preparation")
    note = paragraph(gettext(
        "Steps taken in the year. Times are office time (office days and hours, without "
        "holidays), as recorded with each step; the room's preparation is timed from "
        "%(minutes)s before the first session.",
        minutes=format_minutes(preparation.standard_minutes)), "small")
    return sections.section(
        gettext("Compliance with the standard times (mutu baku)"),
        KeepTogether([table, Spacer(1, 1 * mm), note, Spacer(1, 4 * mm),
                      paragraph(gettext("Share of steps within the standard time"),
                                "cell_head"), chart]))


def _damage(sections, data):
    damage = data.damage
    rows = [
        (gettext("Damage reports made"), number(damage.reported)),
        (gettext("Reports repaired"), number(damage.repaired)),
        (gettext("Not repaired yet"), number(damage.open)),
        (gettext("Median repair time"), _days(damage.median_repair_seconds)),
        (gettext("Longest repair time"), _days(damage.worst_repair_seconds)),
    ]
    parts = [_table([gettext("Item"), gettext("Figure")], rows, [110 * mm, 64 * mm],
                    numeric=(1,), repeat=False)]
    if damage.by_equipment:
        parts += [Spacer(1, 3 * mm), _table(
            [gettext("Equipment"), gettext("Room"), gettext("Reports"),
             gettext("Reports repaired"), gettext("Longest repair time")],
            [(row.equipment, row.room, number(row.reported), number(row.repaired),
              _days(row.worst_repair_seconds)) for row in damage.by_equipment],
            [50 * mm, 50 * mm, 22 * mm, 22 * mm, 30 * mm], numeric=(2, 3, 4))]
    parts.append(paragraph(gettext("Repair time runs from the report to the repair, in "
                                   "calendar days."), "small"))
    return sections.section(gettext("Equipment damage and repairs"), *parts)


def _endings(sections, data):
    if not data.endings:
        return sections.section(gettext("Rejected and cancelled requests"), _no_data())
    counts = _table(
        [gettext("Status"), gettext("By"), gettext("Number")],
        [(str(LoanStatus.label(status)), role, number(count))
         for (status, role), count in sorted(data.ending_counts.items())],
        [60 * mm, 80 * mm, 34 * mm], numeric=(2,), repeat=False)
    rows = ((str(n), line.number, _day(to_local(line.first_start).date(), "d MMM y"),
             line.institution, line.title,
             gettext("%(state)s by %(role)s", state=LoanStatus.label(line.status),
                     role=line.role),
             line.reason or "—")
            for n, line in enumerate(data.endings, start=1))
    # Thousands in a busy year: a page at a time, as the appendix.
    listing = PagedTable([gettext("No."), gettext("Registration number"), gettext("Date"),
                          gettext("Institution"), gettext("Activity"), gettext("Status"),
                          gettext("Reason")], rows,
                         [8 * mm, 25 * mm, 19 * mm, 30 * mm, 30 * mm, 25 * mm, 37 * mm],
                         align={0: "RIGHT"})
    return sections.section(gettext("Rejected and cancelled requests"), counts,
                            Spacer(1, 3 * mm), listing)


def _appendix(data):
    heading = [paragraph(gettext("APPENDIX"), "title"),
               paragraph(gettext("List of loans of the Pontive Center meeting room, "
                                 "%(year)d", year=data.year), "subtitle")]
    if not data.loans:
        return [PageBreak(), *heading, _no_data()]
    statuses = {code: str(label) for code, label in LoanStatus.choices()}

    def rows():
        for n, line in enumerate(data.loans, start=1):
            when = format_session(line.first_start, line.first_end)
            if line.sessions > 1:
                when = gettext("%(first)s (%(count)d sessions in all)", first=when,
                               count=line.sessions)
            yield (number(n), line.number, when, line.institution, line.title,
                   number(line.participants), statuses[line.status])

    # A year holds thousands of loans: one reportlab Table of them all costs
    # time quadratic in its rows (bench/run.py); PagedTable lays out a page at
    # a time, plain text wrapped to its column.
    table = PagedTable([gettext("No."), gettext("Registration number"), gettext("Schedule"),
                        gettext("Institution"), gettext("Activity"),
                        gettext("Participants"), gettext("Status")], rows(),
                       [9 * mm, 25 * mm, 35 * mm, 34 * mm, 34 * mm, 14 * mm, 23 * mm],
                       align={0: "RIGHT", 5: "RIGHT"})
    return [PageBreak(), *heading, table]


@indonesian
def render(data):
    """The annual report of ``data`` (annual_data.AnnualData) as PDF bytes."""
    office = Office.current()
    sections = _Sections()
    story = _cover(data, office)
    story += _narrative(sections, data, NarrativeSection.INTRODUCTION)
    story += _summary(sections, data)
    story += _months(sections, data)
    story += _kinds(sections, data)
    story += _room_use(sections, data)
    story += _clashes(sections, data)
    story += _mutu_baku(sections, data)
    story += _damage(sections, data)
    story += _endings(sections, data)
    # Imported here: that module builds on this one's tables.
    from app.documents.annual_public_service import public_service_sections
    story += public_service_sections(sections, data.public_service)
    story += _narrative(sections, data, NarrativeSection.OBSTACLES)
    story += _narrative(sections, data, NarrativeSection.RECOMMENDATIONS)
    story.append(signature_block(*signatory("kabid")))
    story += _appendix(data)
    return build(story, title=gettext("Annual operational report of the Pontive Center "
                                      "%(year)d", year=data.year))
