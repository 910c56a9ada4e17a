"""Marshmallow schemas of the loans API: what it returns and what each step takes.

The response schemas dump the requests, so the OpenAPI document describes
exactly what goes out. The request schemas document the bodies; app/api/loans.py
reads them itself, to answer with per-field Indonesian messages.
"""
from flask import g
from marshmallow import Schema, fields, missing, validate

from app.api.common import DATE, ID, SlotSchema, iso, text_schema
from app.documents import confirmation as confirmation_letter
from app.domain import alternatives as alternatives_rules
from app.domain import borrower_words, workflow
from app.domain.loan_fields import MAX_PARTICIPANTS
from app.domain.scheduling import recurrence
from app.domain.text_limits import DAMAGE_DESCRIPTION, LOAN_REQUEST, STEP
from app.models import DispositionInstruction, DispositionNature, LoanKind, LoanStatus


class LocalDateTime(fields.DateTime):
    """A date-time in the office's zone (``+07:00``)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return iso(value)


class _Computed:
    """A field whose value ``compute(obj)`` gives (typed for the OpenAPI document)."""

    def __init__(self, *args, compute, **kwargs):
        self.compute = compute
        super().__init__(*args, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=missing):
        return self.compute(obj)


class ComputedString(_Computed, fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)  # lazy labels too


class ComputedBoolean(_Computed, fields.Boolean):
    pass


class ComputedList(_Computed, fields.List):
    pass


class SessionSchema(Schema):
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)


class AlternativeSchema(Schema):
    __component_name__ = "RescheduleAlternative"

    id = fields.Integer(required=True)
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    availability = fields.String(required=True, validate=validate.OneOf(
        list(alternatives_rules.AVAILABILITY_LABELS)))
    availability_label = fields.String(required=True)


class HistorySchema(Schema):
    at = LocalDateTime(attribute="created_at", required=True)
    action = fields.String(required=True)
    step = ComputedString(compute=lambda row: workflow.ACTION_LABELS.get(
        row.action, row.action), required=True)
    from_status = fields.String(allow_none=True, required=True)
    to_status = fields.String(required=True)
    actor = ComputedString(compute=lambda row: row.actor.get_full_name()
                           if row.actor else "", required=True)
    role = fields.String(attribute="actor_role", required=True)
    note = fields.String(required=True)
    instruction = fields.String(allow_none=True, required=True)
    nature = fields.String(allow_none=True, required=True)
    incoming_received_on = fields.Date(allow_none=True, required=True)
    incoming_from = fields.String(allow_none=True, required=True)
    incoming_agenda_number = fields.String(allow_none=True, required=True)
    incoming_instruction = fields.String(allow_none=True, required=True)


class RecurrenceSessionSchema(Schema):
    """One session of a recurrence with its verdict; a borrower learns only
    that another's booking holds the room (``clash``), never whose."""

    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    verdict = fields.String(required=True, validate=validate.OneOf(
        list(recurrence.VERDICT_LABELS)))
    label = fields.String(required=True)
    messages = fields.List(fields.String(), required=True, metadata={
        "description": "Why the session cannot be requested (empty when free)"})


class RecurrencePreviewSchema(Schema):
    sessions = fields.List(fields.Nested(RecurrenceSessionSchema), required=True)


def _allowed_actions(loan):
    return workflow.allowed_actions(loan, g.user)


class LoanListSchema(Schema):
    """One request in the list. No field is required: ``?q=(columns:!(...))``
    picks some."""

    __component_name__ = "LoanSummary"

    id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    kind = fields.String(validate=validate.OneOf(LoanKind.codes()))
    status = fields.String(validate=validate.OneOf(LoanStatus.codes()))
    status_label = ComputedString(compute=lambda loan: loan.status_label)
    # Where the request is, in its borrower's words (as the request's page).
    progress = ComputedString(
        compute=lambda loan: borrower_words.progress(loan.status))
    title = fields.String()
    subject = fields.String()
    participants = fields.Integer()
    letter_number = fields.String()
    letter_date = fields.Date()
    room_id = fields.Integer()
    room = ComputedString(compute=lambda loan: loan.room.name)
    institution = ComputedString(compute=lambda loan: loan.institution.name)
    created_at = LocalDateTime()
    sessions = fields.List(fields.Nested(SessionSchema))


