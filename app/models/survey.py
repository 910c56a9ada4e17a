"""Survei Kepuasan Masyarakat (PermenPAN-RB No. 14 Tahun 2017): the answers,
and apart from them which requests have been answered.

The two tables share no key. An answer keeps the nine elements' scores, the
respondent profile the regulation's form asks for (an age range, not an age),
the suggestion and the month it was given: nothing that names the borrower or
the request. ``survey_answered_loan`` only says that a request's survey has
been filled (so it is filled once), without a time or an order that could
pair it with an answer.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.models.choices import Choices
from app.platform.extensions import db

# The nine elements (unsur) of the regulation, in its order: the columns
# u1 ... u9 of an answer.
ELEMENT_COUNT = 9
ELEMENT_COLUMNS = tuple(f"u{number}" for number in range(1, ELEMENT_COUNT + 1))


class Gender(Choices):
    MALE = "l"
    FEMALE = "p"
    LABELS = ((MALE, _l("Male")), (FEMALE, _l("Female")))


class Education(Choices):
    """The levels of the regulation's form."""

    SD = "sd"
    SMP = "smp"
    SMA = "sma"
    DIPLOMA = "d1_d3"
    D4 = "d4"
    S1 = "s1"
    S2 = "s2"
    S3 = "s3"
    LABELS = (
        (SD, _l("Primary school (SD)")),
        (SMP, _l("Junior high school (SMP)")),
        (SMA, _l("Senior high school (SMA)")),
        (DIPLOMA, _l("Diploma (D1–D3)")),
        (D4, _l("Applied bachelor (D4)")),
        (S1, _l("Bachelor (S1)")),
        (S2, _l("Master (S2)")),
        (S3, _l("Doctorate (S3)")),
    )


class Occupation(Choices):
    """The occupations of the regulation's form."""

    PNS = "pns"
    TNI = "tni"
    POLRI = "polri"
    PRIVATE = "swasta"
    SELF_EMPLOYED = "wirausaha"
    OTHER = "lainnya"
    LABELS = (
        (PNS, _l("Civil servant (PNS)")),
        (TNI, _l("Armed forces (TNI)")),
        (POLRI, _l("Police (POLRI)")),
        (PRIVATE, _l("Private sector")),
        (SELF_EMPLOYED, _l("Self-employed")),
        (OTHER, _l("Other")),
    )


class AgeGroup(Choices):
    """Age as a range: the form asks the age, the report groups it, and a
    range tells less about who answered."""

    UNDER_25 = "lt25"
    FROM_25 = "25_34"
    FROM_35 = "35_44"
    FROM_45 = "45_54"
    FROM_55 = "ge55"
    LABELS = (
        (UNDER_25, _l("Under 25 years")),
        (FROM_25, _l("25–34 years")),
        (FROM_35, _l("35–44 years")),
        (FROM_45, _l("45–54 years")),
        (FROM_55, _l("55 years and over")),
    )


def _score(name):
    return sa.Column(name, sa.SmallInteger, nullable=False)


class SurveyResponse(db.Model):
    """One respondent's answers, anonymous."""

    __tablename__ = "survey_response"

    id = sa.Column(sa.Integer, primary_key=True)
    # The month it was answered (office time): the survey's periods are
    # months, quarters and years, and a finer time could tell who answered.
    year = sa.Column(sa.Integer, nullable=False)
    month = sa.Column(sa.SmallInteger, nullable=False)
    u1 = _score("u1")
    u2 = _score("u2")
    u3 = _score("u3")
    u4 = _score("u4")
    u5 = _score("u5")
    u6 = _score("u6")
    u7 = _score("u7")
    u8 = _score("u8")
    u9 = _score("u9")
    gender = sa.Column(sa.String(10), nullable=False)
    education = sa.Column(sa.String(10), nullable=False)
    occupation = sa.Column(sa.String(20), nullable=False)
    age_group = sa.Column(sa.String(10), nullable=False)
    suggestion = sa.Column(sa.Text, nullable=False, default="")

    __table_args__ = (
        *(sa.CheckConstraint(f"{column} BETWEEN 1 AND 4", name=f"ck_survey_{column}")
          for column in ELEMENT_COLUMNS),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="ck_survey_month"),
        sa.Index("ix_survey_response_period", "year", "month"),
    )

    def scores(self):
        return tuple(getattr(self, column) for column in ELEMENT_COLUMNS)


class SurveyAnsweredLoan(db.Model):
    """A request whose survey has been filled: only that, so it is filled
    once. No time, no id of its own, no link to the answer."""

    __tablename__ = "survey_answered_loan"

    loan_id = sa.Column(sa.Integer, sa.ForeignKey("loan_request.id"), primary_key=True,
                        autoincrement=False)
