"""Registers the app's views, menus and API with Flask-AppBuilder."""
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from app.api.availability import AvailabilityApi
from app.api.common import install_token_errors
from app.api.documents import DocumentApi
from app.api.loans import LoanRequestApi
from app.api.rooms import RoomApi
from app.platform.errors import http_error
from app.web.views.about import AboutSopView
from app.web.views.agenda import AgendaView, CalendarFeedView
from app.web.views.annual_report import AnnualReportView
from app.web.views.availability import AvailabilityView
from app.web.views.borrower_accounts import BorrowerAccountView
from app.web.views.complaints import ComplaintView
from app.web.views.damage import DamageReportView
from app.web.views.loan_register import LoanRegisterView
from app.web.views.loans import LoanRequestView
from app.web.views.master_data import (
    ClosedDateView,
    EquipmentView,
    InstitutionView,
    RoomView,
)
from app.web.views.notices import NoticeView
from app.web.views.password_reset import PasswordResetView
from app.web.views.public import PublicServiceView
from app.web.views.registration import RegistrationView
from app.web.views.survey import SurveyReportView, SurveyView
from app.web.views.tasks import TasksView
from app.web.views.verification import VerificationView


def _recover_request_form(app, loans):
    """A POST of the request form refused before its view (a stale CSRF
    token, a body too large) gets the form back, not an error page (Flask's
    error handlers: the most specific class wins over the app's HTTPException
    page, app/platform/errors.py)."""
    def recover(error):
        if request.method == "POST" and request.endpoint == "LoanRequestView.add":
            page = loans.add_refused_early(error)
            if page is not None:
                return page
        return http_error(error)

    app.register_error_handler(CSRFError, recover)
    app.register_error_handler(RequestEntityTooLarge, recover)


def register_views(appbuilder):
    appbuilder.add_view(
        TasksView, "My Tasks", label=_l("My tasks"), icon="fa-tasks",
    )
    loans = appbuilder.add_view(
        LoanRequestView, "Loan Requests", label=_l("Loan requests"),
        icon="fa-calendar", category="Loans", category_label=_l("Loans"),
        category_icon="fa-calendar",
    )
    _recover_request_form(current_app, loans)
    appbuilder.add_view(
        AvailabilityView, "Room Availability", label=_l("Room availability"),
        icon="fa-calendar-check-o", category="Loans",
    )
    appbuilder.add_view(
        AgendaView, "Agenda", label=_l("Agenda"), icon="fa-calendar-o",
        category="Loans",
    )
    appbuilder.add_view(
        CalendarFeedView, "Calendar Subscription", label=_l("Calendar subscription"),
        icon="fa-rss", category="Loans",
    )
    appbuilder.add_view(
        RoomView, "Rooms", label=_l("Rooms"), icon="fa-building",
        category="Master Data", category_label=_l("Master data"),
        category_icon="fa-database",
    )
    appbuilder.add_view(
        EquipmentView, "Equipment", label=_l("Equipment"), icon="fa-desktop",
        category="Master Data",
    )
    appbuilder.add_view(
        DamageReportView, "Equipment Damage", label=_l("Equipment damage"),
        icon="fa-wrench", category="Master Data",
    )
    appbuilder.add_view(
        InstitutionView, "Institutions", label=_l("Institutions"), icon="fa-university",
        category="Master Data",
    )
    appbuilder.add_view(
        ClosedDateView, "Unavailable Dates", label=_l("Unavailable dates"),
        icon="fa-calendar-times-o", category="Master Data",
    )
    appbuilder.add_view(
        BorrowerAccountView, "Borrower Accounts", label=_l("Borrower accounts"),
        icon="fa-id-card-o", category="Master Data",
    )
    appbuilder.add_view(
        LoanRegisterView, "Loan Register", label=_l("Loan register"),
        icon="fa-list-alt", category="Reports", category_label=_l("Reports"),
        category_icon="fa-file-text-o",
    )
    appbuilder.add_view(
        AboutSopView, "About the SOP", label=_l("About the SOP"),
        icon="fa-info-circle",
    )
    appbuilder.add_view(
        AnnualReportView, "Annual Report", label=_l("Annual report"),
        icon="fa-bar-chart", category="Reports", category_label=_l("Reports"),
        category_icon="fa-file-text-o",
    )
    appbuilder.add_view(
        ComplaintView, "Complaints", label=_l("Complaints"), icon="fa-commenting-o",
    )
    appbuilder.add_view(
        SurveyReportView, "Satisfaction Survey", label=_l("Satisfaction survey"),
        icon="fa-smile-o", category="Reports", category_label=_l("Reports"),
        category_icon="fa-file-text-o",
    )
    appbuilder.add_view_no_menu(SurveyView)
    appbuilder.add_view_no_menu(NoticeView)  # reached from the navbar's bell
    appbuilder.add_view_no_menu(PublicServiceView)  # public: no permission
    appbuilder.add_view_no_menu(RegistrationView)  # public: no permission
    appbuilder.add_view_no_menu(PasswordResetView)  # public: no permission
    appbuilder.add_view_no_menu(VerificationView)  # public: no permission
    appbuilder.add_api(LoanRequestApi)
    appbuilder.add_api(RoomApi)
    appbuilder.add_api(AvailabilityApi)
    appbuilder.add_api(DocumentApi)
    install_token_errors(appbuilder)  # 401, in Indonesian, for any bad token
