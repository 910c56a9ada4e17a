"""Loan requests over the REST API (/api/v1/loans/), scoped like the web UI.

A borrower sees and acts on their own requests only (others' are 404);
submitting goes through app/domain/submission.py and every SOP step through
app/domain/workflow.py, exactly as the web forms do. Errors follow app/api/common.py.
"""
import io

from flask import g, request, send_file
from flask_appbuilder.api import ModelRestApi, expose
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_appbuilder.hooks import before_request
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload, selectinload

from app.api import loan_input
from app.api.common import (
    DATE,
    DATE_TIME,
    ERROR_SCHEMAS,
    ID,
    PDF,
    ApiBase,
    ApiError,
    api_errors,
    error_responses,
    json_body,
    json_body_spec,
    openapi,
    query,
    query_argument,
    room_argument,
    visible_loan,
)
from app.api.loan_schemas import (
    SCHEMAS,
    STEP_SCHEMAS,
    LoanCreateSchema,
    LoanListSchema,
    LoanSchema,
    NoEditSchema,
    RecurrenceSessionSchema,
    StepSchema,
)
from app.documents import confirmation as confirmation_letter
from app.documents import disposition as disposition_sheet
from app.domain import letters, submission, workflow
from app.domain.refusals import Refusal
from app.domain.scheduling import recurrence
from app.domain.scheduling.availability import visible_rooms
from app.domain.scheduling.settings import ScheduleSettings
from app.fab import list_query
from app.fab.interface import EagerInterface
from app.models import LoanRequest, StatusHistory
from app.models.loans import FIELD_LABELS
from app.platform.database_outage import is_unavailable
from app.platform.extensions import db
from app.platform.timeutil import utcnow
from app.security.scope import LoanScopeFilter, is_staff

# What a list row and one request show, loaded with them (not one query per row).
LIST_LOADS = (joinedload(LoanRequest.room), joinedload(LoanRequest.institution),
              selectinload(LoanRequest.sessions))
LOAN_LOADS = LIST_LOADS + (selectinload(LoanRequest.proposed_sessions),
                           selectinload(LoanRequest.history)
                           .joinedload(StatusHistory.actor))

INFO_KEYS = ["filters", "permissions", "add_title", "edit_title"]
PK = {"in": "path", "name": "pk", "required": True, "schema": ID}
LOAN_RESULT = {"application/json": {"schema": {
    "type": "object",
    "properties": {"id": {"type": "integer"},
                   "result": {"$ref": "#/components/schemas/LoanRequestApi.get"}},
    "required": ["id", "result"],
}}}


def _loan_result(loan, status=200):
    return LoanRequestApi.response(status, id=loan.id, result=LoanSchema().dump(loan))


def _pdf(data, name, loan):
    number = loan.registration_number.replace("/", "-")
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{name}-{number}.pdf")


class ListFieldsOnly(Model2SchemaConverter):
    """``?q=(columns:!(...))`` picks fields of the list schema (times with the
    office's offset), never a schema of the model's raw columns."""

    def convert(self, columns, **kwargs):
        return LoanListSchema(only=[c for c in columns
                                    if c in LoanListSchema._declared_fields])


