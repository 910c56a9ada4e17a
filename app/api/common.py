"""What every REST API resource shares: times, error bodies, scoping, tokens.

- Times go out as ISO 8601 in the office's zone (``+07:00``); a time that
  comes in without an offset is wall-clock WIB (app/platform/timeutil.py).
- Errors are JSON ``{"message": ...}`` in Indonesian; invalid input adds
  ``"errors": {field: [messages]}`` (422); a refused SOP step or a taken slot
  is 409 with ``"code"``, ``"conflicts"`` and ``"suggestions"``.
- A request the caller may not see is 404, as if it did not exist
  (app/security/scope.py).

A resource class mixes in :class:`ApiBase` before FAB's ``BaseApi`` or
``ModelRestApi``, raises :class:`ApiError` (or returns its helpers'
responses) and lists :data:`ERROR_SCHEMAS` in ``openapi_spec_component_schemas``.
"""
import functools
import json
import math
import sys
from datetime import date, datetime

import yaml
from flask import g, jsonify, make_response, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from app.fab.input_guard import refuse_unstorable
from app.models import LoanRequest
from app.platform.database_outage import is_unavailable
from app.platform.errors import MESSAGES, database_unavailable
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local
from app.security.scope import can_see_loan

# Years a date or time may have: anything else is a typing error, and far
# years overflow the arithmetic on time spans (as the pages' dates: DATE).
FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_TEXT = 40  # characters of an ISO date-time with offset and fraction, plenty

# ---------------------------------------------------------------- times


def iso(value):
    """``value`` (aware, or naive UTC) as ISO 8601 in the office's zone, or None."""
    if value is None:
        return None
    return to_local(value).isoformat()


def iso_date(value):
    return value.isoformat() if value is not None else None


def parse_datetime(text):
    """An aware UTC datetime from ISO 8601 text; no offset means WIB.

    Raises ValueError for anything else (wrong type, bad text, far years).
    """
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise ValueError(text)
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(text)
    return from_local(value)


def parse_date(text):
    """A date from ``YYYY-MM-DD``; ValueError for anything else."""
    if not isinstance(text, str) or len(text.strip()) != 10:
        raise ValueError(text)
    value = date.fromisoformat(text.strip())
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(text)
    return value


def session_json(starts_at, ends_at):
    return {"starts_at": iso(starts_at), "ends_at": iso(ends_at)}


def suggestion_json(alternative):
    """One alternative slot: its first session's times, and all its sessions."""
    if isinstance(alternative, tuple):
        alternative = [alternative]
    first = alternative[0]
    return {**session_json(*first),
            "sessions": [session_json(s, e) for s, e in alternative]}


def parse_sessions(value, field="sessions"):
    """[(start, end)] from ``[{"starts_at", "ends_at"}, ...]``.

    Raises :class:`ApiError` (422, per field) when the shape or a time is wrong;
    whether the times make sense (order, office hours, clashes) is the
    domain's to say.
    """
    message = _l("Give the sessions as a list of {\"starts_at\", \"ends_at\"} with "
                 "ISO 8601 times (without an offset: WIB).")
    if not isinstance(value, list) or not value:
        raise ApiError.invalid({field: [message]})
    sessions = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"starts_at", "ends_at"}:
            raise ApiError.invalid({field: [message]})
        try:
            sessions.append((parse_datetime(item.get("starts_at")),
                             parse_datetime(item.get("ends_at"))))
        except ValueError:
            raise ApiError.invalid({field: [message]}) from None
    return sessions


def room_argument(value, rooms, errors):
    """The room the query argument ``value`` names among ``rooms`` (those the
    caller may see), or None with an error at ``room_id``."""
    value = (value or "").strip()
    room = None
    if value.isascii() and value.isdigit() and len(value) <= 10:
        room = next((r for r in rooms if r.id == int(value)), None)
    if room is None:
        errors["room_id"] = [gettext("Choose a room from the list.")]
    return room


# ---------------------------------------------------------------- request bodies


def json_body():
    """The request's JSON object ({} without a body), or :class:`ApiError` 400."""
    if request.mimetype in ("application/x-www-form-urlencoded",
                            "multipart/form-data"):
        raise ApiError(400, _l("The request body must be a JSON object."))
    raw = request.get_data(cache=True)
    if not raw:
        return {}  # no body at all: nothing given
    try:  # not request.get_json: deep nesting raises RecursionError there
        data = json.loads(raw)
        refuse_unstorable(data)  # the guard checks only bodies typed as JSON
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise ApiError(400, _l("The request body must be a JSON object."))
    return data


