"""Stock Flask-AppBuilder over the bench's database: plain ``ModelView``s
with ``SQLAInterface`` over the project's own models, none of the
project's customisations (no eager loads, no permission cache, FAB's own
list widget, search form and security manager), the same list columns,
search columns and order, the request's sessions and history as FAB's
related views on its page; the project's translations, and the bench's
``admin`` account signed in through FAB's login form."""
import os

from flask import Flask
from flask_appbuilder import AppBuilder, ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface

from peers.panel import flask_panel, list_urls

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))


def _views():
    from app.models import LoanRequest, LoanSession, StatusHistory
    from app.models.loans import FIELD_LABELS

    class LoanSessionModelView(ModelView):
        datamodel = SQLAInterface(LoanSession)
        list_columns = ["starts_at", "ends_at", "room", "occupying", "proposed"]

    class StatusHistoryModelView(ModelView):
        datamodel = SQLAInterface(StatusHistory)
        list_columns = ["created_at", "action", "from_status", "to_status", "actor",
                        "actor_role", "note"]
        base_order = ("id", "asc")

    class LoanRequestModelView(ModelView):
        datamodel = SQLAInterface(LoanRequest)
        route_base = "/loanrequestmodelview"
        label_columns = FIELD_LABELS
        list_columns = ["registration_number", "title", "institution",
                        "schedule_summary", "status_label", "created_at"]
        search_columns = ["registration_number", "title", "institution", "status",
                          "letter_number"]
        order_columns = ["registration_number", "title", "created_at"]
        base_order = ("created_at", "desc")
        show_columns = [
            "registration_number", "kind_label", "status_label", "room", "title",
            "description", "participants", "no_buffet_pledge", "rejection_reason",
            "cancellation_reason", "institution", "borrower", "contact_name",
            "contact_phone", "letter_number", "letter_date", "subject", "created_at"]
        related_views = [LoanSessionModelView, StatusHistoryModelView]

    return LoanRequestModelView, LoanSessionModelView, StatusHistoryModelView


def create_app(database_url):
    from app.platform.extensions import db

    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="bench-only",
        WTF_CSRF_ENABLED=False,  # the bench posts the login form
        BABEL_DEFAULT_LOCALE="id", BABEL_DEFAULT_TIMEZONE="Asia/Pontianak",
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(PROJECT_DIR, "translations"),
        LANGUAGES={"id": {"flag": "id", "name": "Indonesia"},
                   "en": {"flag": "gb", "name": "English"}},
    )
    db.init_app(app)
    with app.app_context():
        appbuilder = AppBuilder()
        appbuilder.init_app(app, db.session)
        loans, sessions, history = _views()
        appbuilder.add_view(loans, "Loan Requests", category="Loans")
        appbuilder.add_view_no_menu(sessions)
        appbuilder.add_view_no_menu(history)
    return app


def panel(database_url, username, password):
    return flask_panel(
        "stock Flask-AppBuilder", create_app(database_url), "/login/", username, password,
        list_urls("/loanrequestmodelview/list/", "page_LoanRequestModelView",
                  "_flt_2_title"),
        lambda pk: f"/loanrequestmodelview/show/{pk}")
