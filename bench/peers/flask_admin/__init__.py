"""Flask-Admin over the bench's database: a ModelView of the project's own
SQLAlchemy models, configured as a Flask-Admin user would for this list
(the same columns, the institution joined and the sessions loaded with
the rows, 25 a page, newest first, the activity searched, status and
institution as filters; the request's page is Flask-Admin's details view,
its sessions and history listed), behind Flask-Login with the bench's
``admin`` account signed in. Flask-Admin ships no Indonesian catalog:
its own texts are English.

This package is ``peers.flask_admin``; ``import flask_admin`` below is the
library (bench/peers must not be on ``sys.path``)."""
import os

from flask import Flask, abort, redirect, request
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import Babel
from flask_login import LoginManager, current_user, login_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.security import check_password_hash

from peers.panel import flask_panel, list_urls

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
LABELS = {
    "registration_number": "Nomor registrasi", "title": "Kegiatan",
    "institution": "Instansi", "schedule_summary": "Jadwal", "status": "Status",
    "created_at": "Diajukan pada", "kind": "Jenis", "room": "Ruang",
    "description": "Keterangan", "participants": "Jumlah peserta",
    "no_buffet_pledge": "Pernyataan tanpa prasmanan", "borrower": "Peminjam",
    "contact_name": "Narahubung", "contact_phone": "Telepon narahubung",
    "letter_number": "Nomor surat", "letter_date": "Tanggal surat",
    "subject": "Perihal", "rejection_reason": "Alasan penolakan",
    "cancellation_reason": "Alasan pembatalan", "sessions": "Sesi",
    "history": "Riwayat",
}


def _listed(rows):
    return Markup("<ul>") + Markup("").join(
        Markup("<li>") + escape(row) + Markup("</li>") for row in rows) + Markup("</ul>")


def _formatting():
    from app.platform import formatting

    return formatting


def _history(_view, _context, loan, _name):
    return _listed(f"{_formatting().format_datetime(h.created_at)}: {h.action} "
                   f"({h.from_status or '-'} → {h.to_status}), {h.actor or '-'}"
                   for h in loan.history)


class LoanRequestAdmin(ModelView):
    can_create = can_edit = can_delete = False
    can_view_details = True
    page_size = 25
    column_list = ("registration_number", "title", "institution", "schedule_summary",
                   "status", "created_at")
    column_labels = LABELS
    column_searchable_list = ("title",)
    column_sortable_list = ("registration_number", "title", "created_at")
    column_default_sort = ("created_at", True)
    column_details_list = (
        "registration_number", "kind", "status", "room", "title", "description",
        "participants", "no_buffet_pledge", "rejection_reason", "cancellation_reason",
        "institution", "borrower", "contact_name", "contact_phone", "letter_number",
        "letter_date", "subject", "created_at", "sessions", "history")
    column_formatters = {
        "status": lambda v, c, loan, n: loan.status_label,
        "created_at": lambda v, c, loan, n: _formatting().format_datetime(loan.created_at),
    }
    column_formatters_detail = {
        **column_formatters,
        "kind": lambda v, c, loan, n: loan.kind_label,
        "letter_date": lambda v, c, loan, n: _formatting().format_date(loan.letter_date),
        "no_buffet_pledge": lambda v, c, loan, n: _formatting().yes_no(
            loan.no_buffet_pledge),
        "sessions": lambda v, c, loan, n: loan.schedule_summary,
        "history": _history,
    }

    def __init__(self, model, session, **kwargs):
        from app.models import Institution, LoanRequest, LoanStatus

        self.column_filters = (
            FilterEqual(LoanRequest.status, "Status", options=LoanStatus.choices()),
            FilterEqual(LoanRequest.institution_id, "Instansi",
                        options=Institution.options),
        )
        super().__init__(model, session, **kwargs)

    def is_accessible(self):
        return current_user.is_authenticated and current_user.is_active

    def inaccessible_callback(self, name, **kwargs):
        return redirect("/login")

    def get_query(self):
        from app.models import LoanRequest

        return super().get_query().options(joinedload(LoanRequest.institution),
                                           selectinload(LoanRequest.sessions))

    def get_one(self, id):
        # The details view's row with what it shows (Flask-Admin's
        # documented override; its default loads each relation on its own).
        from app.models import LoanRequest, StatusHistory

        return super().get_query().options(
            joinedload(LoanRequest.institution), joinedload(LoanRequest.room),
            joinedload(LoanRequest.borrower), selectinload(LoanRequest.sessions),
            selectinload(LoanRequest.history).joinedload(StatusHistory.actor),
        ).filter(LoanRequest.id == int(id)).one_or_none()


def create_app(database_url):
    from flask_appbuilder.security.sqla.models import User

    from app.models import LoanRequest
    from app.platform.extensions import db

    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="bench-only",
        BABEL_DEFAULT_LOCALE="id", BABEL_DEFAULT_TIMEZONE="Asia/Pontianak",
        # The models' labels (statuses) in the project's Indonesian.
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(PROJECT_DIR, "translations"))
    db.init_app(app)
    Babel(app)
    logins = LoginManager(app)
    logins.user_loader(lambda user_id: db.session.get(User, int(user_id)))

    @app.post("/login")
    def login():
        user = db.session.query(User).filter_by(username=request.form["username"]).first()
        if user is None or not check_password_hash(user.password, request.form["password"]):
            abort(403)
        login_user(user)
        return redirect("/admin/")

    with app.app_context():  # Flask-Admin reads the filters' options here, once
        admin = Admin(app, name="Pontive Center")
        admin.add_view(LoanRequestAdmin(LoanRequest, db.session, name="Permohonan",
                                        endpoint="loanrequest"))
    return app


def panel(database_url, username, password):
    return flask_panel(
        "Flask-Admin", create_app(database_url), "/login", username, password,
        list_urls("/admin/loanrequest/", "page", "search"),
        lambda pk: f"/admin/loanrequest/details/?id={pk}")
