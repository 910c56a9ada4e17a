"""Daftar Peminjaman: staff choose a period and filters, and download the
register as PDF or Excel. The view only checks the parameters and sends the
file; the documents are made in app/documents/."""
import io

from flask import request, send_file
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.documents.register_data import MAX_YEARS, SelectionError, parse_selection
from app.documents.register_files import FORMATS
from app.models import InstitutionKind, LoanStatus
from app.platform.timeutil import to_local, utcnow


class LoanRegisterView(BaseView):
    route_base = "/reports/loan-register"
    default_view = "index"
    title = _l("Loan register")

    @expose("/")
    @has_access
    def index(self):
        args = request.args
        errors = []
        selection = None
        try:
            selection = parse_selection(args.get("start"), args.get("end"),
                                        args.get("status"), args.get("kind"),
                                        to_local(utcnow()).date())
        except SelectionError as error:
            errors.append(str(error))
        kind = args.get("format")
        if kind is not None and kind not in FORMATS:
            errors.append(gettext("Choose PDF or Excel."))
        if kind is not None and not errors:
            render, mimetype = FORMATS[kind]
            return send_file(
                io.BytesIO(render(selection)), mimetype=mimetype, as_attachment=True,
                download_name=f"daftar-peminjaman-{selection.slug}.{kind}")
        page = self.render_template(
            "reports/loan_register.html",
            title=self.title,
            errors=errors,
            start=(selection.first.isoformat() if selection
                   else args.get("start", "")[:40]),
            end=selection.last.isoformat() if selection else args.get("end", "")[:40],
            status=args.get("status", ""),
            kind=args.get("kind", ""),
            statuses=LoanStatus.choices(),
            kinds=InstitutionKind.choices(),
            max_years=MAX_YEARS,
        )
        return page, 400 if errors else 200
