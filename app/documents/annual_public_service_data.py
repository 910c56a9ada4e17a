"""The figures of the annual report's public service sections (rendered by
app/documents/annual_public_service.py): the year's satisfaction index and
complaints, as app/domain/survey.py and app/domain/complaints.py count them."""
from dataclasses import dataclass

from app.domain import complaints, survey


@dataclass(frozen=True)
class PublicServiceYear:
    index: object  # survey.Index of the year, or None
    quarters: tuple  # (Period, Index or None) x 4
    complaints: object  # complaints.YearComplaints


def year_data(year):
    indexes = survey.monthly_indexes(year)
    return PublicServiceYear(
        index=indexes["year"],
        quarters=tuple((survey.Period("quarter", year, q), indexes[("quarter", q)])
                       for q in range(1, 5)),
        complaints=complaints.year_figures(year))
