"""How long each free text may be, by what it is for, and which fit on one line.

Every check of a text's length reads its limit here: the domain when a
request is submitted or a step taken, the forms (their validator, help text
and ``maxlength`` attribute: app/web/forms.py) and the OpenAPI document
(``maxLength``). A text stored in a column of a fixed length is limited by
that length; the others by what they are for: a description or notes on an
event, a few paragraphs; a note or a reason on a step, one.

A one-line text (a title, a name, a number) may not hold a line break, and
no text a control character other than tab and line breaks: it would break
the calendar files, spreadsheets and letters the text is printed in.
"""
import re
from dataclasses import dataclass

from flask_babel import LazyString, format_number
from flask_babel import lazy_gettext as _l

from app.models import (
    ClosedDate,
    Equipment,
    Institution,
    LoanRequest,
    Room,
    StatusHistory,
)

# C0 and C1 controls but tab, LF and CR (XML, so spreadsheets, refuse them),
# and the line breaks a one-line text may not hold either; as regular
# expression source, for the OpenAPI document's patterns too.
CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
LINE_BREAKS = r"\n\r\u2028\u2029"
CONTROL = re.compile(f"[{CONTROLS}]")
LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")


@dataclass(frozen=True)
class TextLimit:
    max_chars: int
    one_line: bool = False

    @property
    def help(self):
        """"At most 2,000 characters." in the reader's language and digits."""
        return _l("At most %(count)s characters.",
                  count=LazyString(format_number, self.max_chars))

    def pattern(self, required=False):
        """The characters the text may hold as a regular expression (JSON
        Schema's ``pattern``); ``required``: at least one that is not a space."""
        barred = CONTROLS + (LINE_BREAKS if self.one_line else "")
        allowed = f"[^{barred}]*"
        visible = f"[^\\s{barred}]{allowed}" if required else ""
        # "$(?!\n)": the end, also for Python's "$", which allows a final "\n".
        return f"^{allowed}{visible}$(?!\\n)"

    def problem(self, text):
        """The message for ``text``, or None. A line break sent as CR LF
        counts once, as a browser counts it in a text area."""
        text = (text or "").replace("\r\n", "\n")
        if len(text) > self.max_chars:
            return self.help
        if self.one_line and LINE_BREAK.search(text):
            return _l("Write this on one line, without line breaks.")
        if CONTROL.search(text):
            return _l("Remove the control characters from this text.")
        return None


def column_limit(column):
    """A one-line text as long as its column may hold."""
    return TextLimit(column.type.length, one_line=True)


# A loan request (submitted by its borrower, corrected until the Kabid acts).
LOAN_REQUEST = {
    "title": column_limit(LoanRequest.title),
    "subject": column_limit(LoanRequest.subject),
    "letter_number": column_limit(LoanRequest.letter_number),
    "contact_name": column_limit(LoanRequest.contact_name),
    "contact_phone": column_limit(LoanRequest.contact_phone),
    "description": TextLimit(2000),
}

# What the person taking an SOP step writes: a note or the Kabid's further
# instruction, the reason the borrower reads, the notes on the event, and
# what is damaged of each item on a checklist; and the Kepala Dinas's
# disposition the Kabid records with his own.
STEP = {
    "note": TextLimit(1000),
    "reason": TextLimit(1000),
    "outcome_notes": TextLimit(2000),
    "incoming_from": column_limit(StatusHistory.incoming_from),
    "incoming_agenda_number": column_limit(StatusHistory.incoming_agenda_number),
    "incoming_instruction": TextLimit(1000),
}
DAMAGE_DESCRIPTION = TextLimit(2000)
# A step of a damage report: what was found or done.
DAMAGE_NOTE = TextLimit(2000)

# Master data kept by staff.
ROOM = {
    "name": column_limit(Room.name),
    "location": column_limit(Room.location),
    "description": TextLimit(2000),
}
EQUIPMENT = {
    "name": column_limit(Equipment.name),
    "operating_instructions": TextLimit(2000),
    "notes": TextLimit(1000),
}
INSTITUTION = {
    "name": column_limit(Institution.name),
    "address": column_limit(Institution.address),
}
CLOSED_DATE = {"reason": column_limit(ClosedDate.reason)}

def problems(limits, values):
    """{field: [message]} for each of ``values`` ({field: text}) its limit
    in ``limits`` refuses."""
    found = {}
    for name, text in values.items():
        message = limits[name].problem(text)
        if message:
            found[name] = [message]
    return found


def loan_problems(data):
    """The problems of a loan request's texts (a :class:`LoanInput`)."""
    return problems(LOAN_REQUEST, {name: getattr(data, name) for name in LOAN_REQUEST})


def step_problems(data):
    """The problems of a step input's texts (app/domain/step_inputs.py: its
    note, reason and notes on the event, and the damage descriptions of its
    checklist), per field."""
    found = problems(STEP, {name: getattr(data, name) for name in STEP
                            if hasattr(data, name)})
    for check in getattr(data, "checklist", ()):
        message = DAMAGE_DESCRIPTION.problem(check.description)
        if message:
            found["checklist"] = [message]
    return found
