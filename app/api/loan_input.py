"""The loans API's bodies turned into the domain's calls, and its refusals
into status codes.

Submitting builds a :class:`submission.LoanInput` and calls
``submission.submit``; a step calls ``workflow.check`` and
``workflow.apply``, as the web forms do. Only the shape of the JSON (types,
dates, the step's own fields) is checked here; what a request or step must
satisfy is the domain's to say.
"""
from flask_babel import lazy_gettext as _l

from app.api.common import (
    ApiError,
    integer,
    json_body,
    parse_date,
    parse_sessions,
    text,
)
from app.api.loan_schemas import STEP_SCHEMAS, CheckSchema, LoanCreateSchema, StepSchema
from app.domain import equipment_care, submission, text_limits, workflow
from app.domain.equipment_care import EquipmentCheck
from app.domain.scheduling import availability, occupancy
from app.models import DispositionInstruction, DispositionNature, Room
from app.platform.extensions import db

MAX_ID = 2**31 - 1
# The domain's field names that the API spells otherwise.
API_FIELD = {"room": "room_id"}
REASON_STEPS = frozenset({"reject", "cancel", "decline_reschedule"})
CHECKLIST_STEPS = frozenset({"prepare", "complete"})
CHECK_FIELDS = frozenset(CheckSchema._declared_fields)


def _errors_out(errors):
    return {API_FIELD.get(name, name): messages for name, messages in errors.items()}


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


# ---------------------------------------------------------------- submitting


def _create_input(data, errors):
    texts = {name: _field(errors, name, lambda n=name: text(data, n)) or ""
             for name in ("kind", "title", "description", "letter_number", "subject",
                          "contact_name", "contact_phone")}
    letter_date = None
    if data.get("letter_date") is not None:
        try:
            letter_date = parse_date(data["letter_date"])
        except ValueError:
            errors["letter_date"] = [str(_l("Give the date as YYYY-MM-DD."))]
    participants = data.get("participants")
    if integer(participants) is None:
        participants = None  # the domain says what is wrong with it
    equipment_ids = data.get("equipment_ids") or []
    if not isinstance(equipment_ids, list) or any(
        integer(i, 1, MAX_ID) is None for i in equipment_ids
    ):
        errors["equipment_ids"] = [str(_l("Give the equipment as a list of ids."))]
        equipment_ids = []
    sessions = []
    if "sessions" in data:
        sessions = _field(errors, "sessions", lambda: parse_sessions(
            data["sessions"], limit=submission.MAX_SESSIONS)) or []
    return submission.LoanInput(
        kind=texts["kind"], room_id=integer(data.get("room_id"), 1, MAX_ID),
        title=texts["title"], description=texts["description"],
        subject=texts["subject"], letter_number=texts["letter_number"],
        letter_date=letter_date, participants=integer(participants),
        contact_name=texts["contact_name"], contact_phone=texts["contact_phone"],
        no_buffet_pledge=data.get("no_buffet_pledge") is True,
        sessions=sessions, equipment_ids=[int(i) for i in equipment_ids],
    )


def _taken(room_id, sessions, now):
    """The occupying sessions ``sessions`` would overlap (as the submission's
    check finds them)."""
    room = db.session.get(Room, room_id) if room_id else None
    if room is None or not sessions:
        return room, []
    wanted = [occupancy.session_for(room, start, end) for start, end in sessions]
    return room, occupancy.still_holding(
        occupancy.occupying_clashes(room.id, wanted), now)


def submit(user, data):
    """Submit ``data`` (the JSON body) as ``user``'s new request; the caller
    commits. 422 with per-field messages, or 409 when only the slot is taken."""
    now = workflow.utcnow()
    shape_errors = unknown_fields(data, LoanCreateSchema)
    loan_input = _create_input(data, shape_errors)
    if shape_errors:
        errors = submission.input_errors(loan_input, now)
        errors.update(shape_errors)
        raise ApiError.invalid(_errors_out(errors))
    try:
        return submission.submit(user, loan_input, now=now)
    except submission.LoanInputError as error:
        db.session.rollback()
        if set(error.errors) == {"sessions"}:
            room, clashes = _taken(loan_input.room_id, loan_input.sessions, now)
            if clashes:
                raise ApiError.conflict(
                    occupancy.ScheduleConflict(clashes), "schedule_conflict",
                    [(s.starts_at, s.ends_at) for s in clashes],
                    availability.suggest_slots(room, loan_input.sessions, now),
                ) from None
        raise ApiError.invalid(_errors_out(error.errors)) from None


