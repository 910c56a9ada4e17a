"""The loans API's bodies turned into the domain's input dataclasses, and its
refusals into status codes.

Submitting builds a :class:`submission.SubmitInput` and calls
``submission.submit``; a step builds the transition's input
(app/domain/step_inputs.py) and calls ``workflow.apply``, as the web forms
do. Only the shape of the JSON (types, dates) is read here; every bound a
request or step must keep is the domain's to check, and its typed refusal
becomes the answer (:func:`refusal_response`): 403 for a role that never
takes the step, 409 ``invalid_transition`` for one that cannot be taken now,
422 per field, 409 ``schedule_conflict`` with the times taken and the free
alternatives the domain found.
"""
from flask_babel import lazy_gettext as _l

from app.api.common import (
    ApiError,
    integer,
    json_body,
    parse_date,
    parse_datetime,
    parse_sessions,
    text,
)
from app.api.loan_schemas import (
    STEP_SCHEMAS,
    CheckSchema,
    LoanCreateSchema,
    RecurrenceSchema,
    StepSchema,
)
from app.domain import submission, workflow
from app.domain.equipment_care import EquipmentCheck
from app.domain.refusals import (
    InputRefused,
    Refusal,
    RoleRefused,
    ScheduleConflict,
    TransitionRefused,
)
from app.domain.scheduling import recurrence
from app.domain.scheduling.settings import ScheduleSettings
from app.domain.step_inputs import CompleteInput, PrepareInput
from app.models import DispositionNature
from app.platform.extensions import db

MAX_ID = 2**31 - 1
# The domain's field names that the API spells otherwise.
API_FIELD = {"room": "room_id", "no_buffet_checked": "no_buffet_pledge"}
CHECK_FIELDS = frozenset(CheckSchema._declared_fields)
RECURRENCE_FIELDS = frozenset(RecurrenceSchema._declared_fields)


def _errors_out(errors):
    return {API_FIELD.get(name, name): messages for name, messages in errors.items()}


def refusal_response(refusal):
    """The :class:`ApiError` a domain refusal is answered with."""
    if isinstance(refusal, ScheduleConflict):
        return ApiError.conflict(refusal.message, "schedule_conflict",
                                 refusal.clashes, refusal.suggestions)
    if isinstance(refusal, RoleRefused):
        return ApiError(403, refusal.message)
    if isinstance(refusal, TransitionRefused):
        return ApiError.conflict(refusal.message, "invalid_transition")
    return ApiError.invalid(_errors_out(refusal.errors))


def unknown_fields(data, schema):
    """Messages for the fields of ``data`` that ``schema``, the body's
    documented shape, does not name."""
    return {name: [str(_l("This field is not part of the request; remove it."))]
            for name in data if name not in schema._declared_fields}


def _field(errors, name, parse):
    """``parse()``, or None with its per-field messages added to ``errors``."""
    try:
        return parse()
    except ApiError as error:
        errors.update(error.extra.get("errors", {}))
        return None


def _text(data, name, errors):
    return (_field(errors, name, lambda: text(data, name)) or "").strip()


def _date(data, name, errors):
    """The date ``data[name]`` (``YYYY-MM-DD``), or None (absent or unreadable,
    the latter said in ``errors``)."""
    if data.get(name) is None:
        return None
    try:
        return parse_date(data[name])
    except ValueError:
        errors[name] = [str(_l("Give the date as YYYY-MM-DD."))]
        return None


def _or_none(parse):
    def read(value):
        try:
            return parse(value)
        except ValueError:
            return None
    return read


def recurrence_of(args):
    """The :class:`recurrence.Recurrence` that ``args`` ask for, its times
    and date read as every other of the API's (ISO 8601, WIB without an
    offset; YYYY-MM-DD)."""
    return recurrence.read(args, _or_none(parse_datetime), _or_none(parse_date))


# ---------------------------------------------------------------- submitting


def _create_input(data, errors):
    texts = {name: _field(errors, name, lambda n=name: text(data, n)) or ""
             for name in ("kind", "title", "description", "letter_number", "subject",
                          "contact_name", "contact_phone")}
    letter_date = _date(data, "letter_date", errors)
    equipment_ids = data.get("equipment_ids") or []
    if not isinstance(equipment_ids, list) or any(
        integer(i, 1, MAX_ID) is None for i in equipment_ids
    ):
        errors["equipment_ids"] = [str(_l("Give the equipment as a list of ids."))]
        equipment_ids = []
    sessions = []
    if "recurrence" in data:
        sessions = _field(errors, "recurrence", lambda: _recurrence_sessions(data)) or []
    elif "sessions" in data:
        sessions = _field(errors, "sessions", lambda: parse_sessions(data["sessions"])) or []
    return submission.SubmitInput(
        kind=texts["kind"], room_id=integer(data.get("room_id"), 1, MAX_ID),
        title=texts["title"], description=texts["description"],
        subject=texts["subject"], letter_number=texts["letter_number"],
        # Not a whole number: none (the domain says what it must be).
        letter_date=letter_date, participants=integer(data.get("participants")),
        contact_name=texts["contact_name"], contact_phone=texts["contact_phone"],
        no_buffet_pledge=data.get("no_buffet_pledge") is True,
        sessions=sessions, equipment_ids=[int(i) for i in equipment_ids],
    )