class LoanSchema(LoanListSchema):
    """One request with its history and what the caller may do next."""

    __component_name__ = "Loan"

    description = fields.String(allow_none=True, required=True)
    contact_name = fields.String(required=True)
    contact_phone = fields.String(required=True)
    no_buffet_pledge = fields.Boolean(required=True)
    rejection_reason = fields.String(allow_none=True, required=True)
    cancellation_reason = fields.String(allow_none=True, required=True)
    actual_participants = fields.Integer(allow_none=True, required=True)
    outcome_notes = fields.String(allow_none=True, required=True)
    proposed_sessions = fields.List(fields.Nested(SessionSchema), required=True)
    hold_expires_at = LocalDateTime(allow_none=True, required=True)
    has_letter = ComputedBoolean(compute=lambda loan: bool(loan.letter_file),
                                 required=True)
    confirmation_available = ComputedBoolean(compute=confirmation_letter.available,
                                             required=True)
    history = fields.List(fields.Nested(HistorySchema), required=True)
    alternatives = ComputedList(fields.Nested(AlternativeSchema), compute=lambda loan: [
        {"id": a.id, "starts_at": a.starts_at, "ends_at": a.ends_at,
         "availability": state,
         "availability_label": str(alternatives_rules.AVAILABILITY_LABELS[state])}
        for a, state in alternatives_rules.with_availability(loan, workflow.utcnow())],
        required=True, metadata={"description": "After the borrower declined a "
                                 "proposal, while it waits for the Kasi: the times "
                                 "they could take instead, with their availability now."})
    allowed_actions = ComputedList(
        fields.String(validate=validate.OneOf(list(workflow.TRANSITIONS))),
        compute=_allowed_actions, required=True)


class NoEditSchema(Schema):
    """Requests change through the SOP steps, never by editing (no PUT)."""


# ---------------------------------------------------------------- request bodies
# Each documents what the server takes, field by field (app/api/loan_input.py
# reads the bodies itself, to answer with per-field Indonesian messages): the
# texts' limits and characters (app/domain/text_limits.py), the numbers'
# bounds, and no field besides these (``additionalProperties: false``,
# marshmallow's default "unknown" of RAISE; the server refuses others).


def text(limit, required=False, **metadata):
    return fields.String(required=required, metadata={
        **text_schema(limit, required), **metadata})


def whole_number(minimum, maximum, required=True, **metadata):
    return fields.Integer(required=required, metadata={
        "minimum": minimum, "maximum": maximum, **metadata})


def key(required=True, **metadata):
    return whole_number(ID["minimum"], ID["maximum"], required, **metadata)


def true_only(**metadata):
    return fields.Boolean(required=True, metadata={"enum": [True], **metadata})


def session_list(required=True, **metadata):
    return fields.List(fields.Nested(SlotSchema), required=required, metadata={
        "minItems": 1,
        "description": "ISO 8601 times; without an offset they are WIB (+07:00). At "
                       "most BOOKING_MAX_SESSIONS (14 unless the office sets it).",
        **metadata})


class RecurrenceSchema(Schema):
    """A first session repeated (as GET /loans/recurrence-preview takes it);
    the request's sessions are made of it."""

    __component_name__ = "LoanRecurrence"

    start = fields.DateTime(required=True, metadata={"description": "The first "
                                                                    "session's start"})
    end = fields.DateTime(required=True, metadata={"description": "The first "
                                                                "session's end"})
    frequency = fields.String(required=True, validate=validate.OneOf(
        list(recurrence.FREQUENCIES)))
    interval = whole_number(1, recurrence.MAX_INTERVAL)
    until = fields.Date(required=True, metadata={
        "pattern": DATE["pattern"], "description": "The last day a session may fall on"})


class LoanCreateSchema(Schema):
    """A new request; it is submitted at once."""

    __component_name__ = "LoanCreate"

    room_id = key()
    kind = fields.String(required=True, validate=validate.OneOf(LoanKind.codes()))
    title = text(LOAN_REQUEST["title"], required=True)
    description = text(LOAN_REQUEST["description"])
    participants = whole_number(1, MAX_PARTICIPANTS)
    letter_number = text(LOAN_REQUEST["letter_number"], required=True)
    letter_date = fields.Date(required=True, metadata={"pattern": DATE["pattern"]})
    subject = text(LOAN_REQUEST["subject"], required=True)
    contact_name = text(LOAN_REQUEST["contact_name"], required=True)
    contact_phone = text(LOAN_REQUEST["contact_phone"], required=True, description=(
        "An Indonesian phone number: a mobile (08xx..., +62 8xx...) or a landline "
        "with its area code ((0561) 712345); kept as 0812-3456-7890 or "
        "(0561) 712345."))
    no_buffet_pledge = true_only(description="The pledge that no buffet food will "
                                 "be served.")
    equipment_ids = fields.List(key())
    sessions = session_list(required=False, description=(
        "Required unless `recurrence` is given. ISO 8601 times; without an offset they "
        "are WIB (+07:00). At most BOOKING_MAX_SESSIONS (14 unless the office sets it)."))
    recurrence = fields.Nested(RecurrenceSchema, metadata={
        "description": "Instead of `sessions`: every session it makes is requested, "
                       "each checked as `sessions` are (see "
                       "GET /loans/recurrence-preview first)."})


