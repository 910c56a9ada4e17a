"""Survei Kepuasan Masyarakat (SKM) as Peraturan Menteri PANRB No. 14 Tahun
2017 sets it: the questionnaire, answering it once per completed request,
and the satisfaction index (IKM) of a period.

The index, as the regulation computes it:

- each of the nine elements (unsur) is scored 1 to 4 by every respondent;
  its average over the period's respondents is its NRR (nilai rata-rata);
- every element weighs the same: bobot = jumlah bobot / jumlah unsur = 1/9
  (the regulation prints it rounded, 0,111); NRR tertimbang = NRR x 1/9;
- the unit's index value NI is the sum of the nine NRR tertimbang (1 to 4),
  and the IKM is NI x 25 (25 to 100). The weight is taken exactly, so that a
  service every respondent scores 4 gets 100,00, the top of the regulation's
  range (with 0,111 it would get 99,90);
- the quality category (mutu pelayanan) comes from the regulation's table:

  ======  ================  ==================  =====================
  mutu    NI (interval)     IKM (konversi)      kinerja unit
  ======  ================  ==================  =====================
  A       3,5324 – 4,00     88,31 – 100,00      Sangat Baik
  B       3,0644 – 3,532    76,61 – 88,30       Baik
  C       2,60 – 3,064      65,00 – 76,60       Kurang Baik
  D       1,00 – 2,5996     25,00 – 64,99       Tidak Baik
  ======  ================  ==================  =====================

  The table's intervals leave gaps (an NI of 3,0642 is in none): the
  category is read from the IKM as published, rounded half up to two
  decimals, against the lower ends of the IKM intervals; this agrees with
  the NI intervals at every one of their ends.

Periods are months, quarters (triwulan) and years of the month in which an
answer was given (office time).
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import sqlalchemy as sa
from flask_babel import gettext, lazy_pgettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.models import (
    AgeGroup,
    Education,
    Gender,
    LoanRequest,
    LoanStatus,
    Occupation,
    SurveyAnsweredLoan,
    SurveyResponse,
)
from app.models.survey import ELEMENT_COLUMNS, ELEMENT_COUNT
from app.platform.extensions import db
from app.platform.formatting import format_day
from app.platform.timeutil import to_local, utcnow

SCALE = (1, 2, 3, 4)
WEIGHT = Fraction(1, ELEMENT_COUNT)
CONVERSION = 25
SUGGESTION_MAX_CHARS = 2000


@dataclass(frozen=True)
class Element:
    code: str  # the answer's column, u1 ... u9
    name: object
    question: object
    answers: tuple  # the wording of scores 1 to 4


# The nine elements in the regulation's order, each with the wording of its
# four answers as the regulation's questionnaire gives it.
ELEMENTS = (
    Element("u1", lazy_pgettext("service standard", "Requirements"),
            _l("How well do the service's requirements fit the kind of service?"),
            (_l("Not suitable"), _l("Less suitable"), _l("Suitable"),
             _l("Very suitable"))),
    Element("u2", _l("Systems, mechanisms and procedures"),
            _l("How easy is the service's procedure?"),
            (_l("Not easy"), _l("Less easy"), _l("Easy"), _l("Very easy"))),
    Element("u3", _l("Completion time"),
            _l("How fast is the service?"),
            (_l("Not fast"), _l("Less fast"), _l("Fast"), _l("Very fast"))),
    Element("u4", _l("Cost/tariff"),
            _l("How fair is the cost of the service?"),
            (_l("Very expensive"), _l("Fairly expensive"), _l("Cheap"),
             lazy_pgettext("survey answer", "Free"))),
    Element("u5", _l("Products and specifications of the kind of service"),
            _l("How well does what you received match the product in the service "
               "standard?"),
            (_l("Not suitable"), _l("Less suitable"), _l("Suitable"),
             _l("Very suitable"))),
    Element("u6", _l("Competence of the staff"),
            _l("How competent are the staff who served you?"),
            (_l("Not competent"), _l("Less competent"), _l("Competent"),
             _l("Very competent"))),
    Element("u7", _l("Conduct of the staff"),
            _l("How polite and friendly are the staff who served you?"),
            (_l("Not polite and friendly"), _l("Less polite and friendly"),
             _l("Polite and friendly"), _l("Very polite and friendly"))),
    Element("u8", _l("Handling of complaints, suggestions and feedback"),
            _l("How are users' complaints handled?"),
            (_l("There is none"), _l("There is, but it does not work"),
             _l("It works, but not fully"), _l("Well managed"))),
    Element("u9", _l("Facilities and infrastructure"),
            _l("How good are the room and its equipment?"),
            (_l("Poor"), _l("Fair"), lazy_pgettext("survey answer", "Good"),
             lazy_pgettext("survey answer", "Very good"))),
)
assert tuple(element.code for element in ELEMENTS) == ELEMENT_COLUMNS

PROFILE = (
    ("gender", _l("Sex"), Gender),
    ("education", _l("Education"), Education),
    ("occupation", _l("Occupation"), Occupation),
    ("age_group", _l("Age"), AgeGroup),
)


# ---------------------------------------------------------------- the index

@dataclass(frozen=True)
class Category:
    grade: str  # mutu pelayanan: A, B, C, D
    label: object  # kinerja unit pelayanan
    lowest_index: Decimal  # the IKM interval's lower end
    lowest_value: Decimal  # the NI interval's lower end (as printed)
    highest_index: Decimal
    highest_value: Decimal


CATEGORIES = (
    Category("A", lazy_pgettext("service quality", "Very good"), Decimal("88.31"),
             Decimal("3.5324"), Decimal("100.00"), Decimal("4.00")),
    Category("B", lazy_pgettext("service quality", "Good"), Decimal("76.61"),
             Decimal("3.0644"), Decimal("88.30"), Decimal("3.532")),
    Category("C", lazy_pgettext("service quality", "Not good enough"), Decimal("65.00"),
             Decimal("2.60"), Decimal("76.60"), Decimal("3.064")),
    Category("D", lazy_pgettext("service quality", "Not good"), Decimal("25.00"),
             Decimal("1.00"), Decimal("64.99"), Decimal("2.5996")),
)

TWO_PLACES = Decimal("0.01")


def _decimal(value, places):
    """A Fraction or number rounded half up to ``places`` decimals."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def published_index(value):
    """NI (1 to 4) as the published IKM: x 25, rounded half up to 0,01."""
    return _decimal(Fraction(value) * CONVERSION, 2)