def integer(value, minimum=None, maximum=None):
    """``value`` if it is a whole number (not a boolean) within the bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        else:
            return None
    if (minimum is not None and value < minimum) or (
        maximum is not None and value > maximum
    ):
        return None
    return value


def text(data, name, default=""):
    """A text field of ``data``; :class:`ApiError` 422 if it is not a string."""
    value = data.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ApiError.invalid({name: [_l("Give this field as text.")]})
    return value


# ---------------------------------------------------------------- errors


class ApiError(Exception):
    """An error response: ``status``, an Indonesian ``message`` and extra keys."""

    def __init__(self, status, message, **extra):
        super().__init__(str(message))
        self.status = status
        self.message = message
        self.extra = extra

    @classmethod
    def invalid(cls, errors, message=None):
        """422 with ``{"errors": {field: [messages]}}``."""
        return cls(422, message or _l("The data sent is not valid."),
                   errors={name: [str(m) for m in messages]
                           for name, messages in errors.items()})

    @classmethod
    def conflict(cls, message, code, conflicts=(), suggestions=()):
        """409: a step from the wrong state ("invalid_transition") or a taken
        slot ("schedule_conflict"). ``conflicts`` are the (start, end) pairs
        that are taken; ``suggestions`` the alternatives (as
        availability.suggest_slots gives them: each a list of (start, end),
        or one pair), each written as its first session's ``starts_at`` and
        ``ends_at`` with all of its ``sessions``."""
        return cls(409, message, code=code,
                   conflicts=[session_json(s, e) for s, e in conflicts],
                   suggestions=[suggestion_json(s) for s in suggestions])

    def response(self):
        body = {"message": str(self.message), **self.extra}
        response = make_response(jsonify(body), self.status)
        response.headers["Content-Type"] = "application/json; charset=utf-8"
        return response


def api_errors(f):
    """Turn :class:`ApiError` raised by an endpoint into its response and roll
    back whatever the request changed. Put it under ``@protect()``."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except ApiError as error:
            db.session.rollback()
            return error.response()

    return wrapper


# ---------------------------------------------------------------- scoping


def visible_loan(pk, loads=()):
    """The request ``pk`` if the caller may see it, else :class:`ApiError` 404;
    ``loads`` (loader options) load what the answer shows with it."""
    loan = (db.session.get(LoanRequest, pk, options=loads)
            if integer(pk, 1, 2**31 - 1) else None)
    if not can_see_loan(loan, getattr(g, "user", None)):
        raise ApiError(404, MESSAGES[404][1])
    return loan


# ---------------------------------------------------------------- OpenAPI


class ErrorSchema(Schema):
    message = fields.String(required=True)


class FieldErrorSchema(Schema):
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(),
                         values=fields.List(fields.String()), required=True)


class SlotSchema(Schema):
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)


class SuggestionSchema(SlotSchema):
    """A free alternative: its first session, and all its sessions (an event
    of several days has one session a day)."""

    sessions = fields.List(fields.Nested(SlotSchema), required=True)


class ConflictSchema(Schema):
    message = fields.String(required=True)
    code = fields.String(required=True, validate=validate.OneOf(
        ["invalid_transition", "schedule_conflict"]))
    conflicts = fields.List(fields.Nested(SlotSchema), required=True)
    suggestions = fields.List(fields.Nested(SuggestionSchema), required=True)


ERROR_SCHEMAS = (ErrorSchema, FieldErrorSchema, SlotSchema, SuggestionSchema,
                 ConflictSchema)


def _response(description, schema="ErrorSchema"):
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"}}}}


# Reusable responses (``$ref: '#/components/responses/409'``); they replace
# FAB's, whose 422 has no per-field errors and which lacks 409.
RESPONSES = {
    "400": _response("Bad request (the body is not a JSON object, or a query "
                     "argument is malformed)"),
    "401": _response("No valid token"),
    "403": _response("The caller's role may not do this"),
    "404": _response("Not found, or not visible to the caller"),
    "409": _response("A step from the wrong state (invalid_transition) or a "
                     "taken slot (schedule_conflict)", "ConflictSchema"),
    "422": _response("Invalid input, with messages per field", "FieldErrorSchema"),
    "429": _response("Too many attempts: the message says when to try again (also "
                     "in the Retry-After header, in seconds)"),
    "500": _response("Server error"),
    "503": _response("The database cannot be reached for a moment: try again later"),
}
# What any endpoint may answer besides its own statuses.
ALWAYS = (400, 401, 403, 404, 503)

