"""Laporan Hasil Survei Kepuasan Masyarakat of one period, A4 portrait: the
format offices publish under PermenPAN-RB 14/2017.

The letterhead, the period and the number of respondents; the nine
elements with their total score, NRR, weighted NRR and quality; the index
(IKM) and its category; the months of a quarter or year; the respondents'
profile; the suggestions (without names, in alphabetical order); the
interval table; the Kabid's signature. Figures from app/domain/survey.py.
"""
from dataclasses import dataclass

from flask_babel import gettext
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

# The annual report's bordered table: one look for the office's reports.
from app.documents.annual import _table as table
from app.documents.layout import (
    MARGIN,
    PORTRAIT,
    Signatory,
    build,
    indonesian,
    number,
    paragraph,
    signature,
    signature_block,
)
from app.domain import survey

WIDTH = PORTRAIT[0] - 2 * MARGIN


@dataclass(frozen=True)
class ReportData:
    period: object  # survey.Period
    index: object  # survey.Index, or None without respondents
    months: tuple  # (Period, Index or None) of a quarter's or year's months
    profile: object  # survey.Profile
    suggestions: tuple


def report_data(period):
    indexes = survey.monthly_indexes(period.year) if period.kind != "month" else {}
    first, last = period.months
    months = tuple((survey.Period("month", period.year, month), indexes.get(month))
                   for month in range(first, last + 1)) if period.kind != "month" else ()
    return ReportData(period=period, index=survey.index_for(period), months=months,
                      profile=survey.profile_for(period),
                      suggestions=tuple(survey.suggestions_for(period)))


def decimal(value, places):
    """A figure rounded half up as the index is, written the Indonesian way."""
    return number(survey.as_number(value, places), places)


def quality(index):
    return f"{index.category.grade} ({index.category.label})"


def _elements(index):
    rows = [(f"U{n}", str(score.element.name), number(score.total),
             decimal(score.average, 2), decimal(score.weighted, 3),
             decimal(score.index, 2), score.category.grade)
            for n, score in enumerate(index.elements, start=1)]
    rows.append((gettext("Total"), gettext("Index value (NI)"), "", "",
                 decimal(index.value, 3), decimal(index.index, 2),
                 index.category.grade))
    return table([gettext("No."), gettext("Element"), gettext("Total score"), "NRR",
                  gettext("Weighted NRR"), gettext("Index"), gettext("Quality")],
                 rows, [12 * mm, 70 * mm, 20 * mm, 17 * mm, 20 * mm, 18 * mm, 17 * mm],
                 numeric=(2, 3, 4, 5), total=True)


def _result(index):
    rows = [
        (gettext("Respondents"), number(index.respondents)),
        (gettext("Weight of each element"), gettext("1/9 (0,111)")),
        (gettext("Index value (NI): sum of the weighted NRR"), decimal(index.value, 3)),
        (gettext("Satisfaction index (IKM): NI × 25"), decimal(index.index, 2)),
        (gettext("Service quality"), index.category.grade),
        (gettext("Performance of the unit"), str(index.category.label)),
    ]
    return table([gettext("Item"), gettext("Figure")], rows, [110 * mm, 64 * mm],
                 repeat=False)


def _months(data):
    rows = [(month.label, number(index.respondents) if index else "0",
             decimal(index.index, 2) if index else "—",
             quality(index) if index else "—")
            for month, index in data.months]
    return table([gettext("Month"), gettext("Respondents"), gettext("Index (IKM)"),
                  gettext("Service quality")], rows,
                 [50 * mm, 30 * mm, 30 * mm, 64 * mm], numeric=(1, 2), repeat=False)


def _profile(profile):
    rows = []
    for _name, label, counts in profile.rows:
        rows.append((str(label), "", ""))
        total = sum(count for _choice, count in counts)
        rows += [(f"    {choice}", number(count),
                  number(100 * count / total, 1) + "%" if total else "—")
                 for choice, count in counts]
    return table([gettext("Respondents"), gettext("Number"), "%"], rows,
                 [110 * mm, 32 * mm, 32 * mm], numeric=(1, 2))


def _categories():
    rows = [(f"{number(c.lowest_value, _places(c.lowest_value))} – "
             + f"{number(c.highest_value, _places(c.highest_value))}",
             f"{number(c.lowest_index, 2)} – {number(c.highest_index, 2)}",
             c.grade, str(c.label)) for c in survey.CATEGORIES]
    return table([gettext("Index value (NI)"), gettext("Index (IKM)"),
                  gettext("Service quality"), gettext("Performance of the unit")],
                 rows, [42 * mm, 42 * mm, 30 * mm, 60 * mm], repeat=False)


def _places(value):
    return max(0, -value.as_tuple().exponent)


@indonesian
def render(data):
    """The report of ``data`` (:class:`ReportData`) as PDF bytes."""
    story = [
        paragraph(gettext("REPORT ON THE RESULTS OF THE PUBLIC SATISFACTION SURVEY"),
                  "title"),
        paragraph(gettext("Meeting room loans of the Pontive Center (Pontianak "
                          "Interactive Center) · %(period)s", period=data.period.label),
                  "subtitle"),
        paragraph(gettext(
            "Survei Kepuasan Masyarakat under the regulation of the Minister for "
            "Administrative and Bureaucratic Reform No. 14 of 2017: nine elements, each "
            "answered on a scale of 1 to 4 by the borrowers of completed requests, once "
            "per request and anonymously. Each element's average (NRR) weighs 1/9; the "
            "sum of the weighted averages (NI, 1 to 4) times 25 is the index (IKM, 25 "
            "to 100).")),
        Spacer(1, 3 * mm),
    ]
    index = data.index
    if index is None:
        story.append(paragraph(gettext("Nobody answered the survey in this period.")))
    else:
        story += [KeepTogether([paragraph(gettext("Result"), "heading"), _result(index)]),
                  KeepTogether([paragraph(gettext("Index per element"), "heading"),
                                _elements(index)])]
        weakest = ", ".join(str(score.element.name) for score in index.weakest)
        story.append(paragraph(gettext("Lowest element(s): %(names)s.", names=weakest),
                               "small"))
    if data.months:
        story += [KeepTogether([paragraph(gettext("Per month"), "heading"),
                                _months(data)])]
    if index is not None:
        story += [paragraph(gettext("Respondents"), "heading"), _profile(data.profile),
                  paragraph(gettext("Suggestions and feedback"), "heading")]
        story += ([paragraph(f"• {text}") for text in data.suggestions]
                  or [paragraph(gettext("No suggestions in this period."))])
    story += [KeepTogether([paragraph(gettext("Quality categories"), "heading"),
                            _categories()]),
              signature_block(signature(Signatory.of("kabid")), width=WIDTH)]
    return build(story, title=gettext("Public satisfaction survey %(period)s",
                                      period=data.period.label))