# ---------------------------------------------------------------- steps


def _checklist(value, room, errors):
    """EquipmentCheck items from ``[{"equipment_id", "ready", "description"}]``."""
    message = _l("Check every item of the room's equipment.")
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
            ids = [c.equipment_id for c in checks]
            problems = equipment_care.checklist_errors(room, checks)
            if len(set(ids)) != len(ids):
                problems.append(message)
            if not problems:
                return checks
            errors["checklist"] = [str(p) for p in dict.fromkeys(problems)]
            return None
    errors["checklist"] = [str(message)]
    return None


def step_arguments(loan, action, data):
    """workflow.apply's keyword arguments for ``action`` from the JSON body."""
    errors = unknown_fields(data, STEP_SCHEMAS.get(action, StepSchema))
    if action in REASON_STEPS:
        arguments = {"reason": (_field(errors, "reason",
                                       lambda: text(data, "reason")) or "").strip()}
    else:
        arguments = {"note": (_field(errors, "note",
                                     lambda: text(data, "note")) or "").strip()}
    if action == "dispose":
        arguments["instruction"] = data.get("instruction")
        arguments["nature"] = data.get("nature", DispositionNature.ORDINARY)
        if arguments["instruction"] not in DispositionInstruction.codes():
            errors["instruction"] = [str(_l("Choose the instruction of the "
                                            "disposition."))]
        if arguments["nature"] not in DispositionNature.codes():
            errors["nature"] = [str(_l("Choose the nature of the disposition."))]
    elif action == "confirm" and data.get("no_buffet_pledge") is not True:
        errors["no_buffet_pledge"] = [str(_l(
            "Make sure that no buffet food will be served, then tick this box."))]
    elif action == "propose_reschedule":
        arguments["sessions"] = _field(errors, "sessions", lambda: parse_sessions(
            data.get("sessions"), limit=submission.MAX_SESSIONS))
    elif action == "complete":
        del arguments["note"]  # the notes on the event are its outcome
        arguments["actual_participants"] = integer(
            data.get("actual_participants"), 1, workflow.MAX_ATTENDANCE)
        if arguments["actual_participants"] is None:
            errors["actual_participants"] = [str(_l(
                "Give the number of people who actually attended."))]
        arguments["outcome_notes"] = (_field(errors, "outcome_notes", lambda: text(
            data, "outcome_notes")) or "").strip()
    if action in CHECKLIST_STEPS:
        arguments["checklist"] = _checklist(data.get("checklist"), loan.room, errors)
    texts = text_limits.step_problems(**{
        name: arguments[name] for name in ("note", "reason", "outcome_notes", "checklist")
        if arguments.get(name)})
    for name, messages in texts.items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ApiError.invalid(errors)
    return arguments


def take_step(loan, action, user):
    """Take ``action`` on ``loan`` (visible to ``user``) and commit.

    403 if the user's role never takes this step; 409 invalid_transition if
    it may not be taken now (state, timing); 422 for the step's fields; 409
    schedule_conflict, with free alternatives, if the room is taken.
    """
    transition = workflow.TRANSITIONS[action]
    if workflow.acting_role(transition, user) is None:
        raise ApiError(403, _l("Your role may not take this step."))
    data = json_body()
    try:
        workflow.check(loan, action, user, reason="-")
    except workflow.TransitionError as error:
        raise ApiError.conflict(error, "invalid_transition") from None
    arguments = step_arguments(loan, action, data)
    try:  # only a missing reason is left to refuse
        workflow.check(loan, action, user, reason=arguments.get("reason", ""))
    except workflow.TransitionError as error:
        raise ApiError.invalid({"reason": [error]}) from None
    now = workflow.utcnow()
    try:
        workflow.apply(loan, action, user, now=now, **arguments)
        db.session.commit()
    except workflow.TransitionError as error:
        db.session.rollback()
        if isinstance(error.__cause__, occupancy.ScheduleConflict):
            wanted = arguments.get("sessions") or availability.loan_slots(loan)
            raise ApiError.conflict(
                error, "schedule_conflict",
                [(s.starts_at, s.ends_at) for s in error.__cause__.clashes],
                availability.suggest_slots(loan.room, wanted, now,
                                           exclude_loan_id=loan.id),
            ) from None
        if action == "propose_reschedule":  # the proposal breaks a rule
            raise ApiError.invalid({"sessions": [error]}) from None
        raise ApiError.conflict(error, "invalid_transition") from None
    return loan
