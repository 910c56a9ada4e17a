"""Laporan Tahunan: staff choose a year and download the annual report; the
Kabid and the Kasi write its narrative sections here. The figures and the
PDF are made in app/documents/; this view only checks the year and the
texts, saves them and sends the file."""
import io

from flask import flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from app.documents import annual
from app.documents.annual_data import (
    FIRST_YEAR,
    NARRATIVE_MAX_CHARS,
    NarrativeError,
    YearError,
    annual_data,
    first_year_with_data,
    narrative_rows,
    parse_year,
    save_narratives,
)
from app.fab.forms import PanelForm
from app.models import NarrativeSection
from app.platform.extensions import db
from app.platform.timeutil import to_local, utcnow


def _narrative_field(section):
    return TextAreaField(
        NarrativeSection.label(section),
        validators=[Length(max=NARRATIVE_MAX_CHARS, message=_l(
            "At most %(max)d characters.", max=NARRATIVE_MAX_CHARS))],
        render_kw={"rows": 6})


class NarrativeForm(PanelForm):
    """The three narrative sections of one year's report."""

    pendahuluan = _narrative_field(NarrativeSection.INTRODUCTION)
    kendala = _narrative_field(NarrativeSection.OBSTACLES)
    rekomendasi = _narrative_field(NarrativeSection.RECOMMENDATIONS)

    def texts(self):
        return {section: self[section].data or "" for section in NarrativeSection.codes()}


class AnnualReportView(BaseView):
    route_base = "/reports/annual"
    default_view = "index"
    title = _l("Annual report")

    @expose("/")
    @has_access
    def index(self):
        try:
            year = parse_year(request.args.get("year"))
        except YearError as error:
            return self._page(None, errors=[str(error)])
        return self._page(year)

    @expose("/download")
    @has_access
    def download(self):
        try:
            year = parse_year(request.args.get("year"))
        except YearError as error:
            return self._page(None, errors=[str(error)])
        pdf = annual.render(annual_data(year))
        return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=f"laporan-tahunan-pontive-center-{year}.pdf")

    @expose("/narratives", methods=["POST"])
    @has_access
    def narratives(self):
        try:
            year = parse_year(request.args.get("year"))
        except YearError as error:
            return self._page(None, errors=[str(error)])
        form = NarrativeForm(request.form)
        if not form.validate():
            return self._page(year, form=form)
        try:
            save_narratives(year, form.texts(), g.user)
            db.session.commit()
        except NarrativeError as error:
            db.session.rollback()
            return self._page(year, form=form, errors=[str(error)])
        flash(gettext("The narrative sections of %(year)d have been saved.", year=year),
              "success")
        return redirect(url_for(".index", year=year))

    def _page(self, year, form=None, errors=()):
        """The page of ``year`` (None: a refused year), 400 with ``errors`` or
        a form that did not validate."""
        this_year = to_local(utcnow()).year
        rows = narrative_rows(year) if year is not None else {}
        can_write = self.appbuilder.sm.has_access("can_narratives", self.class_permission_name)
        if form is None and can_write and year is not None:
            form = NarrativeForm(formdata=None, data={
                section: row.text for section, row in rows.items()})
        failed = bool(errors) or (form is not None and bool(form.errors))
        page = self.render_template(
            "reports/annual_report.html",
            title=self.title,
            year=year,
            years=sorted({*range(max(FIRST_YEAR, first_year_with_data()), this_year + 2),
                          *([year] if year else [])}, reverse=True),
            errors=errors,
            max_chars=NARRATIVE_MAX_CHARS,
            form=form if can_write else None,
            sections=[(code, label, rows.get(code)) for code, label in
                      NarrativeSection.choices()],
        )
        return page, 400 if failed else 200
