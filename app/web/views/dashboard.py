"""The first page after login, per role: what waits for me, the bookings of
today and this week, open equipment damage and this month's figures (staff);
a borrower's own requests, the proposals waiting for their answer, the
surveys of their completed requests and their bookings. A visitor who is not
logged in gets the public service page (app/web/views/public.py)."""
from flask import g
from flask_appbuilder import IndexView, expose
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app.domain import complaints, dashboard, equipment_care, inbox, survey, workflow
from app.models import LoanRequest, LoanStatus
from app.platform.extensions import db
from app.platform.links import row_url_prefix
from app.platform.timeutil import utcnow
from app.security.scope import is_borrower, is_staff, restrict_loans
from app.web.views.public import render_public_page

SHOWN_TASKS = 5
SHOWN_DAMAGE = 5


class DashboardIndexView(IndexView):
    index_template = "dashboard.html"

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return render_public_page(self)
        now = utcnow()
        # Unanswered reschedule proposals go back to the Kasi (also done
        # by `flask --app app release-holds` from cron).
        if workflow.release_lapsed_holds(now):
            db.session.commit()
        query = db.session.query(LoanRequest.status, func.count(LoanRequest.id))
        query = restrict_loans(query, LoanRequest, user).group_by(LoanRequest.status)
        tasks = inbox.tasks_for(user, now, limit=SHOWN_TASKS)
        staff = is_staff(user)
        sm = self.appbuilder.sm
        borrower = is_borrower(user) and not staff
        surveys, survey_total = survey.invitations(user) if borrower else ([], 0)
        damage, damage_total = (
            equipment_care.open_damage(SHOWN_DAMAGE)
            if sm.has_access("can_list", "DamageReportView") else ([], 0))
        return self.render_template(
            self.index_template,
            title=_l("Dashboard"),
            statuses=LoanStatus.choices(),
            status_labels=LoanStatus.labels(),
            show_prefix=row_url_prefix("LoanRequestView.show"),
            counts=dict(query.all()),
            tasks=tasks.tasks,
            task_count=tasks.total,
            overdue=tasks.overdue,
            week=dashboard.bookings(user, now),
            damage=damage,
            damage_total=damage_total,
            figures=dashboard.month_figures(now) if staff else None,
            borrower=borrower,
            surveys=surveys,
            survey_total=survey_total,
            complaints=complaints.waiting_counts(user, now),
            now=now,
        )
