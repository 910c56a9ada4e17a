"""The bell's page: the signed-in user's notices, newest first, a page at a
time (``?page=N``), each opening its request (and so read), and "mark all
read". Only one's own notices: an other user's notice id is a 404."""
from flask import abort, flash, g, redirect, request, url_for
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
        # A page that is no number is the first; notices.page clamps the rest.
        shown = notices.page(g.user, request.args.get("page", 1, type=int))
        return self.render_template("notices/index.html", title=_l("Notifications"),
                                    page=shown, title_of=notices.title)

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