def category_of_index(index):
    """The category of a published IKM (25,00 to 100,00)."""
    index = _decimal(Fraction(str(index)), 2)
    for category in CATEGORIES:
        if index >= category.lowest_index:
            return category
    return CATEGORIES[-1]


class _OnTheScale:
    """A value on the 1-4 scale (``scale_value``) as the published 25-100
    index and its category."""

    @property
    def index(self):
        """x 25, rounded half up to two decimals."""
        return published_index(self.scale_value)

    @property
    def category(self):
        return category_of_index(self.index)


@dataclass(frozen=True)
class ElementScore(_OnTheScale):
    element: Element
    total: int  # the sum of the respondents' scores
    average: Fraction  # NRR

    @property
    def scale_value(self):
        return self.average

    @property
    def weighted(self):
        """NRR tertimbang: NRR x 1/9."""
        return self.average * WEIGHT


@dataclass(frozen=True)
class Index(_OnTheScale):
    """The satisfaction index (IKM) of some answers (``respondents`` > 0)."""

    respondents: int
    elements: tuple  # ElementScore, in the regulation's order

    @property
    def value(self):
        """NI: the sum of the NRR tertimbang, 1 to 4 (exact)."""
        return sum((score.weighted for score in self.elements), Fraction(0))

    scale_value = value

    @property
    def weakest(self):
        """The element(s) with the lowest average: where to improve first."""
        lowest = min(score.average for score in self.elements)
        return tuple(score for score in self.elements if score.average == lowest)


def index_of(totals, respondents):
    """The index of ``respondents`` answers whose scores of each element add
    up to ``totals`` (nine sums, u1 first); None without respondents."""
    if not respondents:
        return None
    return Index(respondents, tuple(
        ElementScore(element, int(total), Fraction(int(total), respondents))
        for element, total in zip(ELEMENTS, totals, strict=True)))


def as_number(value, places):
    """A Fraction or Decimal as a Decimal of ``places`` decimals (display)."""
    return _decimal(value, places)


# ---------------------------------------------------------------- periods

