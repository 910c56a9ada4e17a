"""Staff documents over the REST API: the loan register (PDF, Excel) and the
annual report (PDF).

The same parameters, checks and builders as the Laporan pages
(app/web/views/loan_register.py, app/web/views/annual_report.py) and the same
permissions: ``can_register`` goes with the loan register page,
``can_annual_report`` with the annual report (app/security/roles.py);
borrowers get 403.
"""
import io

from flask import request, send_file
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import permission_name, protect

from app.api.common import (
    ERROR_SCHEMAS,
    PDF,
    QUERY_DATE,
    ApiBase,
    ApiError,
    api_errors,
    openapi,
    query,
)
from app.documents import annual
from app.documents.annual_data import FIRST_YEAR, YearError, annual_data, parse_year
from app.documents.register_data import MAX_YEARS, SelectionError, parse_selection
from app.documents.register_files import FORMATS
from app.models import InstitutionKind, LoanStatus
from app.platform.timeutil import to_local, utcnow


def _register_spec(kind, name):
    return openapi(
        "get", f"The loan register (Daftar Peminjaman) as {name}",
        (200, "The register", {FORMATS[kind][1]: {
            "schema": {"type": "string", "format": "binary"}}}),
        errors=(422,), parameters=[
            query("start", QUERY_DATE), query("end", QUERY_DATE),
            query("status", {"type": "string", "enum": ["", *LoanStatus.codes()]}),
            query("kind", {"type": "string", "enum": ["", *InstitutionKind.codes()]},
                  "The kind of institution")],
        description="The loans with a scheduled session starting in [start, end] "
        "(office dates, WIB). Without dates the current month; a start alone runs "
        "to the end of its month, an end alone from the start of its month; at most "
        f"{MAX_YEARS} years.")


def _invalid(error, default_field):
    return ApiError.invalid({error.field or default_field: [str(error)]})


class DocumentApi(ApiBase, BaseApi):
    resource_name = "documents"
    base_permissions = ["can_register", "can_annual_report"]
    openapi_spec_tag = "Documents"
    openapi_spec_component_schemas = ERROR_SCHEMAS

    def _register(self, kind):
        args = request.args
        try:
            selection = parse_selection(args.get("start"), args.get("end"),
                                        args.get("status"), args.get("kind"),
                                        to_local(utcnow()).date())
        except SelectionError as error:
            raise _invalid(error, "start") from None
        render, mimetype = FORMATS[kind]
        return send_file(io.BytesIO(render(selection)), mimetype=mimetype,
                         as_attachment=True,
                         download_name=f"daftar-peminjaman-{selection.slug}.{kind}")

    @expose("/register.pdf", methods=["GET"])
    @protect()
    @safe
    @api_errors
    @permission_name("register")
    @_register_spec("pdf", "PDF")
    def register_pdf(self):
        return self._register("pdf")

    @expose("/register.xlsx", methods=["GET"])
    @protect()
    @safe
    @api_errors
    @permission_name("register")
    @_register_spec("xlsx", "Excel")
    def register_xlsx(self):
        return self._register("xlsx")

    @expose("/annual-report/<year>.pdf", methods=["GET"])
    @protect()
    @safe
    @api_errors
    @permission_name("annual_report")
    @openapi("get", "The annual report of a year as PDF", (200, "The report", PDF),
             errors=(422,), parameters=[{
                 "in": "path", "name": "year", "required": True,
                 "schema": {"type": "integer", "minimum": FIRST_YEAR}}],
             description="Figures by first session in WIB, with the Kabid's and the "
             "Kasi's narrative sections. Years from 2000 to next year (a later one "
             "is refused at year, 422).")
    def annual_report(self, year):
        """The annual report (Laporan Tahunan) of a year as PDF."""
        try:
            year = parse_year(year)
        except YearError as error:
            raise ApiError.invalid({"year": [str(error)]}) from None
        pdf = annual.render(annual_data(year))
        return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=f"laporan-tahunan-pontive-center-{year}.pdf")
