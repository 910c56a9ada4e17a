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

from app.api.common import ERROR_SCHEMAS, ApiBase, ApiError, api_errors
from app.documents import annual
from app.documents.annual_data import YearError, annual_data, parse_year
from app.documents.register_data import SelectionError, parse_selection
from app.documents.register_files import FORMATS
from app.platform.timeutil import to_local, utcnow

_REGISTER_SPEC = """
        get:
          summary: The loan register (Daftar Peminjaman) as {name}
          description: >-
            The loans with a scheduled session starting in [start, end]
            (office dates, WIB). Without dates the current month; a start
            alone runs to the end of its month, an end alone from the start of
            its month; at most 5 years.
          parameters:
          - in: query
            name: start
            schema:
              type: string
              format: date
          - in: query
            name: end
            schema:
              type: string
              format: date
          - in: query
            name: status
            schema:
              type: string
          - in: query
            name: kind
            description: The kind of institution
            schema:
              type: string
          responses:
            200:
              description: The register
              content:
                {mimetype}:
                  schema:
                    type: string
                    format: binary
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            422:
              $ref: '#/components/responses/422'
"""


def _register_spec(kind, name):
    return "The loan register as {}.\n        ---{}".format(
        name, _REGISTER_SPEC.format(name=name, mimetype=FORMATS[kind][1]))


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
    def register_pdf(self):
        return self._register("pdf")

    register_pdf.__doc__ = _register_spec("pdf", "PDF")

    @expose("/register.xlsx", methods=["GET"])
    @protect()
    @safe
    @api_errors
    @permission_name("register")
    def register_xlsx(self):
        return self._register("xlsx")

    register_xlsx.__doc__ = _register_spec("xlsx", "Excel")

    @expose("/annual-report/<year>.pdf", methods=["GET"])
    @protect()
    @safe
    @api_errors
    @permission_name("annual_report")
    def annual_report(self, year):
        """The annual report (Laporan Tahunan) of a year as PDF.
        ---
        get:
          summary: The annual report of a year as PDF
          description: >-
            Figures by first session in WIB, with the Kabid's and the Kasi's
            narrative sections. Years from 2000 to next year.
          parameters:
          - in: path
            name: year
            required: true
            schema:
              type: integer
          responses:
            200:
              description: The report
              content:
                application/pdf:
                  schema:
                    type: string
                    format: binary
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            422:
              $ref: '#/components/responses/422'
        """
        try:
            year = parse_year(year)
        except YearError as error:
            raise ApiError.invalid({"year": [str(error)]}) from None
        pdf = annual.render(annual_data(year))
        return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=f"laporan-tahunan-pontive-center-{year}.pdf")
