"""Tentang SOP: the SOP this product runs, for every signed-in user."""
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.domain import sop
from app.models import Room
from app.platform.extensions import db


class AboutSopView(BaseView):
    route_base = "/sop"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        rooms = (db.session.query(Room).filter(Room.is_active.is_(True))
                 .options(selectinload(Room.equipment)).order_by(Room.name).all())
        return self.render_template(
            "sop/about.html", title=_l("About the SOP"), steps=sop.flowchart(),
            transitions=sop.transitions(), rooms=rooms)
