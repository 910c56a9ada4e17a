"""Loan requests over the REST API: read-only here, scoped like the web UI."""
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.models import LoanRequest
from app.security.scope import LoanScopeFilter

FIELDS = [
    "id",
    "registration_number",
    "kind",
    "status",
    "title",
    "subject",
    "participants",
    "letter_number",
    "letter_date",
    "room.name",
    "institution.name",
    "created_at",
]


class LoanRequestApi(ModelRestApi):
    resource_name = "loans"
    datamodel = SQLAInterface(LoanRequest)
    base_filters = [["id", LoanScopeFilter, lambda: None]]
    base_permissions = ["can_get", "can_info"]
    list_columns = FIELDS
    show_columns = FIELDS + ["description", "contact_name", "contact_phone"]
    order_columns = ["created_at", "registration_number", "status"]
    base_order = ("created_at", "desc")
