"""The bell's page: the signed-in user's notices, newest first, each opening
its request (and so read), and "mark all read". Only one's own notices: an
other user's notice id is a 404."""
from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.notifications import notices
from app.platform.extensions import db
from app.platform.timeutil import utcnow


class NoticeView(BaseView):
    route_base = "/notices"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        shown, total = notices.latest(g.user)
        return self.render_template("notices/index.html", title=_l("Notifications"),
                                    notices=shown, total=total,
                                    unread=sum(1 for n in shown if n.read_at is None),
                                    title_of=notices.title)

    @expose("/open/<int:pk>")
    @has_access
    def open(self, pk):
        """The notice's request; the notice is read from now on."""
        notice = notices.own_notice(g.user, pk)
        if notice is None:
            abort(404)
        notices.mark_read(notice, utcnow())
        db.session.commit()
        return redirect(url_for("LoanRequestView.show", pk=notice.loan_id))

    @expose("/read-all", methods=["POST"])
    @has_access
    def read_all(self):
        notices.mark_all_read(g.user, utcnow())
        db.session.commit()
        flash(gettext("Every notification is marked as read."), "success")
        return redirect(url_for(".index"))
