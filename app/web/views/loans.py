"""Loan request pages: the list, the detail with its timeline, the borrower's
submission form, the letter download, the printed documents of one request
(disposition sheet, confirmation letter), and the form of each SOP step."""
import io
from datetime import date, datetime, time

import sqlalchemy as sa
from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_appbuilder.actions import action
from flask_appbuilder.baseviews import expose
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import joinedload
from wtforms import SelectField

from app.documents import confirmation as confirmation_letter
from app.documents import disposition as disposition_sheet
from app.documents.ical import request_file_ready
from app.domain import (
    alternatives,
    borrower_words,
    equipment_care,
    inbox,
    letters,
    submission,
    survey,
    timeline,
    workflow,
)
from app.domain.refusals import InputRefused, Refusal
from app.domain.scheduling import recurrence
from app.domain.scheduling.rules import ClosedDays
from app.domain.scheduling.settings import ScheduleSettings
from app.domain.step_inputs import ProposeInput
from app.fab.lean_list import ListInterface
from app.fab.model_view import ScopedModelView
from app.fab.search_form import RememberedSearchWidget
from app.fab.show_widget import FieldsetsShowWidget
from app.models import (
    DamageReport,
    Institution,
    LoanKind,
    LoanRequest,
    LoanSession,
    LoanStatus,
    Room,
    StatusHistory,
)
from app.models.loans import FIELD_LABELS
from app.platform.extensions import db
from app.platform.formatting import (
    format_date,
    format_datetime,
    format_session,
    names,
    yes_no,
)
from app.platform.timeutil import from_local, to_local, utcnow
from app.security.scope import LoanScopeFilter
from app.web.forms import INPUT_FORMAT, date_search_field, shown_as_field_error
from app.web.views import loan_form, step_forms
from app.web.views.agenda import loan_calendar_file
from app.web.views.availability import clash_panel, proposed_sessions


def alternative_label(alternative, state):
    """A borrower's alternative time with its availability now."""
    return gettext("%(time)s — %(state)s",
                   time=format_session(alternative.starts_at, alternative.ends_at),
                   state=alternatives.AVAILABILITY_LABELS[state])


def _named_options(kind):
    """(id as text, name) of every room or institution, by name, for the
    list's filters: both read by one statement a page."""
    found = g.get("loan_filter_options")
    if found is None:
        both = sa.union_all(*(
            sa.select(sa.literal(name).label("kind"), model.id.label("id"),
                      model.name.label("name"))
            for name, model in (("room", Room), ("institution", Institution))
        )).subquery()
        found = g.loan_filter_options = {"room": [], "institution": []}
        for row in db.session.execute(sa.select(both).order_by(both.c.name)):
            found[row.kind].append((str(row.id), row.name))
    return found[kind]