class LoanRequestApi(ApiBase, ModelRestApi):
    resource_name = "loans"
    datamodel = EagerInterface(LoanRequest, list_loads=LIST_LOADS)
    base_filters = [["id", LoanScopeFilter, lambda: None]]
    base_permissions = ["can_get", "can_info", "can_post", "can_post_letter",
                        "can_letter", "can_step", "can_disposition",
                        "can_confirmation"]
    exclude_route_methods = {"put", "delete"}  # requests change through the SOP
    list_columns = ["id", "registration_number", "kind", "status", "title", "subject",
                    "participants", "letter_number", "letter_date", "room_id",
                    "created_at"]
    show_columns = list_columns
    search_columns = ["registration_number", "kind", "status", "title", "subject",
                      "letter_number", "room", "created_at"]
    order_columns = ["id", "created_at", "registration_number", "status", "title"]
    base_order = ("created_at", "desc")
    list_model_schema = LoanListSchema()
    show_model_schema = LoanSchema()
    add_model_schema = LoanCreateSchema()
    edit_model_schema = NoEditSchema()
    openapi_spec_component_schemas = ERROR_SCHEMAS + SCHEMAS
    openapi_spec_tag = "Loans"
    list_title = _l("Loan requests")
    show_title = _l("Loan request")
    label_columns = {**FIELD_LABELS, "id": "ID", "room_id": FIELD_LABELS["room"]}

    model2schemaconverter = ListFieldsOnly
    # FAB documents the list's ids as strings; they are the integer keys; and
    # ``q`` as any filter on any column (app/fab/list_query.py states it).
    openapi_spec_methods = {
        "get_list": {"get": {"parameters": [query_argument("LoanListQuery")],
                             "responses": {
            "200": {"description": "The requests the caller may see", "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "ids": {"type": "array", "items": {"type": "integer"}},
                    "count": {"type": "integer"},
                    "result": {"type": "array", "items": {
                        "$ref": "#/components/schemas/LoanRequestApi.get_list"}},
                    "label_columns": {"type": "object"},
                    "description_columns": {"type": "object"},
                    "list_columns": {"type": "array", "items": {"type": "string"}},
                    "order_columns": {"type": "array", "items": {"type": "string"}},
                    "list_title": {"type": "string"},
                }}}}},
            **error_responses(500),
        }}},
        "info": {"get": {"parameters": [query_argument("LoanInfoQuery")],
                         "responses": {
            "200": {"description": "The filters, the caller's permissions and "
                                   "the titles", "content": {"application/json": {
                                       "schema": {"type": "object"}}}},
            **error_responses(500),
        }}},
    }

    _list_query = None

    def list_query(self):
        """The schema of the list's ``q``, made once (FAB's __init__ reads
        every attribute, before the filters it is made from exist)."""
        if self._list_query is None:
            self._list_query = list_query.list_schema(self)
        return self._list_query

    def add_apispec_components(self, api_spec):
        super().add_apispec_components(api_spec)
        api_spec.components.schema("LoanListQuery", self.list_query())
        api_spec.components.schema("LoanInfoQuery", list_query.INFO)

    @before_request(only=["get_list", "info"])
    def _readable_query(self):
        """``q`` as FAB can read it (app/fab/list_query.py), or 400."""
        return None if list_query.readable_q() else self.response_400()

    def info_headless(self, **kwargs):
        """FAB's metadata without the add and edit forms: a request is
        submitted with the body documented in OpenAPI and never edited."""
        if not list_query.allows(list_query.INFO, kwargs.get("rison") or {}):
            return self.response_400()
        rison = dict(kwargs.get("rison") or {})
        rison["keys"] = [key for key in rison.get("keys") or INFO_KEYS
                         if key not in ("add_columns", "edit_columns")] or ["none"]
        return super().info_headless(rison=rison)

    def get_list_headless(self, **kwargs):
        """FAB's list of what ``q`` may ask (:meth:`list_query`); whatever
        else the database still could not compare is the client's 400."""
        if not list_query.allows(self.list_query(), kwargs.get("rison") or {}):
            return self.response_400()
        try:
            return super().get_list_headless(**kwargs)
        except (SQLAlchemyError, ValueError, OverflowError, TypeError) as error:
            if is_unavailable(error):
                raise
            db.session.rollback()
            return self.response_400()

    # ------------------------------------------------------------ reading

    @expose("/<int:pk>", methods=["GET"])
    @openapi("get", "One loan request, with its sessions, history and the caller's "
             "next steps", (200, "The request", LOAN_RESULT), parameters=[PK])
    @protect()
    @permission_name("get")
    @api_errors
    def get(self, pk, **kwargs):
        return _loan_result(visible_loan(pk, LOAN_LOADS))

    @expose("/recurrence-preview", methods=["GET"])
    @openapi("get", "The sessions a recurring request would have, each with its "
             "verdict", (200, "The sessions", {"application/json": {"schema": {
                 "$ref": "#/components/schemas/RecurrencePreviewSchema"}}}),
             errors=(422,), parameters=[
                 query("room_id", ID, required=True),
                 query("start", DATE_TIME, "The first session's start", required=True),
                 query("end", DATE_TIME, "The first session's end", required=True),
                 query("frequency", {"type": "string",
                                     "enum": list(recurrence.FREQUENCIES)},
                       "weekly: every `interval` weeks; monthly: every `interval` "
                       "months on the same weekday (the second Tuesday; a fifth "
                       "one is the month's last)", required=True),
                 query("interval", {"type": "integer", "minimum": 1,
                                    "maximum": recurrence.MAX_INTERVAL},
                       required=True),
                 query("until", DATE, "The last day a session may fall on",
                       required=True)],
             description="Reads only: nothing is booked. Each session's verdict "
             "is the one submitting it would meet: free, holiday (or a closed "
             "date), clash (another booking holds the room, whose is not said), "
             "outside_hours, other_rule (notice, horizon, length). The free "
             "ones' `starts_at`/`ends_at` may be sent as a request's `sessions`. "
             "An error of the first session's times is given at `start`.")
    @protect()
    @permission_name("get")
    @api_errors
    def recurrence_preview(self):
        settings = ScheduleSettings.current()
        wanted = loan_input.recurrence_of(request.args)
        errors = {"start" if name == "sessions" else name: messages
                  for name, messages in recurrence.recurrence_errors(
                      wanted, settings).items()}
        room = room_argument(request.args.get("room_id"),
                             visible_rooms(is_staff(g.user)), errors)
        if errors:
            raise ApiError.invalid(errors)
        verdicts = recurrence.preview(room, recurrence.sessions(wanted, settings),
                                      settings, utcnow())
        return self.response(200, sessions=RecurrenceSessionSchema(many=True).dump(
            verdicts))

    # ------------------------------------------------------------ submitting

    @expose("/", methods=["POST"])
    @openapi("post", "Submit a new loan request (borrowers only)",
             (201, "Submitted", LOAN_RESULT), errors=(409, 422),
             body=json_body_spec("LoanRequestApi.post"))
    @protect()
    @permission_name("post")
    @api_errors
    def post(self):
        loan = loan_input.submit(g.user, json_body())
        db.session.commit()
        return _loan_result(loan, 201)

    @expose("/<int:pk>/letter", methods=["POST"])
    @openapi("post", "Upload (replace) the request letter, a PDF, while the request "
             "is submitted", (200, "Stored", LOAN_RESULT), errors=(409, 422),
             parameters=[PK], body={
                 "required": True, "content": {"multipart/form-data": {"schema": {
                     "type": "object", "required": ["letter"],
                     "properties": {"letter": {"type": "string", "format": "binary"}},
                 }}}})
    @protect()
    @permission_name("post_letter")
    @api_errors
    def post_letter(self, pk):
        loan = visible_loan(pk)
        upload = request.files.get("letter")  # none sent: an empty letter
        try:
            submission.replace_letter(loan, g.user, upload.read() if upload else b"",
                                      upload.filename if upload else None)
        except Refusal as refusal:
            raise loan_input.refusal_response(refusal) from None
        db.session.commit()
        return _loan_result(loan)

    @expose("/<int:pk>/letter", methods=["GET"])
    @openapi("get", "Download the request letter", (200, "The letter (PDF)", PDF),
             parameters=[PK])
    @protect()
    @permission_name("letter")
    @api_errors
    def letter(self, pk):
        loan = visible_loan(pk)
        path = letters.letter_path(loan.letter_file)
        if path is None:
            raise ApiError(404, _l("This request has no letter."))
        return send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"surat-permohonan-{loan.id}.pdf")

    # ------------------------------------------------------------ documents

    @expose("/<int:pk>/disposition.pdf", methods=["GET"])
    @openapi("get", "The Lembar Disposisi of a request",
             (200, "The disposition sheet (PDF)", PDF), parameters=[PK])
    @protect()
    @permission_name("disposition")
    @api_errors
    def disposition(self, pk):
        loan = visible_loan(pk)
        return _pdf(disposition_sheet.render(disposition_sheet.sheet(loan)),
                    "lembar-disposisi", loan)

    @expose("/<int:pk>/confirmation.pdf", methods=["GET"])
    @openapi("get", "The confirmation letter, once the request is confirmed",
             (200, "The confirmation letter (PDF)", PDF), errors=(409,),
             parameters=[PK])
    @protect()
    @permission_name("confirmation")
    @api_errors
    def confirmation(self, pk):
        loan = visible_loan(pk)
        try:
            letter = confirmation_letter.letter(loan)
        except confirmation_letter.NotConfirmed as refusal:
            raise ApiError.conflict(str(refusal), "invalid_transition") from None
        db.session.commit()  # the first download issues the verification code
        return _pdf(confirmation_letter.render(letter), "surat-konfirmasi", loan)


def _step_endpoint(action):
    """``POST /<pk>/<action>``: one SOP step, its own route and body schema."""
    schema = STEP_SCHEMAS.get(action, StepSchema).__component_name__

    @expose(f"/<int:pk>/{action}", methods=["POST"])
    @openapi("post", f"SOP step: {action}", (200, "Done", LOAN_RESULT),
             errors=(409, 422), parameters=[PK],
             body=json_body_spec(schema, required=False))
    @protect()
    @permission_name("step")  # every SOP role; the workflow decides the rest
    @api_errors
    def step(self, pk):
        return _loan_result(loan_input.take_step(visible_loan(pk), action, g.user))

    step.__name__ = f"step_{action}"
    return step


for _action in workflow.TRANSITIONS:
    setattr(LoanRequestApi, f"step_{_action}", _step_endpoint(_action))
