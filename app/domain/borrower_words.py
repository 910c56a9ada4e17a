"""Where a request is, in the borrower's words: one phrase for each status,
instead of the staff's step names, roles and standard times (mutu baku).

The request's page (and its history) and the REST API's ``progress`` read
the same phrases.
"""
from flask_babel import lazy_gettext as _l

from app.models import LoanStatus as S

PHRASES = {
    S.SUBMITTED: _l("Being reviewed by the Head of Division (Kepala Bidang)"),
    S.DISPOSED: _l("Being reviewed by the Head of Section (Kepala Seksi), who may "
                   "contact you to coordinate"),
    S.RESCHEDULE_PROPOSED: _l("Waiting for your answer to the proposed schedule"),
    S.CONFIRMED: _l("Approved; being entered into the room's agenda"),
    S.SCHEDULED: _l("Approved and entered into the room's agenda"),
    S.PREPARED: _l("The room has been prepared for your activity"),
    S.COMPLETED: _l("Your activity has taken place"),
    S.NO_SHOW: _l("The room was not used at the scheduled time"),
    S.REJECTED: _l("Your request was rejected; the reason is given below"),
    S.CANCELLED: _l("The request has been cancelled"),
}


def progress(status):
    """Where a request in ``status`` is, as its borrower reads it."""
    return PHRASES[status]
