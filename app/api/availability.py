"""A room's busy blocks and free slots over the REST API.

The same queries, period rules and hiding as the availability page
(app/web/views/availability.py): a borrower sees another borrower's booking as a
busy time only (``loan`` is null) and does not see their pending requests.
"""
from flask import g, request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import permission_name, protect
from marshmallow import Schema, fields

from app.api.common import (
    ERROR_SCHEMAS,
    ID,
    QUERY_DATE,
    ApiBase,
    ApiError,
    api_errors,
    iso,
    openapi,
    query,
    room_argument,
)
from app.domain.scheduling import availability
from app.domain.scheduling.availability import visible_rooms
from app.domain.scheduling.settings import ScheduleSettings
from app.models import LoanStatus
from app.platform.timeutil import to_local, utcnow
from app.security.scope import is_staff


class BookingSummarySchema(Schema):
    id = fields.Integer(required=True)
    registration_number = fields.String(required=True, allow_none=True)
    title = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(LoanStatus.codes())})
    status_label = fields.String(required=True)
    institution = fields.String(required=True)
    own = fields.Boolean(required=True,
                         metadata={"description": "The caller's own request"})


class BusyBlockSchema(Schema):
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    blocked_until = fields.DateTime(
        required=True, metadata={"description": "The end plus the room's "
                                                "preparation time"})
    pending = fields.Boolean(
        required=True, metadata={"description": "A request still waiting for the "
                                                "Kabid or the Kasi: it holds nothing yet"})
    loan = fields.Nested(
        BookingSummarySchema, required=True, allow_none=True,
        metadata={"description": "null for another borrower's booking when the "
                                 "caller is a borrower"})


class FreeSlotSchema(Schema):
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    requestable = fields.Boolean(required=True)
    refused = fields.String(
        required=True, allow_none=True,
        metadata={"enum": [availability.TOO_SOON, availability.TOO_FAR, None],
                  "description": "Why a request starting then is refused: too "
                                 "little notice or beyond the horizon"})


class AvailabilityDaySchema(Schema):
    date = fields.Date(required=True)
    office_day = fields.Boolean(required=True)
    closed = fields.String(required=True, allow_none=True,
                           metadata={"description": "The holiday's or closed date's name"})
    busy = fields.List(fields.Nested(BusyBlockSchema), required=True)
    free = fields.List(fields.Nested(FreeSlotSchema), required=True)


class AvailabilityRoomSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prep_buffer_minutes = fields.Integer(required=True)


class AvailabilitySchema(Schema):
    room = fields.Nested(AvailabilityRoomSchema, required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    days = fields.List(fields.Nested(AvailabilityDaySchema), required=True)


class AvailabilityApi(ApiBase, BaseApi):
    route_base = "/api/v1"
    base_permissions = ["can_get"]
    openapi_spec_tag = "Availability"
    openapi_spec_component_schemas = (
        BookingSummarySchema, BusyBlockSchema, FreeSlotSchema, AvailabilityDaySchema,
        AvailabilityRoomSchema, AvailabilitySchema, *ERROR_SCHEMAS)

    @expose("/availability", methods=["GET"])
    @protect()
    @safe
    @api_errors
    @permission_name("get")
    @openapi("get", "A room's busy blocks and free slots", (
        200, "The room's days", {"application/json": {"schema": {
            "$ref": "#/components/schemas/AvailabilitySchema"}}}),
        errors=(422,), parameters=[
            query("room_id", ID, required=True),
            query("start", QUERY_DATE), query("end", QUERY_DATE)],
        description="Dates are office dates (WIB), times ISO 8601 with +07:00. "
        "Without dates, this week and the next; with a start only, two weeks from "
        "it; at most 31 days. Free slots lie in office hours of office days after "
        "now; `requestable` says whether a request may start then. A room the "
        "caller may not see is refused at room_id (422) as one that does not exist.")
    def get(self):
        """Busy blocks and free slots of a room, day by day."""
        user, now = g.user, utcnow()
        staff = is_staff(user)
        errors = {}
        room = room_argument(request.args.get("room_id"), visible_rooms(staff), errors)
        try:
            first, last = availability.parse_period(
                request.args.get("start"), request.args.get("end"), to_local(now).date())
        except availability.PeriodError as error:
            errors.setdefault(error.field or "start", []).append(str(error))
        if errors:
            raise ApiError.invalid(errors)
        days = availability.room_availability(
            room, first, last, now, include_pending=True,
            settings=ScheduleSettings.current())
        return self.response(
            200,
            room={"id": room.id, "name": room.name,
                  "prep_buffer_minutes": room.prep_buffer_minutes},
            start=first.isoformat(), end=last.isoformat(),
            days=[_day(entry, user, staff) for entry in days],
        )


def _day(entry, user, staff):
    return {
        "date": entry.day.isoformat(),
        "office_day": entry.office_day,
        "closed": entry.closed,
        "busy": [
            {"starts_at": iso(block.starts_at), "ends_at": iso(block.ends_at),
             "blocked_until": iso(block.blocked_until), "pending": block.pending,
             "loan": _loan(block.loan, user, staff)}
            for block in entry.busy if availability.shown_to(block, user.id, staff)
        ],
        "free": [
            {"starts_at": iso(slot.starts_at), "ends_at": iso(slot.ends_at),
             "requestable": slot.requestable, "refused": slot.refused}
            for slot in entry.free
        ],
    }


def _loan(loan, user, staff):
    """What the caller may read of the request behind a busy block: all of it
    for staff and its borrower, nothing for another borrower."""
    own = loan.borrower_id == user.id
    if not (staff or own):
        return None
    return {"id": loan.id, "registration_number": loan.registration_number,
            "title": loan.title, "status": loan.status,
            "status_label": str(loan.status_label),
            "institution": loan.institution, "own": own}
