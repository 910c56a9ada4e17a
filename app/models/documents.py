"""What the printed documents keep: the annual report's narrative sections and
each loan confirmation's number, date and verification code."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import relationship

from app.models.choices import Choices
from app.platform.extensions import db
from app.platform.timeutil import UTCDateTime, utcnow


class NarrativeSection(Choices):
    INTRODUCTION = "pendahuluan"
    OBSTACLES = "kendala"
    RECOMMENDATIONS = "rekomendasi"
    LABELS = (
        (INTRODUCTION, _l("Introduction")),
        (OBSTACLES, _l("Obstacles")),
        (RECOMMENDATIONS, _l("Recommendations")),
    )


class ReportNarrative(db.Model):
    """A section the Kabid or the Kasi writes for the annual report of a year."""

    __tablename__ = "report_narrative"

    id = sa.Column(sa.Integer, primary_key=True)
    year = sa.Column(sa.Integer, nullable=False)
    section = sa.Column(sa.String(20), nullable=False)
    text = sa.Column(sa.Text, nullable=False, default="")
    author_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=True)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    author = relationship("User")

    __table_args__ = (
        sa.UniqueConstraint("year", "section", name="uq_report_narrative_year_section"),
    )

    @property
    def section_label(self):
        return NarrativeSection.label(self.section)


class LoanConfirmation(db.Model):
    """The confirmation letter of a request: its number and the code a public
    page verifies (the QR code on the letter links to it)."""

    __tablename__ = "loan_confirmation"

    id = sa.Column(sa.Integer, primary_key=True)
    loan_id = sa.Column(sa.Integer, sa.ForeignKey("loan_request.id"), nullable=False,
                        unique=True)
    # Random, unguessable, shown on the letter and in its QR code.
    code = sa.Column(sa.String(64), nullable=False, unique=True)
    issued_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    # Its number is its place among the year's confirmation letters (nomor
    # urut); it carries the date the request was confirmed.
    year = sa.Column(sa.Integer, nullable=False)
    serial = sa.Column(sa.Integer, nullable=False)
    dated = sa.Column(sa.Date, nullable=False)

    loan = relationship("LoanRequest")

    __table_args__ = (
        sa.UniqueConstraint("year", "serial", name="uq_loan_confirmation_serial"),
    )
