"""Kerusakan Perlengkapan: equipment damage reports, from the report to the
repair. Staff report damage; the Admin Pontive Center (and the Admin) take
each report through its steps; app/domain/equipment_care.py decides and records."""
import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, StopValidation

from app.domain import equipment_care
from app.domain.text_limits import DAMAGE_DESCRIPTION, DAMAGE_NOTE
from app.fab.forms import PanelForm
from app.fab.interface import EagerInterface
from app.fab.model_view import ScopedModelView
from app.models import DamageReport, DamageStatus, Equipment
from app.platform.extensions import db
from app.platform.formatting import format_datetime, format_duration, or_dash
from app.web.forms import (
    WithinLimit,
    date_search_field,
    limit_help,
    shown_as_field_error,
)


def _no_open_report(form, field):
    """One open report per item: a second one is pointed to the first."""
    if field.data is None:
        return
    existing = equipment_care.open_reports([field.data.id]).get(field.data.id)
    if existing is not None:
        raise StopValidation(shown_as_field_error(gettext(
            "The damage of %(equipment)s was already reported on %(when)s and is "
            "%(status)s.", equipment=field.data,
            when=format_datetime(existing.reported_at),
            status=existing.status_label)))


def _loan_link(loan):
    return Markup('<a href="{}">{}</a>').format(
        url_for("LoanRequestView.show", pk=loan.id), loan)


class StepForm(PanelForm):
    note = TextAreaField(_l("Note"), validators=[
        DataRequired(_l("Write a note on this step (what was found or done).")),
        WithinLimit(DAMAGE_NOTE)], description=limit_help(DAMAGE_NOTE))


class DamageReportView(ScopedModelView):
    datamodel = EagerInterface(
        DamageReport,
        list_loads=[joinedload(DamageReport.equipment).joinedload(Equipment.room),
                    joinedload(DamageReport.reporter)],
        choices={"status": DamageStatus},
        sort_keys={
            "equipment": sa.select(Equipment.name)
            .where(Equipment.id == DamageReport.equipment_id).scalar_subquery(),
            "status_label": DamageStatus.sort_key(DamageReport.status),
        },
    )
    route_base = "/damage"
    base_permissions = ["can_list", "can_show", "can_add", "can_step"]
    base_order = ("reported_at", "desc")

    list_title = _l("Equipment damage")
    show_title = _l("Damage report")
    add_title = _l("Report damage")
    label_columns = {
        "equipment": _l("Equipment"),
        "room": _l("Room"),
        "description": _l("What is damaged"),
        "reporter": _l("Reported by"),
        "reported_at": _l("Reported at"),
        "status": _l("Status"),
        "status_label": _l("Status"),
        "open_for": _l("Open for"),
        "repaired_at": _l("Repaired at"),
        "repair_notes": _l("Repair notes"),
        "loan": _l("Found during request"),
    }
    list_columns = ["equipment", "room", "description", "reporter", "reported_at",
                    "status_label", "open_for"]
    show_columns = ["equipment", "room", "description", "reporter", "reported_at",
                    "status_label", "open_for", "repaired_at", "repair_notes", "loan"]
    add_columns = ["equipment", "description"]
    search_columns = ["equipment", "status", "reported_at"]
    order_columns = ["equipment", "reported_at", "status_label"]
    search_form_extra_fields = {
        "status": SelectField(_l("Status"), choices=DamageStatus.choices()),
        "reported_at": date_search_field(_l("Reported at"))}
    formatters_columns = {
        "reported_at": format_datetime,
        "repaired_at": lambda value: format_datetime(value) or "—",
        "open_for": format_duration,
        "repair_notes": or_dash,
        "loan": lambda loan: _loan_link(loan) if loan else "—",
    }
    validators_columns = {
        "equipment": [InputRequired(), _no_open_report],
        "description": [InputRequired(), WithinLimit(DAMAGE_DESCRIPTION)],
    }
    description_columns = {
        "description": limit_help(DAMAGE_DESCRIPTION, _l(
            "What is wrong, as precisely as you can: the Admin Pontive Center "
            "repairs it from this.")),
    }
    show_template = "damage/show.html"

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = self.add_form.refresh()
        if request.method == "GET" and request.args.get("equipment", "").isdigit():
            form.equipment.data = db.session.get(Equipment,
                                                 int(request.args["equipment"]))
        if request.method == "POST" and form.validate():
            report = equipment_care.report_damage(form.equipment.data, g.user,
                                                  form.description.data)
            db.session.commit()
            flash(gettext("The damage of %(equipment)s has been reported.",
                          equipment=report.equipment), "success")
            return redirect(url_for(".show", pk=report.id))
        return self.render_template(self.add_template, title=self.add_title,
                                    widgets=self.add_page_widgets(form))

    def _render_show(self, report, form, refusal=None):
        return self.render_template(
            self.show_template, pk=report.id, title=self.show_title,
            widgets=self.show_page_widgets(report), report=report,
            steps=[(status, equipment_care.STEP_LABELS[status])
                   for status in equipment_care.next_statuses(report)],
            may_step=self.appbuilder.sm.has_access("can_step",
                                                   self.class_permission_name),
            form=form, refusal=refusal,
        )

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        return self._render_show(self.scoped_get(pk), StepForm())

    @expose("/step/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("step")
    def step(self, pk):
        """The next step of a report, with its note."""
        report = db.session.get(DamageReport, pk)
        if report is None:
            abort(404)
        form = StepForm()
        if not form.validate():
            return self._render_show(report, form)
        status = request.form.get("status", "")
        try:
            equipment_care.advance(report, status, g.user, form.note.data)
            db.session.commit()
        except equipment_care.DamageStepError as error:
            db.session.rollback()
            return self._render_show(report, form, refusal=str(error))
        flash(gettext("%(equipment)s: %(status)s.", equipment=report.equipment,
                      status=report.status_label), "success")
        return redirect(url_for(".show", pk=report.id))


def report_damage_button(equipment_id):
    """The equipment list's "Laporkan kerusakan" button, for those who may."""
    if not current_app.appbuilder.sm.has_access("can_add", "DamageReportView"):
        return ""
    return Markup('<a class="btn btn-xs btn-warning pontive-report-damage" '
                  'href="{}"><i class="fa fa-wrench"></i> {}</a>').format(
        url_for("DamageReportView.add", equipment=equipment_id),
        gettext("Report damage"))
