"""Borrowing institutions and the borrower profile tied to a user account."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import relationship

from app.models.choices import Choices
from app.platform.extensions import db
from app.platform.timeutil import UTCDateTime


class InstitutionKind(Choices):
    OPD = "opd"
    LEMBAGA = "lembaga"
    SEKOLAH = "sekolah"
    UNIVERSITAS = "universitas"
    LAINNYA = "lainnya"
    LABELS = (
        (OPD, _l("Regional government agency (OPD)")),
        # "Lembaga" here, while the "Institution" of a request is "Instansi".
        (LEMBAGA, lazy_pgettext("institution kind", "Institution")),
        (SEKOLAH, _l("School")),
        (UNIVERSITAS, _l("University")),
        (LAINNYA, _l("Other")),
    )


class Institution(db.Model):
    __tablename__ = "institution"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(200), unique=True, nullable=False)
    kind = sa.Column(sa.String(20), nullable=False, default=InstitutionKind.LAINNYA)
    address = sa.Column(sa.String(255), nullable=True)
    phone = sa.Column(sa.String(40), nullable=True)
    email = sa.Column(sa.String(120), nullable=True)

    profiles = relationship("BorrowerProfile", back_populates="institution")

    @property
    def kind_label(self):
        return InstitutionKind.label(self.kind)

    @classmethod
    def options(cls):
        """(id as text, name) of every institution, by name: a choice list,
        read without building a row object for each."""
        return [(str(pk), name) for pk, name in db.session.execute(
            sa.select(cls.id, cls.name).order_by(cls.name))]

    def __str__(self):
        return self.name


class BorrowerProfile(db.Model):
    """What a borrower's account adds to Flask-AppBuilder's user."""

    __tablename__ = "borrower_profile"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(
        sa.Integer, sa.ForeignKey("ab_user.id"), unique=True, nullable=False
    )
    institution_id = sa.Column(
        sa.Integer, sa.ForeignKey("institution.id"), nullable=False, index=True
    )
    position = sa.Column(sa.String(120), nullable=False, default="")
    phone = sa.Column(sa.String(40), nullable=False, default="")
    # Set when the borrower follows the verification link sent by email.
    email_verified_at = sa.Column(UTCDateTime, nullable=True)

    user = relationship("User")
    institution = relationship("Institution", back_populates="profiles")

    def __str__(self):
        return f"{self.user} ({self.institution})"