# A key of a table: PostgreSQL's integer.
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
# A date as the API reads one (parse_date; the availability and register
# periods): YYYY-MM-DD from 2000 to 2099; in a query, empty is the default.
DAY = r"20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE = {"type": "string", "format": "date", "pattern": f"^{DAY}$"}
# A time as parse_datetime reads one: ISO 8601, without an offset WIB.
DATE_TIME = {"type": "string", "format": "date-time", "maxLength": MAX_TEXT}
QUERY_DATE = {"type": "string", "pattern": f"^({DAY})?$",
              "description": "YYYY-MM-DD; empty or left out: the default"}
PDF = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}


def text_schema(limit, required=False):
    """A text as app/domain/text_limits.py bounds it: its length, the
    characters it may hold, and (``required``) at least one visible one."""
    schema = {"type": "string", "maxLength": limit.max_chars,
              "pattern": limit.pattern(required)}
    return {**schema, "minLength": 1} if required else schema


def query(name, schema, description=None, required=False):
    parameter = {"in": "query", "name": name, "required": required, "schema": schema}
    return {**parameter, "description": description} if description else parameter


def error_responses(*errors):
    """The operation's error responses: ``errors`` and :data:`ALWAYS`."""
    return {str(code): {"$ref": f"#/components/responses/{code}"}
            for code in sorted({*ALWAYS, *errors})}


def query_argument(schema):
    """FAB's ``q`` (rison or JSON) as the component ``schema`` states it."""
    return {"in": "query", "name": "q", "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def json_body_spec(schema, required=True):
    return {"required": required, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def openapi(method, summary, ok, errors=(), body=None, parameters=(), description=None):
    """Set the endpoint's OpenAPI operation (FAB reads it from the docstring):
    ``ok`` is (status, description, content); ``errors`` the error statuses
    beyond :data:`ALWAYS` (:data:`RESPONSES`).

    FAB reads the YAML, prints it with str() and reads that again: a
    backslash comes out doubled, so a pattern with one belongs in a
    component schema."""
    status, ok_description, content = ok
    operation = {
        "summary": summary,
        "responses": {
            str(status): {"description": ok_description, "content": content},
            **error_responses(*errors),
        },
    }
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = list(parameters)
    if body is not None:
        operation["requestBody"] = body

    def decorate(f):
        f.__doc__ = f"{summary}\n---\n" + yaml.safe_dump({method: operation})
        return f

    return decorate


class ApiBase:
    """Mix in before FAB's BaseApi/ModelRestApi: FAB's own error responses
    (no token, no permission, not found, bad arguments) in Indonesian."""

    responses = RESPONSES

    @staticmethod
    def _error(status, message):
        return ApiError(status, message).response()

    def response_400(self, message=None):
        return self._error(400, gettext("The request could not be processed: its "
                                        "arguments are not valid."))

    def response_401(self):
        return self._error(401, gettext("Log in first: the token is missing or "
                                        "not valid."))

    def response_403(self):
        return self._error(403, MESSAGES[403][1])

    def response_404(self):
        return self._error(404, MESSAGES[404][1])

    def response_422(self, message=None):
        return self._error(422, gettext("The data sent is not valid."))

    def response_500(self, message=None):
        # FAB's @safe answers whatever an endpoint raised with this, from its
        # except clause: a database that cannot be reached is 503 there too.
        if is_unavailable(sys.exc_info()[1]):
            return database_unavailable(sys.exc_info()[1])
        return self._error(500, MESSAGES[500][1])


# ---------------------------------------------------------------- tokens


def install_token_errors(appbuilder):
    """A missing, malformed, expired or revoked token gets 401 with an
    Indonesian message (flask-jwt-extended answers 422 "Not enough segments"
    to a garbage token by default)."""
    jwt = appbuilder.sm.jwt_manager

    def unauthorized(*_args):
        return ApiError(401, gettext("Log in first: the token is missing or not "
                                     "valid.")).response()

    def expired(*_args):
        return ApiError(401, gettext("The token has expired: log in again.")).response()

    jwt.unauthorized_loader(unauthorized)
    jwt.invalid_token_loader(unauthorized)
    jwt.revoked_token_loader(unauthorized)
    jwt.user_lookup_error_loader(unauthorized)
    jwt.needs_fresh_token_loader(unauthorized)
    jwt.token_verification_failed_loader(unauthorized)
    jwt.expired_token_loader(expired)
