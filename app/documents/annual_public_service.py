"""The annual report's public service sections: the year's satisfaction index
(Survei Kepuasan Masyarakat) and its complaints, from
app/documents/annual_public_service_data.py.

- The index: the year's answers, per element and per quarter, computed as
  app/domain/survey.py says (PermenPAN-RB 14/2017).
- Complaints: those filed in the year (by their number's year): how many,
  complaints and suggestions, per topic, how many were answered and how
  many of them within the response standard (answered by the deadline set
  when each was filed), and the median response time from filing to the
  answer in calendar days (computed in Python: a year holds tens of them).
"""
from flask_babel import gettext
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.documents.annual import _days, _no_data, _percent, _table
from app.documents.layout import number, paragraph
from app.documents.survey_report import decimal, quality
from app.models import ComplaintTopic


def _survey(sections, data):
    index = data.index
    if index is None:
        return sections.section(gettext("Public satisfaction survey"), _no_data())
    intro = paragraph(gettext(
        "Survei Kepuasan Masyarakat (regulation of the Minister for Administrative and "
        "Bureaucratic Reform No. 14 of 2017), answered by the borrowers of completed "
        "requests: %(count)s respondents. Index %(index)s, service quality %(quality)s.",
        count=number(index.respondents), index=decimal(index.index, 2),
        quality=quality(index)))
    elements = _table(
        [gettext("No."), gettext("Element"), "NRR", gettext("Index"), gettext("Quality")],
        [(f"U{n}", str(score.element.name), decimal(score.average, 2),
          decimal(score.index, 2), score.category.grade)
         for n, score in enumerate(index.elements, start=1)]
        + [(gettext("Total"), gettext("Satisfaction index (IKM)"), decimal(index.value, 3),
            decimal(index.index, 2), index.category.grade)],
        [12 * mm, 96 * mm, 22 * mm, 22 * mm, 22 * mm], numeric=(2, 3), total=True)
    quarters = _table(
        [gettext("Quarter"), gettext("Respondents"), gettext("Index (IKM)"),
         gettext("Service quality")],
        [(period.label, number(q.respondents) if q else "0",
          decimal(q.index, 2) if q else "—", quality(q) if q else "—")
         for period, q in data.quarters],
        [50 * mm, 30 * mm, 30 * mm, 64 * mm], numeric=(1, 2), repeat=False)
    return sections.section(gettext("Public satisfaction survey"), intro,
                            Spacer(1, 2 * mm), elements, Spacer(1, 3 * mm), quarters)


def _complaints(sections, data):
    figures = data.complaints
    if not figures.total:
        return sections.section(gettext("Complaints and suggestions"), _no_data())
    standard = ", ".join(str(days) for days in figures.standard_days)
    rows = [
        (gettext("Filed"), number(figures.total)),
        (gettext("— complaints"), number(figures.complaints)),
        (gettext("— suggestions"), number(figures.suggestions)),
        (gettext("Answered"), number(figures.answered)),
        (gettext("Answered within the standard (%(days)s working days)", days=standard),
         gettext("%(within)s of %(answered)s (%(share)s)",
                 within=number(figures.within_standard),
                 answered=number(figures.answered),
                 share=_percent(figures.within_standard, figures.answered))),
        (gettext("Not answered yet"), number(figures.unanswered)),
        (gettext("Median response time"), _days(figures.median_response_seconds)),
    ]
    summary = _table([gettext("Item"), gettext("Figure")], rows, [110 * mm, 64 * mm],
                     repeat=False)
    topics = _table([gettext("Topic"), gettext("Number")],
                    [(str(ComplaintTopic.label(code)), number(count))
                     for code, count in figures.by_topic],
                    [110 * mm, 64 * mm], numeric=(1,), repeat=False)
    note = paragraph(gettext(
        "Complaints filed in the year. The response time runs from filing to the "
        "answer, in calendar days; the standard counts working days. The national "
        "channel SP4N-LAPOR! is not counted here."), "small")
    return sections.section(gettext("Complaints and suggestions"), summary,
                            Spacer(1, 3 * mm), topics, Spacer(1, 1 * mm), note)


def public_service_sections(sections, data):
    """The two sections, numbered on from the report's own (``sections``)."""
    if data is None:
        return []
    return [*_survey(sections, data), *_complaints(sections, data)]
