"""Forgot my password ("Lupa kata sandi"): asking for a link by email, and
the link's page setting a new password (app/domain/password_reset.py).

Public: no permission is needed (nor checked) for these pages.
"""
from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.domain import password_reset
from app.notifications import mail
from app.web.password_forms import NewPasswordForm, ResetLinkForm

# Outcome of a link that cannot set a password: (title, message).
LINK_OUTCOMES = {
    password_reset.USED: (_l("Link no longer valid"), _l(
        "This link has been used already, or the password was changed after it "
        "was sent. Ask for a new link if you still need one.")),
    password_reset.EXPIRED: (_l("Link expired"), _l(
        "This link has expired. Ask for a new one.")),
    password_reset.INVALID: (_l("Link not valid"), _l(
        "This link is not valid. Check that you opened the whole link from the "
        "email, or ask for a new one.")),
}


class PasswordResetView(BaseView):
    route_base = "/forgot-password"
    default_view = "ask"

    def _page(self, form, intro, submit, problems=(), status=200):
        return self.render_template(
            "accounts/password_form.html", title=self._title(), form=form,
            intro=intro, submit=submit, problems=problems), status

    @staticmethod
    def _title():
        return gettext("Forgot my password")

    def _outcome(self, title, message, status=200):
        return self.render_template("accounts/outcome.html", title=title,
                                    message=message), status

    @expose("/", methods=["GET", "POST"])
    def ask(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(url_for("ResetMyPasswordView.this_form_get"))
        if not mail.configured():
            return self._outcome(self._title(), gettext(
                "Passwords cannot be reset by email here. Contact the Pontive "
                "Center staff: they can set a new password for your account."))
        form = ResetLinkForm()
        if request.method == "POST" and form.validate():
            refusal = password_reset.request_refusal(form.email.data)
            if refusal is None:
                password_reset.send_link(form.email.data)
                return redirect(url_for(".sent"))
            return self._ask_page(form, [refusal], 429)
        return self._ask_page(form)

    def _ask_page(self, form, problems=(), status=200):
        return self._page(form, gettext(
            "Enter the email address of your account. We will send you a link to set "
            "a new password."), gettext("Send the link"), problems, status)

    @expose("/sent")
    def sent(self):
        return self._outcome(gettext("Check your email"), gettext(
            "If an active account has this email address, we have sent it a link to "
            "set a new password. Open it within %(minutes)d minutes. No email? Look "
            "in the spam folder, check the address and ask again, or contact the "
            "Pontive Center staff.", minutes=password_reset.link_minutes()))

    @expose("/reset/<token>", methods=["GET", "POST"])
    def reset(self, token):
        # Opening the link (GET, which mail scanners also do) changes nothing.
        outcome, user = password_reset.check(token)
        if outcome != password_reset.VALID:
            title, message = LINK_OUTCOMES[outcome]
            return self._outcome(title, message, 400)
        form = NewPasswordForm()
        if request.method == "POST" and form.validate():
            password_reset.set_password(user, form.password.data)
            flash(gettext("Your new password is saved. Log in with it."), "info")
            return redirect(self.appbuilder.get_url_for_login)
        return self._page(form, gettext(
            "Choose a new password for the account %(username)s. Saving it logs the "
            "account out on every device.", username=user.username),
            gettext("Save the new password"))
