"""Pengaduan: a borrower files a complaint or suggestion and reads the answer;
the Kasi PK & AI and the Admin Pontive Center answer and close it. The
rules (numbers, the standard, who may take which step, who sees what) are
app/domain/complaints.py's; here its input is read from the form and its
errors shown."""
import re

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from app.domain import complaints
from app.fab.url_arguments import MAX_PAGE
from app.models import ComplaintKind, ComplaintTopic
from app.platform.extensions import db
from app.platform.timeutil import utcnow

PAGE_SIZE = 25
DIGITS = re.compile("[0-9]{1,10}")
LAPOR_URL = "https://www.lapor.go.id"


class BadPage(BadRequest):
    user_message = _l("That page number is not valid.")


def _number(text):
    text = (text or "").strip()
    return int(text) if DIGITS.fullmatch(text) else None


def complaint_input(form):
    loan = (form.get("loan_id") or "").strip()
    return complaints.ComplaintInput(
        kind=form.get("kind", ""), topic=form.get("topic", ""),
        subject=form.get("subject", ""), description=form.get("description", ""),
        # Not a number: a key no request has, which the domain refuses as
        # not the borrower's.
        loan_id=(_number(loan) or -1) if loan else None)


class ComplaintView(BaseView):
    route_base = "/complaints"
    default_view = "list"
    title = _l("Complaints and suggestions")

    @expose("/")
    @has_access
    def list(self):
        given = request.args.get("page", "0")
        if not DIGITS.fullmatch(given) or int(given) > MAX_PAGE:
            raise BadPage()
        page = int(given)
        rows, total = complaints.page_of(g.user, page * PAGE_SIZE, PAGE_SIZE)
        return self.render_template(
            "complaints/list.html", title=self.title, complaints=rows, total=total,
            page=page, pages=max(1, -(-total // PAGE_SIZE)), now=utcnow(),
            can_file=self.appbuilder.sm.has_access("can_add", "ComplaintView"),
            lapor_url=LAPOR_URL)

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        errors, values = {}, {"loan_id": request.args.get("loan", "")[:12]}
        if request.method == "POST":
            data = complaint_input(request.form)
            try:
                complaint = complaints.file(g.user, data)
                db.session.commit()
            except complaints.ComplaintInputError as error:
                db.session.rollback()
                errors = error.errors
            except complaints.ComplaintError as error:
                db.session.rollback()
                flash(str(error), "danger")
                return redirect(url_for(".list"))
            else:
                flash(gettext("Complaint %(number)s has been received; it will be "
                              "answered within %(days)d working days.",
                              number=complaint.number, days=complaint.standard_days),
                      "success")
                return redirect(url_for(".show", pk=complaint.id))
            values = {name: str(getattr(data, name) or "") for name in (
                "kind", "topic", "subject", "description", "loan_id")}
        page = self.render_template(
            "complaints/form.html", title=_l("File a complaint or suggestion"),
            errors=errors, values=values, kinds=ComplaintKind.choices(),
            topics=ComplaintTopic.choices(), loans=complaints.own_loans(g.user),
            days=complaints.standard_days(), lapor_url=LAPOR_URL,
            max_subject=complaints.SUBJECT_MAX_CHARS, max_text=complaints.TEXT_MAX_CHARS)
        return page, 400 if errors else 200

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        complaint = complaints.get_visible(pk, g.user)
        if complaint is None:
            abort(404)
        return self._page(complaint)

    def _page(self, complaint, errors=None, text="", status=200):
        return self.render_template(
            "complaints/show.html", title=_l("Complaint %(number)s",
                                             number=complaint.number),
            complaint=complaint, now=utcnow(), errors=errors or {}, text=text,
            steps=[(action, complaints.ACTION_LABELS[action])
                   for action in complaints.allowed_actions(complaint, g.user)],
            max_text=complaints.TEXT_MAX_CHARS, lapor_url=LAPOR_URL), status

    @expose("/step/<string:action>/<int:pk>", methods=["POST"])
    @has_access
    def step(self, action, pk):
        complaint = complaints.get_visible(pk, g.user)
        if complaint is None:
            abort(404)
        text = request.form.get("text", "")
        try:
            complaints.take(complaint, action, g.user, text)
            db.session.commit()
        except complaints.ComplaintInputError as error:
            db.session.rollback()
            return self._page(complaint, error.errors, text, 400)
        except complaints.ComplaintError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            flash(gettext("%(step)s: done for complaint %(number)s.",
                          step=complaints.ACTION_LABELS[action],
                          number=complaint.number), "success")
        return redirect(url_for(".show", pk=complaint.id))