class StepSchema(Schema):
    __component_name__ = "StepNote"

    note = text(STEP["note"])


class ConfirmSchema(StepSchema):
    __component_name__ = "StepConfirm"

    no_buffet_pledge = true_only(description="The Kasi has made sure no buffet food "
                                 "will be served.")
    alternative_id = key(required=False, description="Confirm at one of the times the "
                         "borrower gave when declining a proposal (the request's "
                         "`alternatives`); it becomes the request's session.")


class DisposeSchema(StepSchema):
    __component_name__ = "StepDispose"

    instruction = fields.String(required=True, validate=validate.OneOf(
        DispositionInstruction.codes()))
    nature = fields.String(validate=validate.OneOf(DispositionNature.codes()),
                           metadata={"description": "Default: biasa."})
    # The Kepala Dinas's disposition the letter came with (all optional).
    incoming_received_on = fields.Date(metadata={
        "pattern": DATE["pattern"], "description": "When the Kabid received the "
        "letter disposed by the Kepala Dinas. Default: today."})
    incoming_from = text(STEP["incoming_from"], description="Default: Kepala Dinas.")
    incoming_agenda_number = text(STEP["incoming_agenda_number"])
    incoming_instruction = text(STEP["incoming_instruction"])


class ProposeSchema(StepSchema):
    __component_name__ = "StepProposeReschedule"

    sessions = session_list(description="The other schedule offered (ISO 8601 times; "
                        "without an offset they are WIB).")


class ReasonSchema(Schema):
    __component_name__ = "StepReason"

    reason = text(STEP["reason"], description="Required of the Kabid and the Kasi; "
                  "the borrower reads it.")


class DeclineSchema(Schema):
    __component_name__ = "StepDeclineReschedule"

    reason = text(STEP["reason"], required=True, description="Why; the Kasi reads it.")
    alternatives = fields.List(fields.Nested(SlotSchema), metadata={
        "maxItems": alternatives_rules.MAX_ALTERNATIVES,
        "description": "Times the borrower could take instead, each one block, for a "
                       "request of one session (ISO 8601; without an offset WIB). The "
                       "request goes back to the Kasi, who may confirm one."})


class CheckSchema(Schema):
    __component_name__ = "EquipmentCheck"

    equipment_id = key()
    ready = fields.Boolean(required=True)
    description = text(DAMAGE_DESCRIPTION, description="What is damaged (required "
                       "when not ready).")


class PrepareSchema(StepSchema):
    __component_name__ = "StepPrepare"

    checklist = fields.List(fields.Nested(CheckSchema), required=True, metadata={
        "description": "Every item of the room's equipment, once."})


class CompleteSchema(Schema):
    __component_name__ = "StepComplete"

    actual_participants = whole_number(1, MAX_PARTICIPANTS)
    outcome_notes = text(STEP["outcome_notes"])
    over_capacity_confirmed = fields.Boolean(metadata={
        "description": "More people attended than the room holds (required true "
                       "then)."})
    checklist = fields.List(fields.Nested(CheckSchema), required=True)


STEP_SCHEMAS = {
    "dispose": DisposeSchema,
    "confirm": ConfirmSchema,
    "propose_reschedule": ProposeSchema,
    "reject": ReasonSchema,
    "cancel": ReasonSchema,
    "decline_reschedule": DeclineSchema,
    "prepare": PrepareSchema,
    "complete": CompleteSchema,
}

# Registered by the API class (FAB registers the list, item and add schemas
# itself, as LoanRequestApi.get_list, .get and .post).
SCHEMAS = (SessionSchema, HistorySchema, StepSchema, ConfirmSchema,
           DisposeSchema, ProposeSchema, ReasonSchema, DeclineSchema, AlternativeSchema,
           CheckSchema, PrepareSchema, CompleteSchema, RecurrenceSchema,
           RecurrenceSessionSchema, RecurrencePreviewSchema)
