""""Tugas Saya": the requests waiting for the signed-in user's role, a page
at a time, and the complaints waiting for an answer or to be closed."""
import re

from flask import g, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from app.domain import complaints, inbox
from app.fab.url_arguments import MAX_PAGE
from app.platform.timeutil import utcnow
from app.security.scope import is_borrower, is_staff

PAGE_SIZE = 25
SHOWN_COMPLAINTS = 50  # the complaint list has them all
PAGE_ARGUMENT = "page_TasksView"  # as Flask-AppBuilder's pager names it
DIGITS = re.compile("[0-9]+")  # str.isdigit() takes "²" too


class BadPage(BadRequest):
    """A 400 whose page says what is wrong (app/platform/errors.py)."""

    user_message = _l("That page number is not valid.")


class TasksView(BaseView):
    route_base = "/tasks"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        given = request.args.get(PAGE_ARGUMENT, "0")
        if not DIGITS.fullmatch(given) or int(given) > MAX_PAGE:
            raise BadPage()
        page = int(given)
        now = utcnow()
        found = inbox.tasks_for(g.user, now, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        if not found.tasks and found.total:  # past the last page: show the last
            page = (found.total - 1) // PAGE_SIZE
            found = inbox.tasks_for(g.user, now, limit=PAGE_SIZE,
                                    offset=page * PAGE_SIZE)
        return self.render_template("tasks/index.html", title=_l("My tasks"),
                                    tasks=found.tasks, total=found.total,
                                    overdue=found.overdue, page=page,
                                    page_size=PAGE_SIZE, now=now,
                                    # Borrowers answer proposals: no standard times.
                                    borrower=is_borrower(g.user)
                                    and not is_staff(g.user),
                                    complaints=complaints.waiting_for(
                                        g.user, now, limit=SHOWN_COMPLAINTS),
                                    complaint_todo=complaints.TODO)