class LoanRequestView(ScopedModelView):
    datamodel = ListInterface(
        LoanRequest,
        # A page's rows with their sessions and institution: one statement.
        list_loads=[joinedload(LoanRequest.sessions),
                    joinedload(LoanRequest.institution)],
        # What the request's page, its step forms and documents show, in
        # one statement: the sessions, the history, a proposal and the damage
        # found are a few rows each, joined to the request (the statement's
        # rows are their product). The equipment wanted is loaded when read,
        # by a plain lazy load: SQLite plans its many-to-many join beside
        # the other collections badly (7 ms instead of 0.7), and a select-in
        # load of it (or of the sessions) costs more than the lazy load. A declined proposal's alternative
        # times (a few rows, on few requests) come with the history's rows.
        show_loads=[joinedload(LoanRequest.institution),
                    joinedload(LoanRequest.room),
                    joinedload(LoanRequest.borrower),
                    joinedload(LoanRequest.sessions),
                    joinedload(LoanRequest.history).joinedload(StatusHistory.actor),
                    joinedload(LoanRequest.history)
                    .joinedload(StatusHistory.alternatives),
                    joinedload(LoanRequest.proposed_sessions),
                    joinedload(LoanRequest.damage_reports)
                    .joinedload(DamageReport.equipment)],
        # Searched by their labels, and the schedule by the days it starts.
        choices={"status": LoanStatus, "kind": LoanKind},
        schedules={"sessions": LoanSession.starts_at},
        # What the shown columns sort by: the institution's name, the first
        # session, the status in the SOP's order.
        sort_keys={
            "institution": sa.select(Institution.name)
            .where(Institution.id == LoanRequest.institution_id).scalar_subquery(),
            "schedule_summary": sa.select(sa.func.min(LoanSession.starts_at))
            .where(LoanSession.loan_id == LoanRequest.id,
                   LoanSession.proposed.is_(False)).scalar_subquery(),
            "status_label": LoanStatus.sort_key(LoanRequest.status),
        },
    )
    route_base = "/loans"
    base_filters = [["id", LoanScopeFilter, lambda: None]]
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_letter",
                        "can_step", "can_disposition", "can_confirmation"]
    base_order = ("created_at", "desc")

    list_title = _l("Loan requests")
    show_title = _l("Loan request")
    add_title = _l("Submit a loan request")
    edit_title = _l("Edit loan request")

    label_columns = FIELD_LABELS
    list_columns = ["registration_number", "title", "institution", "schedule_summary",
                    "status_label", "created_at"]
    search_columns = ["registration_number", "title", "status", "kind", "room",
                      "institution", "sessions", "letter_number"]
    order_columns = ["registration_number", "title", "institution", "schedule_summary",
                     "status_label", "created_at"]
    show_fieldsets = [
        (_l("Request"), {"fields": [
            "registration_number", "kind_label", "status_label", "room", "title",
            "description", "participants", "equipment_wanted", "no_buffet_pledge",
            "rejection_reason", "cancellation_reason"]}),
        (_l("Borrower"), {"fields": [
            "institution", "borrower", "contact_name", "contact_phone"]}),
        (_l("Letter"), {"fields": ["letter_number", "letter_date", "subject",
                                   "created_at"]}),
    ]
    add_columns = ["kind", "room", "title", "description", "participants",
                   "equipment_wanted", "sessions", "letter_number", "letter_date",
                   "subject", "letter", "contact_name", "contact_phone",
                   "no_buffet_pledge"]
    # Sessions, room and letter change through the SOP (reschedule), not here.
    edit_columns = ["title", "description", "participants", "equipment_wanted",
                    "letter_number", "letter_date", "subject", "contact_name",
                    "contact_phone"]
    add_form_extra_fields = loan_form.SUBMIT_FIELDS
    edit_form_extra_fields = loan_form.DETAIL_FIELDS
    add_form_query_rel_fields = {"room": [["is_active", FilterEqual, True]]}
    # Choices by their Indonesian labels. The room's and institution's from
    # one light statement (FAB's own fields build every row as an object on
    # every list page).
    search_form_extra_fields = {
        "status": SelectField(_l("Status"), choices=LoanStatus.choices()),
        "kind": SelectField(_l("Kind"), choices=LoanKind.choices()),
        "room": SelectField(_l("Room"), choices=lambda: _named_options("room"),
                            widget=Select2Widget()),
        "institution": SelectField(_l("Institution"),
                                   choices=lambda: _named_options("institution"),
                                   widget=Select2Widget()),
        "sessions": date_search_field(_l("Schedule")),
    }
    # The filter fields drawn once per language and set of institutions.
    search_widget = RememberedSearchWidget
    # Shown on the request's page only when they hold something (no
    # "Alasan penolakan —" on a request nobody rejected).
    optional_fields = ("description", "equipment_wanted", "rejection_reason",
                       "cancellation_reason")
    formatters_columns = {
        "created_at": format_datetime,
        "letter_date": format_date,
        "no_buffet_pledge": yes_no,
        "equipment_wanted": names,
    }
    show_template = "loans/show.html"
    # The fields without FAB's row actions: the page offers the SOP's steps.
    show_widget = FieldsetsShowWidget

    def row_editable(self, loan):
        return submission.may_edit(loan, g.user)

    def shown_fieldsets(self, loan):
        return [(name, {**spec, "fields": [
            field for field in spec["fields"]
            if field not in self.optional_fields or getattr(loan, field)]})
            for name, spec in self.show_fieldsets]

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        form = self.add_form.refresh()
        if request.method == "GET":
            _prefill(form, request.args)
        if request.method == "POST":
            loan_form.take_kept_letter(form, request.form)
            loan = self._run(form, loan_form.submit_input(form),
                             lambda data: submission.submit(g.user, data),
                             lambda data: submission.submit_errors(data, utcnow()))
            if loan is not None:
                loan_form.forget_kept_letter()
                flash(gettext("Request %(number)s has been submitted.",
                              number=loan.registration_number), "success")
                return redirect(url_for(".show", pk=loan.id))
            loan_form.keep_letter(form)
        return self._add_page(form)

    def _add_page(self, form, code=200):
        return self.render_template(self.add_template, title=self.add_title,
                                    widgets=self.add_page_widgets(form)), code

    def add_refused_early(self, error):
        """The request form again for a POST refused before :meth:`add` ran,
        or None when the user may not submit (the usual error page then).

        A stale CSRF token: the posted input is read again and shown, the
        letter kept, for the borrower to check and send. A body over
        MAX_CONTENT_LENGTH cannot be read at all: the form comes back with
        the letter's limit at its field (the browser's check, static/
        pontive.js, stops such a file before it is sent).
        """
        if "user" not in g:  # refused before FAB's before_request set it
            g.user = current_user
        if not (g.user.is_authenticated and self.appbuilder.sm.has_access(
                "can_add", self.class_permission_name)):
            return None
        if isinstance(error, CSRFError):
            form = self.add_form.refresh()  # from the posted input
            loan_form.take_kept_letter(form, request.form)
            loan_form.keep_letter(form)
            flash(gettext("The form had expired (it was open for a long time, or you "
                          "signed in again). Nothing has been submitted yet: check "
                          "your input below and send it again."), "warning")
            return self._add_page(form, 400)
        form = self.add_form(formdata=None)
        form.letter.errors = [shown_as_field_error(letters.too_large())]
        flash(gettext("The file chosen was too large, so the form could not be read. "
                      "Fill it in again with a letter of at most %(size)s.",
                      size=letters.max_size_text()), "danger")
        return self._add_page(form, 413)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        """The borrower corrects a request until the Kabid acts, through the
        domain's checks (app/domain/submission.py: edit)."""
        loan = self.scoped_get(pk)
        try:  # refuse before showing a form that could not succeed
            submission.check_edit(loan, g.user)
        except Refusal as refusal:
            flash(refusal.message, "warning")
            return redirect(url_for(".show", pk=loan.id))
        if request.method != "POST":
            form = self.edit_form.refresh(obj=loan)
        else:
            form = self.edit_form.refresh()  # filled from the posted form
            done = self._run(form, loan_form.edit_input(form),
                             lambda data: submission.edit(loan, g.user, data),
                             lambda data: submission.details_errors(data, loan.room))
            if done is not None:
                flash(gettext("Request %(number)s has been updated.",
                              number=loan.registration_number), "success")
                return redirect(url_for(".show", pk=loan.id))
        return self.render_template(self.edit_template, title=gettext(
            "Edit loan request %(number)s", number=loan.registration_number),
                                    widgets=self.edit_page_widgets(form),
                                    related_views=[])

    @staticmethod
    def _run(form, data, command, check):
        """``command(data)`` committed, or None with the refusal's messages at
        the form's fields. When the form could not read a field (a date that
        is none), ``check(data)`` gives the domain's word on the others."""
        try:
            if not form.validate():
                raise InputRefused(check(data))
            result = command(data)
            db.session.commit()
            return result
        except Refusal as refusal:
            db.session.rollback()
            if "sessions" in form:
                form.sessions.offer(refusal)
            for message in loan_form.show_refusal(form, refusal.errors):
                flash(message, "danger")
            return None

    @expose("/recurrence-preview")
    @has_access
    @permission_name("add")  # whoever may submit a request
    def recurrence_preview(self):
        """The sessions a recurrence makes, each with its verdict: a part of
        the request form (static/pontive.js fetches it). Reading only."""
        settings = ScheduleSettings.current()
        wanted = loan_form.recurrence_of(request.args)
        errors = recurrence.recurrence_errors(wanted, settings)
        room = _bookable_room(request.args.get("room", ""))
        if room is None:
            errors["room"] = [_l("Choose a room.")]
        verdicts = [] if errors else recurrence.preview(
            room, recurrence.sessions(wanted, settings), settings, utcnow())
        return render_template(
            "loans/recurrence_preview.html", verdicts=verdicts,
            errors=[str(m) for messages in errors.values() for m in messages],
            typed=lambda moment: to_local(moment).strftime(INPUT_FORMAT),
        ), 400 if errors else 200

    @expose("/letter/<int:pk>")
    @has_access
    def letter(self, pk):
        loan = self.scoped_get(pk)
        path = letters.letter_path(loan.letter_file)
        if path is None:
            abort(404)
        return send_file(
            path, mimetype="application/pdf", as_attachment=True,
            download_name=f"surat-permohonan-{loan.id}.pdf",
        )

    @expose("/disposition/<int:pk>")
    @has_access
    def disposition(self, pk):
        """The Lembar Disposisi of one request (staff only)."""
        loan = self.scoped_get(pk)
        return _pdf(disposition_sheet.render(disposition_sheet.sheet(loan)),
                    "lembar-disposisi", loan)

    @expose("/confirmation/<int:pk>")
    @has_access
    def confirmation(self, pk):
        """The confirmation letter, once the request is confirmed; the first
        download issues its verification code."""
        loan = self.scoped_get(pk)
        try:
            letter = confirmation_letter.letter(loan)
        except confirmation_letter.NotConfirmed as refusal:
            flash(str(refusal), "warning")
            return redirect(url_for(".show", pk=loan.id))
        return _pdf(confirmation_letter.render(letter), "surat-konfirmasi", loan)

    @expose("/step/<string:action>/<int:pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("step")  # every SOP role; the workflow decides the rest
    def step(self, action, pk):
        """One SOP step on one request: its form, then the transition."""
        loan = self.scoped_get(pk)
        if action not in workflow.TRANSITIONS:
            abort(404)
        try:  # refuse before showing a form that could not succeed
            workflow.check(loan, action, g.user)
        except Refusal as error:
            flash(error.message, "danger")
            return redirect(url_for(".show", pk=loan.id))
        posted = request.method == "POST"
        for_borrower = loan.borrower_id == g.user.id
        offered = alternatives.with_availability(loan, utcnow()) if action == "confirm" else []
        form = step_forms.step_form(
            action, loan, request.form if posted else None,
            offered=[(a.id, alternative_label(a, state)) for a, state in offered],
            chosen=request.args.get("alternative", type=int),
            by_borrower=for_borrower)
        refusal = None
        if posted and form.validate():
            try:
                workflow.apply(loan, action, g.user, form.step_input())
                db.session.commit()
            except Refusal as error:
                db.session.rollback()
                if "sessions" in form:  # the Kasi's proposal: the free times nearest
                    form.sessions.offer(error)
                refusal = " ".join(step_forms.show_refusal(form, error)) or None
            else:
                flash(gettext("%(step)s: done for request %(number)s.",
                              step=workflow.TRANSITIONS[action].label,
                              number=loan.registration_number), "success")
                return redirect(url_for(".show", pk=loan.id))
        return self.render_template(
            "loans/step.html", title=workflow.TRANSITIONS[action].label, loan=loan,
            action=action, form=form, refusal=refusal, for_borrower=for_borrower,
            # Open damage of the items on the checklist and of those the
            # request needs (the Kasi is warned before confirming).
            open_damage=equipment_care.open_reports(
                {i.id for i in [*form.equipment, *loan.equipment_wanted]}),
            clash_panel=(clash_panel(loan, g.user)
                         if action in ("confirm", "propose_reschedule") else None),
        )

    @action("schedule_selected", _l("Enter into the agenda"),
            _l("Enter the selected confirmed requests into the agenda?"),
            "fa-calendar-plus-o", single=False)
    def schedule_selected(self, items):
        """Admin Pontive Center's bulk entry; each row is checked on its own."""
        done, refused = [], []
        for loan in items:
            try:
                workflow.apply(loan, "schedule", g.user)
                db.session.commit()
            except Refusal as error:
                db.session.rollback()
                refused.append(f"{loan.registration_number}: {error}")
            else:
                done.append(loan.registration_number)
        if done:
            flash(gettext("Entered into the agenda: %(numbers)s.",
                          numbers=", ".join(done)), "success")
        for message in refused:
            flash(message, "danger")
        return redirect(url_for(".list"))

    @expose("/ics/<int:pk>")
    @has_access
    @permission_name("show")  # whoever may see the request
    def ics(self, pk):
        """A confirmed request's sessions as a calendar file (.ics)."""
        loan = self.scoped_get(pk)
        response = loan_calendar_file(loan)
        if response is None:
            flash(gettext("A request can be added to a calendar once it is "
                          "confirmed."), "warning")
            return redirect(url_for(".show", pk=loan.id))
        return response

    @expose("/show/<pk>")
    @has_access
    def show(self, pk):
        loan = self.scoped_get(pk)
        now = utcnow()
        for_borrower = loan.borrower_id == g.user.id
        # Offer only the steps the SOP allows this user now.
        allowed = workflow.allowed_actions(loan, g.user, now)
        # The wait's office clock and the clash panel's free times read the
        # closed days once.
        closed = ClosedDays(ScheduleSettings.current())
        return self.render_template(
            self.show_template,
            pk=loan.id,
            title=gettext("Loan request %(number)s", number=loan.registration_number),
            widgets=self.show_page_widgets(loan, fieldsets=self.shown_fieldsets(loan)),
            loan=loan,
            editable=submission.may_edit(loan, g.user),
            calendar_file=request_file_ready(loan),
            steps=[(name, workflow.TRANSITIONS[name].label) for name in allowed],
            # Its borrower reads where it is in their words; staff whose
            # step it waits for, and how long against the standard.
            for_borrower=for_borrower,
            progress=borrower_words.progress(loan.status) if for_borrower else None,
            timeline=timeline.of(loan, for_borrower=for_borrower),
            declined=alternatives.latest_decline(loan),
            alternatives=alternatives.with_availability(loan, now, closed=closed),
            availability_labels=alternatives.AVAILABILITY_LABELS,
            waiting=None if for_borrower else inbox.waiting_now(loan, now, closed),
            damage_reports=loan.damage_reports,
            confirmation_ready=confirmation_letter.available(loan),
            # The disposition sheet is internal: staff only (roles.py).
            disposition_sheet=self.appbuilder.sm.has_access(
                "can_disposition", self.class_permission_name),
            related_views=[],
            clash_panel=clash_panel(loan, g.user, now, closed, allowed),
            survey_open=(loan.borrower_id == g.user.id
                         and loan.status == LoanStatus.COMPLETED
                         and not survey.is_answered(loan)),
        )

    @expose("/suggestion/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("show")  # whoever sees the request; the workflow decides
    def propose_suggestion(self, pk):
        """The Kasi's one-click "propose this schedule" from the clash panel."""
        loan = self.scoped_get(pk)
        sessions = proposed_sessions(request.form)
        if sessions is None:
            flash(gettext("The proposed schedule is not valid."), "danger")
            return redirect(url_for(".show", pk=loan.id))
        try:
            workflow.apply(loan, "propose_reschedule", g.user,
                           ProposeInput(sessions=tuple(sessions)))
            db.session.commit()
        except Refusal as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            flash(gettext(
                "The schedule %(schedule)s has been proposed to the borrower and is "
                "held until %(until)s.",
                schedule="; ".join(format_session(s.starts_at, s.ends_at)
                                   for s in loan.proposed_sessions),
                until=format_datetime(loan.hold_expires_at)), "success")
        return redirect(url_for(".show", pk=loan.id))


PREFILL_ARGUMENTS = ("room", "date", "start", "end")


def _prefill(form, args):
    """Fill the form from a free block's link (the public page, the
    availability page): ?room=<id>&date=<YYYY-MM-DD>&start=<HH:MM>&end=<HH:MM>,
    office time. What cannot be used is left empty, and said so."""
    if not any(args.get(name) for name in PREFILL_ARGUMENTS):
        return
    usable = True
    if args.get("room", "").strip():
        room = _bookable_room(args["room"])
        if room is not None:
            form.room.data = room
        else:
            usable = False
    if args.get("date") or args.get("start") or args.get("end"):
        try:
            day = date.fromisoformat(args.get("date", "")[:10])
            starts, ends = (from_local(datetime.combine(day, time.fromisoformat(
                args.get(name, "")[:5]))) for name in ("start", "end"))
        except ValueError:
            usable = False
        else:
            if ends > starts:
                form.sessions.process(None, data=[(starts, ends)])
            else:
                usable = False
    if not usable:
        flash(gettext("Some values of the link could not be used; fill them in "
                      "yourself."), "warning")


def _bookable_room(text):
    """The room a query argument names, if it may be booked; else None."""
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        return None
    room = db.session.get(Room, int(text))
    return room if room is not None and room.is_active else None


def _pdf(data, name, loan):
    """A generated document of ``loan`` as a download."""
    number = loan.registration_number.replace("/", "-")
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{name}-{number}.pdf")