@dataclass(frozen=True)
class Period:
    kind: str  # "month", "quarter" or "year"
    year: int
    number: int = 0  # the month (1-12) or quarter (1-4); 0 for a year

    @property
    def months(self):
        """(first, last) month of the period."""
        if self.kind == "month":
            return self.number, self.number
        if self.kind == "quarter":
            return 3 * self.number - 2, 3 * self.number
        return 1, 12

    @property
    def code(self):
        """What the page's ``period`` argument says: 2026-11, 2026-Q4, 2026."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self):
        if self.kind == "month":
            return format_day(date(self.year, self.number, 1), "LLLL y")
        if self.kind == "quarter":
            return gettext("Quarter %(roman)s %(year)d", roman=ROMAN[self.number - 1],
                           year=self.year)
        return gettext("Year %(year)d", year=self.year)


ROMAN = ("I", "II", "III", "IV")
FIRST_YEAR = 2000


class PeriodError(ValueError):
    """A period that cannot be shown; ``str()`` is the user's message."""


def parse_period(text, now=None):
    """The period of ``text`` (2026, 2026-Q4 or 2026-11); this year by default."""
    this_year = to_local(now or utcnow()).year
    text = (text or "").strip().upper()
    if not text:
        return Period("year", this_year)
    year_text, _, rest = text.partition("-")
    problem = PeriodError(_l("Choose a year, a quarter or a month from the list."))
    if not (year_text.isascii() and year_text.isdigit() and len(year_text) == 4):
        raise problem
    year = int(year_text)
    if not FIRST_YEAR <= year <= this_year + 1:
        raise PeriodError(_l("The survey covers the years %(first)d to %(last)d.",
                             first=FIRST_YEAR, last=this_year + 1))
    if not rest:
        return Period("year", year)
    kind, digits = ("quarter", rest[1:]) if rest.startswith("Q") else ("month", rest)
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 2):
        raise problem
    number = int(digits)
    if not 1 <= number <= (4 if kind == "quarter" else 12):
        raise problem
    return Period(kind, year, number)


def periods_of(year):
    """The year, its quarters and its months, for a choice list."""
    return ([Period("year", year)] + [Period("quarter", year, q) for q in range(1, 5)]
            + [Period("month", year, m) for m in range(1, 13)])


# ---------------------------------------------------------------- figures

def _in_period(period):
    first, last = period.months
    return sa.and_(SurveyResponse.year == period.year,
                   SurveyResponse.month.between(first, last))


def _totals_columns():
    return [sa.func.coalesce(sa.func.sum(getattr(SurveyResponse, column)), 0)
            for column in ELEMENT_COLUMNS]


def index_for(period):
    """The index of ``period``'s answers, or None when nobody answered."""
    count, *totals = db.session.execute(
        sa.select(sa.func.count(SurveyResponse.id), *_totals_columns())
        .where(_in_period(period))).one()
    return index_of(totals, count)


def monthly_indexes(year):
    """{month: Index} of ``year``'s months with answers, and the quarters'
    and year's from the same sums: {("quarter", q): Index, "year": Index}."""
    rows = db.session.execute(
        sa.select(SurveyResponse.month, sa.func.count(SurveyResponse.id),
                  *_totals_columns())
        .where(SurveyResponse.year == year).group_by(SurveyResponse.month)).all()
    sums = {month: (count, totals) for month, count, *totals in rows}

    def combined(months):
        count = sum(sums[m][0] for m in months if m in sums)
        totals = [sum(sums[m][1][i] for m in months if m in sums)
                  for i in range(ELEMENT_COUNT)]
        return index_of(totals, count)

    found = {month: combined([month]) for month in sums}
    for quarter in range(1, 5):
        found[("quarter", quarter)] = combined(range(3 * quarter - 2, 3 * quarter + 1))
    found["year"] = combined(range(1, 13))
    return found


@dataclass(frozen=True)
class Profile:
    """How the period's respondents spread over each profile question."""

    rows: tuple = field(default_factory=tuple)  # (name, label, ((label, count), ...))


def profile_for(period):
    rows = []
    for name, label, choices in PROFILE:
        column = getattr(SurveyResponse, name)
        counts = dict(db.session.execute(
            sa.select(column, sa.func.count(SurveyResponse.id))
            .where(_in_period(period)).group_by(column)).all())
        rows.append((name, label, tuple((choice_label, counts.get(code, 0))
                                        for code, choice_label in choices.choices())))
    return Profile(tuple(rows))


def suggestions_for(period):
    """The period's suggestions, in alphabetical order: their order tells
    nothing of when, or by whom, each was given."""
    return [text for (text,) in db.session.execute(
        sa.select(SurveyResponse.suggestion)
        .where(_in_period(period), SurveyResponse.suggestion != "")
        .order_by(SurveyResponse.suggestion))]


