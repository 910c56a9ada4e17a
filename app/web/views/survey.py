"""Survei Kepuasan Masyarakat: the borrower's questionnaire for a completed
request, and the index page and printed report for the Kasi and the Kabid.

The questionnaire, the index and its periods are app/domain/survey.py's;
here they are only shown and the form's fields handed to it. The staff's
page shows figures only: no page lists who answered, or what one
respondent said beside who they are.
"""
import io

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.documents import survey_report
from app.domain import survey
from app.models import LoanRequest
from app.platform.extensions import db
from app.platform.timeutil import to_local, utcnow
from app.security.scope import can_see_loan


def _score(text):
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) == 1 else None


def survey_input(form):
    """The domain's input from the posted form (a missing or odd value is
    the domain's to refuse, with its message)."""
    return survey.SurveyInput(
        scores={element.code: _score(form.get(element.code)) for element in survey.ELEMENTS},
        **{name: form.get(name, "")[:40] for name, *_ in survey.PROFILE},
        suggestion=form.get("suggestion", ""),
    )


class SurveyView(BaseView):
    """The questionnaire of one completed request, for its borrower."""

    route_base = "/survey"
    default_view = "answer"

    @expose("/answer/<int:pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("answer")
    def answer(self, pk):
        loan = db.session.get(LoanRequest, pk)
        if loan is None or not can_see_loan(loan, g.user):
            abort(404)
        refusal = survey.refusal(loan, g.user)
        if refusal is not None:
            flash(str(refusal), "info")
            return redirect(url_for("LoanRequestView.show", pk=loan.id))
        errors, values = {}, {}
        if request.method == "POST":
            data = survey_input(request.form)
            try:
                survey.answer(loan, g.user, data)
                db.session.commit()
            except survey.SurveyInputError as error:
                db.session.rollback()
                errors = error.errors
            except survey.SurveyError as error:
                db.session.rollback()
                flash(str(error), "info")
                return redirect(url_for("LoanRequestView.show", pk=loan.id))
            else:
                flash(gettext("Thank you: your answers have been recorded, without your "
                              "name."), "success")
                return redirect(url_for("LoanRequestView.show", pk=loan.id))
            values = {**data.scores, "suggestion": data.suggestion,
                      **{name: getattr(data, name) for name, *_ in survey.PROFILE}}
        page = self.render_template(
            "survey/form.html", title=_l("Satisfaction survey"), loan=loan,
            elements=survey.ELEMENTS, profile=survey.PROFILE, errors=errors,
            values=values, max_chars=survey.SUGGESTION_MAX_CHARS)
        return page, 400 if errors else 200


class SurveyReportView(BaseView):
    """The index per month, quarter and year, per element, and its report."""

    route_base = "/reports/survey"
    default_view = "index"
    title = _l("Satisfaction survey")

    def _period(self):
        try:
            return survey.parse_period(request.args.get("period")), None
        except survey.PeriodError as error:
            return None, str(error)

    @expose("/")
    @has_access
    def index(self):
        period, error = self._period()
        year = period.year if period else to_local(utcnow()).year
        indexes = survey.monthly_indexes(year)
        page = self.render_template(
            "survey/report.html", title=self.title, period=period, error=error,
            year=year, years=list(range(to_local(utcnow()).year + 1,
                                        survey.FIRST_YEAR - 1, -1))[:10],
            periods=survey.periods_of(year), months=survey.periods_of(year)[5:],
            quarters=survey.periods_of(year)[1:5], indexes=indexes,
            chosen=survey.index_for(period) if period else None,
            profile=survey.profile_for(period) if period else None,
            suggestions=survey.suggestions_for(period) if period else [],
            categories=survey.CATEGORIES, weight=survey.WEIGHT,
            as_number=survey.as_number)
        return page, 400 if error else 200

    @expose("/download")
    @has_access
    def download(self):
        period, error = self._period()
        if error:
            flash(error, "danger")
            return redirect(url_for(".index"))
        pdf = survey_report.render(survey_report.report_data(period))
        return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                         download_name=f"laporan-skm-pontive-center-{period.code}.pdf")
