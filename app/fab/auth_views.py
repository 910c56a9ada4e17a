"""Flask-AppBuilder's pages for logging in and out and for passwords.

- Login (``AuthDBView.login``): the login limit (app/security/login_limit.py)
  is asked first, and a right password on an inactive account is told why it
  cannot log in (FAB refuses it as any failed login).
- Logout (``AuthDBView.logout``): FAB logs out on a GET of /logout/, so any
  page could log a user out with an image; here only a POST does (the
  navbar's button sends the CSRF token), and a GET asks to confirm.
- Changing one's own password (``ResetMyPasswordView``, /resetmypassword/form)
  asks for the current password first; an administrator setting a user's
  password (``ResetPasswordView``) gets the same password rule and texts, and
  a 404 for a user that does not exist.

FAB behaviour relied on (tests/test_fab_seam_accounts.py): a subclass method
re-exposed with ``@expose`` replaces FAB's route of the same name; FAB's
``logout`` calls ``SecurityManager.on_user_logout``; the password views save
through ``SecurityManager.reset_password`` and read ``form.password``, after
calling ``form_get``/``form_post`` (SimpleFormView's hooks); the
SecurityManager's ``authdbview``, ``resetmypasswordview`` and
``resetpasswordview`` attributes choose these classes. The class names stay
FAB's, so endpoints and permissions (app/security/roles.py) do not change.
"""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_appbuilder.security.views import (
    ResetMyPasswordView as FabResetMyPasswordView,
)
from flask_appbuilder.security.views import ResetPasswordView as FabResetPasswordView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.domain import accounts
from app.security import login_audit, login_limit, sessions
from app.web.password_forms import NewPasswordForm, OwnPasswordForm

INT32 = 2**31  # PostgreSQL's integer: a larger key is no user's


class AuthDBView(FabAuthDBView):
    login_template = "pontive/login.html"

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        if request.method == "POST" and not (g.user and g.user.is_authenticated):
            refused = login_limit.refusal(request.form.get("username"))
            if refused is not None:
                flash(refused.message, "danger")
                return self.render_template(
                    self.login_template, title=self.title, form=LoginForm_db(),
                    appbuilder=self.appbuilder,
                ), 429, {"Retry-After": str(refused.seconds)}
            user = accounts.inactive_account(request.form.get("username"),
                                             request.form.get("password"))
            if user is not None:
                login_audit.failed(user.username, "inactive account")
                flash(self._inactive_message(user), "warning")
                next_url = get_safe_redirect(request.args.get("next", ""))
                return redirect(self.appbuilder.get_url_for_login_with(next_url))
        return super().login()

    @staticmethod
    def _inactive_message(user):
        if accounts.awaits_verification(user):
            return gettext("Your account is not active yet. Open the link we sent to "
                           "your email address, or wait until the Pontive Center "
                           "staff activate it.")
        return gettext("Your account has been deactivated. Contact the Pontive Center "
                       "staff.")

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        if request.method == "POST":
            return super().logout()  # ends every session (SecurityManager.on_user_logout)
        if not (g.user and g.user.is_authenticated):
            return redirect(self.appbuilder.get_url_for_index)
        return self.render_template(
            "accounts/confirm.html", title=_l("Log out"), question=_l(
                "Log out of the panel? You will be logged out on every device, and "
                "API tokens issued to you will stop working."),
            button=_l("Log out"), action=self.appbuilder.get_url_for_logout,
            back=url_for("DashboardIndexView.index"), appbuilder=self.appbuilder)


class ResetMyPasswordView(FabResetMyPasswordView):
    form = OwnPasswordForm
    form_title = _l("Change my password")
    message = _l("Your password has been changed. You were logged out on every "
                 "other device, and API tokens issued before no longer work.")

    def form_post(self, form):
        super().form_post(form)  # a new version: every session of the user ends,
        sessions.open_web_session(g.user)  # except this one, stamped anew


class ResetPasswordView(FabResetPasswordView):
    """FAB reads the user from ``?pk=`` as it is: a key no user has made the
    form's POST a 500; here it is the 404 page, shown or sent."""

    form = NewPasswordForm
    form_title = _l("Set the user's password")
    message = _l("The password has been changed. The user was logged out everywhere, "
                 "and their API tokens no longer work.")

    def _check_user(self):
        pk = request.args.get("pk", "")
        if not (pk.isdigit() and int(pk) < INT32
                and self.appbuilder.sm.get_user_by_id(int(pk)) is not None):
            abort(404)

    def form_get(self, form):
        self._check_user()

    def form_post(self, form):
        self._check_user()
        super().form_post(form)