def latest_published(now=None):
    """(Period, Index) of the last quarter that has ended and has answers, or
    None: what the public page shows. A quarter still running is not
    published: its figure would change from day to day."""
    local = to_local(now or utcnow())
    current = (local.month - 1) // 3 + 1
    latest = db.session.execute(
        sa.select(SurveyResponse.year, SurveyResponse.month)
        .where(sa.or_(SurveyResponse.year < local.year,
                      sa.and_(SurveyResponse.year == local.year,
                              SurveyResponse.month <= 3 * current - 3)))
        .order_by(SurveyResponse.year.desc(), SurveyResponse.month.desc())
        .limit(1)).first()
    if latest is None:
        return None
    period = Period("quarter", latest[0], (latest[1] - 1) // 3 + 1)
    return period, index_for(period)


# ---------------------------------------------------------------- answering

@dataclass(frozen=True)
class SurveyInput:
    scores: dict  # {"u1": 1..4, ...}
    gender: str = ""
    education: str = ""
    occupation: str = ""
    age_group: str = ""
    suggestion: str = ""


ALREADY_ANSWERED = _l("You have already filled the survey for this request. Thank you!")


class SurveyError(Exception):
    """The survey cannot be filled for this request; ``str()`` says why."""


class SurveyInputError(ValueError):
    """Answers that cannot be kept: ``errors`` is {field: [messages]}."""

    def __init__(self, errors):
        super().__init__("; ".join(str(m) for ms in errors.values() for m in ms))
        self.errors = errors


def refusal(loan, user):
    """Why ``user`` may not fill the survey of ``loan``, or None."""
    if loan is None or user is None or loan.borrower_id != user.id:
        return SurveyError(_l("Only the borrower of a request fills its survey."))
    if loan.status != LoanStatus.COMPLETED:
        return SurveyError(_l("The survey opens once the request is completed."))
    if is_answered(loan):
        return SurveyError(ALREADY_ANSWERED)
    return None


def is_answered(loan):
    return db.session.get(SurveyAnsweredLoan, loan.id) is not None


def input_errors(data):
    errors = {}
    for element in ELEMENTS:
        if data.scores.get(element.code) not in SCALE:
            errors[element.code] = [_l("Choose one of the four answers.")]
    for name, _label, choices in PROFILE:
        if getattr(data, name) not in choices.codes():
            errors[name] = [_l("Choose one of the options.")]
    if len(data.suggestion or "") > SUGGESTION_MAX_CHARS:
        errors["suggestion"] = [_l("At most %(max)d characters.",
                                   max=SUGGESTION_MAX_CHARS)]
    return errors


def answer(loan, user, data, now=None):
    """Keep ``user``'s answers for ``loan``; the caller commits (or rolls
    back after an error). Refused (:class:`SurveyError`) unless it is the
    borrower's completed request not answered yet, also when two answers for
    it are sent at once (the answered request's key is unique)."""
    problem = refusal(loan, user)
    if problem is not None:
        raise problem
    errors = input_errors(data)
    if errors:
        raise SurveyInputError(errors)
    local = to_local(now or utcnow())
    db.session.add(SurveyAnsweredLoan(loan_id=loan.id))
    db.session.add(SurveyResponse(
        year=local.year, month=local.month,
        **{code: data.scores[code] for code in ELEMENT_COLUMNS},
        gender=data.gender, education=data.education, occupation=data.occupation,
        age_group=data.age_group, suggestion=(data.suggestion or "").strip()))
    try:
        db.session.flush()
    except IntegrityError as error:  # the same request answered twice at once
        raise SurveyError(ALREADY_ANSWERED) from error


def _waiting(user):
    answered = sa.select(SurveyAnsweredLoan.loan_id).where(
        SurveyAnsweredLoan.loan_id == LoanRequest.id)
    return (db.session.query(LoanRequest)
            .filter(LoanRequest.borrower_id == user.id,
                    LoanRequest.status == LoanStatus.COMPLETED,
                    ~answered.exists()))


def invitations(user, limit=5):
    """(the latest completed requests of ``user`` whose survey waits, how
    many wait in all)."""
    query = _waiting(user)
    loans = query.order_by(LoanRequest.status_changed_at.desc(),
                           LoanRequest.id.desc()).limit(limit).all()
    total = len(loans) if len(loans) < limit else query.count()
    return loans, total
