""""Tugas Saya": the requests waiting for the signed-in user's role."""
from flask import g
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app import inbox
from app.timeutil import utcnow


class TasksView(BaseView):
    route_base = "/tasks"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        now = utcnow()
        return self.render_template("tasks/index.html", title=_l("My tasks"),
                                    tasks=inbox.tasks_for(g.user, now), now=now)
