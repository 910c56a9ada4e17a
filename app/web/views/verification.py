"""The public check of a confirmation letter: the page its QR code opens.

No login. It shows only that the letter is genuine, its number and date, the
institution, the room and the sessions' dates, and whether it is still valid;
nothing about people. An unknown code is a 404 page saying so.
"""
from flask_appbuilder import BaseView, expose
from flask_babel import lazy_gettext as _l

from app.documents import confirmation as confirmation_letter


class VerificationView(BaseView):
    """Public: no permission is needed (nor checked)."""

    route_base = "/verify"

    @expose("/<string:code>")
    def confirmation(self, code):
        found = confirmation_letter.verification(code)
        if found is None:
            return self.render_template(
                "verification/unknown.html", title=_l("Letter not found")), 404
        return self.render_template("verification/confirmation.html",
                                    title=_l("Confirmation letter check"), letter=found)