def _recurrence_sessions(data):
    """The sessions the body's ``recurrence`` makes, or :class:`ApiError` 422
    at ``recurrence`` with the domain's word on it."""
    value = data["recurrence"]
    if "sessions" in data:
        raise ApiError.invalid({"recurrence": [
            _l("Give either the sessions or a recurrence, not both.")]})
    if not isinstance(value, dict) or set(value) - RECURRENCE_FIELDS:
        raise ApiError.invalid({"recurrence": [_l(
            "Give the recurrence as {\"start\", \"end\", \"frequency\", "
            "\"interval\", \"until\"}.")]})
    settings = ScheduleSettings.current()
    wanted = recurrence_of(value)
    errors = recurrence.recurrence_errors(wanted, settings)
    if errors:
        raise ApiError.invalid({"recurrence": [m for messages in errors.values()
                                               for m in messages]})
    return recurrence.sessions(wanted, settings)


def submit(user, data):
    """Submit ``data`` (the JSON body) as ``user``'s new request; the caller
    commits."""
    now = workflow.utcnow()
    shape_errors = unknown_fields(data, LoanCreateSchema)
    loan_input = _create_input(data, shape_errors)
    try:
        if shape_errors:  # the domain's word on the other fields, at once
            errors = submission.submit_errors(loan_input, now)
            if "recurrence" in shape_errors:
                errors.pop("sessions", None)  # none made: the recurrence says why
            raise InputRefused({**errors, **shape_errors})
        return submission.submit(user, loan_input, now=now)
    except Refusal as refusal:
        db.session.rollback()
        raise refusal_response(refusal) from None


# ---------------------------------------------------------------- steps


def _checklist(value, errors):
    """EquipmentCheck items from ``[{"equipment_id", "ready", "description"}]``."""
    checks = []
    if isinstance(value, list):
        for item in value:
            if not isinstance(item, dict) or set(item) - CHECK_FIELDS:
                break
            equipment_id = integer(item.get("equipment_id"), 1, MAX_ID)
            description = item.get("description") or ""
            if (equipment_id is None or not isinstance(item.get("ready"), bool)
                    or not isinstance(description, str)):
                break
            checks.append(EquipmentCheck(equipment_id, item["ready"], description))
        else:
            return tuple(checks)
    errors["checklist"] = [str(_l("Check every item of the room's equipment."))]
    return ()


def step_input(action, data, errors):
    """The step's input dataclass from the JSON body; what cannot be read is
    added to ``errors``, and so are the fields its documented shape lacks."""
    errors.update(unknown_fields(data, STEP_SCHEMAS.get(action, StepSchema)))
    input_class = workflow.TRANSITIONS[action].input
    fields = {"note": _text(data, "note", errors)}
    if "reason" in input_class.__dataclass_fields__:
        fields = {"reason": _text(data, "reason", errors)}
    if action == "dispose":
        fields["instruction"] = data.get("instruction")
        fields["nature"] = data.get("nature", DispositionNature.ORDINARY)
        fields["incoming_received_on"] = _date(data, "incoming_received_on", errors)
        fields["incoming_from"] = _text(data, "incoming_from", errors)
        fields["incoming_agenda_number"] = _text(data, "incoming_agenda_number", errors)
        fields["incoming_instruction"] = _text(data, "incoming_instruction", errors)
    elif action == "confirm":
        fields["no_buffet_checked"] = data.get("no_buffet_pledge")
        if data.get("alternative_id") is not None:
            # Not a whole number: 0, which no alternative has (the domain says so).
            fields["alternative_id"] = integer(data["alternative_id"], 1, MAX_ID) or 0
    elif action == "decline_reschedule" and data.get("alternatives"):
        fields["alternatives"] = tuple(_field(errors, "alternatives", lambda: parse_sessions(
            data["alternatives"], "alternatives")) or ())
    elif action == "propose_reschedule":
        fields["sessions"] = tuple(_field(errors, "sessions", lambda: parse_sessions(
            data.get("sessions"))) or ())
    if issubclass(input_class, PrepareInput):
        fields["checklist"] = _checklist(data.get("checklist"), errors)
    if input_class is CompleteInput:
        del fields["note"]  # the notes on the event are its outcome
        fields["actual_participants"] = integer(data.get("actual_participants"))
        fields["outcome_notes"] = _text(data, "outcome_notes", errors)
        fields["over_capacity_confirmed"] = data.get("over_capacity_confirmed", False)
    return input_class(**fields)


def take_step(loan, action, user):
    """Take ``action`` on ``loan`` (visible to ``user``) and commit."""
    transition = workflow.TRANSITIONS[action]
    if workflow.acting_role(transition, user) is None:
        raise ApiError(403, _l("Your role may not take this step."))
    data = json_body()
    shape_errors = {}
    given = step_input(action, data, shape_errors)
    now = workflow.utcnow()
    try:
        if shape_errors:  # refused for its state first, then for every field
            _, role = workflow.check(loan, action, user, now=now)
            raise InputRefused({**workflow.input_errors(loan, action, role, given, now),
                                **shape_errors})
        workflow.apply(loan, action, user, given, now=now)
        db.session.commit()
    except Refusal as refusal:
        db.session.rollback()
        raise refusal_response(refusal) from None
    return loan

