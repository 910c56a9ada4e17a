"""The product's tables. Importing this package registers every model."""
# FAB's User must be mapped before relationships name it.
from flask_appbuilder.security.sqla.models import User  # noqa: F401

from app.models.accounts import SessionVersion
from app.models.calendar import CalendarFeed, ClosedDate
from app.models.complaints import (
    Complaint,
    ComplaintHistory,
    ComplaintKind,
    ComplaintStatus,
    ComplaintTopic,
)
from app.models.counters import YearlyCounter
from app.models.damage import DamageReport, DamageReportUpdate, DamageStatus
from app.models.documents import LoanConfirmation, NarrativeSection, ReportNarrative
from app.models.institutions import BorrowerProfile, Institution, InstitutionKind
from app.models.loans import (
    DispositionInstruction,
    DispositionNature,
    LoanKind,
    LoanRequest,
    LoanSession,
    LoanStatus,
    RescheduleAlternative,
    StatusHistory,
    loan_equipment,
)
from app.models.notices import Notice, Reminder, ReminderKind
from app.models.rooms import Equipment, EquipmentCondition, Room
from app.models.survey import (
    AgeGroup,
    Education,
    Gender,
    Occupation,
    SurveyAnsweredLoan,
    SurveyResponse,
)

__all__ = [
    "Notice",
    "Reminder",
    "ReminderKind",
    "AgeGroup",
    "Complaint",
    "ComplaintHistory",
    "ComplaintKind",
    "ComplaintStatus",
    "ComplaintTopic",
    "Education",
    "Gender",
    "Occupation",
    "SurveyAnsweredLoan",
    "SurveyResponse",
    "CalendarFeed",
    "LoanConfirmation",
    "NarrativeSection",
    "ReportNarrative",
    "ClosedDate",
    "BorrowerProfile",
    "DamageReport",
    "DamageReportUpdate",
    "DamageStatus",
    "DispositionInstruction",
    "DispositionNature",
    "Equipment",
    "EquipmentCondition",
    "Institution",
    "InstitutionKind",
    "LoanKind",
    "LoanRequest",
    "LoanSession",
    "LoanStatus",
    "RescheduleAlternative",
    "Room",
    "SessionVersion",
    "StatusHistory",
    "YearlyCounter",
    "loan_equipment",
]
