"""The public registration page ("Daftar") and the email verification link.

Flask-AppBuilder's own registration needs reCAPTCHA from the internet
(AUTH_USER_REGISTRATION stays False); this page uses the spam guards of
app/security/registration_guard.py instead. The account is made by
app/domain/accounts.py, as on the staff's page.
"""
from flask import g, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.domain import accounts
from app.platform.extensions import db
from app.security import registration_guard, throttle
from app.web.views.borrower_form import FIELDSETS, RegistrationForm

DONE_KEY = "pontive_registered"

# Outcome of a verification link: (title, message, HTTP status).
LINK_OUTCOMES = {
    accounts.VERIFIED: (_l("Email address verified"), _l(
        "Your account is active. You can log in now with your username and "
        "password."), 200),
    accounts.USED: (_l("Link already used"), _l(
        "This link has been used already: your email address is verified. Log in "
        "with your username and password."), 200),
    accounts.STALE: (_l("Link no longer valid"), _l(
        "The Pontive Center staff changed this account after the link was sent, so "
        "the link no longer works. Log in if the account is active, or contact the "
        "staff."), 400),
    accounts.EXPIRED: (_l("Link expired"), _l(
        "This verification link has expired. Contact the Pontive Center staff to "
        "have your account activated."), 400),
    accounts.INVALID: (_l("Link not valid"), _l(
        "This verification link is not valid. Check that you opened the whole link "
        "from the email, or contact the Pontive Center staff."), 400),
}


class RegistrationView(BaseView):
    """Public: no permission is needed (nor checked) for these pages."""

    route_base = "/register"
    default_view = "form"

    @expose("/", methods=["GET", "POST"])
    def form(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self.appbuilder.get_url_for_index)
        form = RegistrationForm()
        problems, status = [], 200
        if request.method == "POST":
            address = throttle.client_address()
            refusal = (registration_guard.honeypot_problem(form.website.data)
                       or registration_guard.stamp_problem(form.form_stamp.data)
                       or registration_guard.rate_problem(address))
            if refusal is None and form.validate():
                # Counted before the account is made, in one atomic step:
                # concurrent registrations cannot all pass the limit.
                refusal = registration_guard.claim_registration(address)
                if refusal is None:
                    user, problems = self._create(form)
                    if user is not None:
                        sent = accounts.send_verification(user)
                        session[DONE_KEY] = {"email": user.email, "sent": sent}
                        return redirect(url_for(".done"))
            if refusal is not None:
                problems = [refusal]
                status = 429 if refusal is registration_guard.RATE_MESSAGE else 400
            form.fresh_stamp()
        return self.render_template(
            "accounts/register.html", title=_l("Register as a borrower"), form=form,
            fieldsets=FIELDSETS, problems=problems,
        ), status

    @staticmethod
    def _create(form):
        """(the new account, []), or (None, the problems that belong to no field)."""
        try:
            user = accounts.create_borrower(form.borrower_input(), active=False)
            db.session.commit()
        except accounts.AccountInputError as error:
            db.session.rollback()
            return None, form.show_errors(error.errors)
        return user, []

    @expose("/done")
    def done(self):
        registered = session.pop(DONE_KEY, None)
        if not registered:
            return redirect(url_for(".form"))
        if registered["sent"]:
            message = gettext(
                "We have sent a link to %(email)s. Open it within %(hours)d hours to "
                "verify your email address; your account is then active and you can "
                "log in. No email? Look in the spam folder, or contact the Pontive "
                "Center staff.", email=registered["email"], hours=accounts.link_hours())
        else:
            message = gettext(
                "Your account is registered but not active yet. The Pontive Center "
                "staff will check and activate it; you can log in once they have.")
        return self.render_template("accounts/outcome.html",
                                    title=gettext("Registration received"),
                                    message=message)

    @expose("/verify/<token>", methods=["GET", "POST"])
    def verify(self, token):
        # Opening the link (GET, which mail scanners also do) changes nothing:
        # a link that would verify asks for a click that POSTs the form.
        outcome, _user = accounts.verify_email(token)
        if outcome == accounts.VERIFIED and request.method == "POST":
            db.session.commit()
        else:
            db.session.rollback()
            if outcome == accounts.VERIFIED:
                return self.render_template(
                    "accounts/confirm.html", title=_l("Verify your email address"),
                    question=_l("Click the button to verify your email address and "
                                "activate your account."),
                    button=_l("Verify and activate my account"), action="", back=None)
        title, message, status = LINK_OUTCOMES[outcome]
        return self.render_template("accounts/outcome.html", title=title,
                                    message=message), status
