"""The first page after login: what the user has, per status."""
from flask import g
from flask_appbuilder import IndexView, expose
from sqlalchemy import func

from app import inbox, workflow
from app.extensions import db
from app.models import LoanRequest, LoanStatus
from app.security.scope import is_borrower, is_staff, restrict_loans


class DashboardIndexView(IndexView):
    index_template = "dashboard.html"

    @expose("/")
    def index(self):
        user = g.user
        counts, tasks = {}, []
        if user is not None and user.is_authenticated:
            # Unanswered reschedule proposals go back to the Kasi (also done
            # by `flask --app app release-holds` from cron).
            if workflow.release_lapsed_holds():
                db.session.commit()
            query = db.session.query(LoanRequest.status, func.count(LoanRequest.id))
            query = restrict_loans(query, LoanRequest, user).group_by(LoanRequest.status)
            counts = dict(query.all())
            tasks = inbox.tasks_for(user)
        return self.render_template(
            self.index_template,
            statuses=LoanStatus.choices(),
            counts=counts,
            tasks=len(tasks),
            overdue=sum(task.overdue for task in tasks),
            borrower=is_borrower(user) and not is_staff(user),
        )
