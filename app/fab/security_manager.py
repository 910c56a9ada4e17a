"""Flask-AppBuilder's user and role pages, showing values in the user's language,
its login page, saying why an inactive account cannot log in, and its API
token lookup, refusing a subject that is no user id.

FAB prints Python values as they are: "True" for an active user, "None" for
an empty "created by", "[Admin]" for roles. These subclasses only add
formatters and labels. They keep FAB's class names, so endpoints and
permission names (FAB_ROLES in app/security/roles.py) stay the same.
"""
import re

from flask import flash, g, redirect, request
from flask_appbuilder import expose
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_appbuilder.security.views import RoleModelView as FabRoleModelView
from flask_appbuilder.security.views import UserDBModelView as FabUserDBModelView
from flask_appbuilder.security.views import UserStatsChartView as FabUserStatsChartView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.api.security import SecurityApi
from app.domain import accounts
from app.fab.permission_cache import PermissionCacheMixin
from app.platform.formatting import names, or_dash, yes_no
from app.security import login_audit


class UserDBModelView(FabUserDBModelView):
    formatters_columns = {
        "active": yes_no,
        "roles": names,
        "groups": names,
        "created_by": or_dash,
        "changed_by": or_dash,
    }


class RoleModelView(FabRoleModelView):
    label_columns = {
        **FabRoleModelView.label_columns,
        "user": _l("Users"),
        "groups": _l("Groups"),
    }


class UserStatsChartView(FabUserStatsChartView):
    """FAB labels its search fields and series with English column names."""

    LABELS = {
        **FabUserDBModelView.label_columns,
        **FabUserStatsChartView.label_columns,
    }
    definitions = [
        {"label": _l("Login count"), "group": "username", "series": ["login_count"]},
        {"label": _l("Failed login count"), "group": "username",
         "series": ["fail_login_count"]},
    ]

    def __init__(self, **kwargs):
        # FAB's __init__ changes label_columns in place (naming every series
        # after its column, "Login Count"): give each instance its own copy,
        # and put the translated labels back afterwards.
        self.label_columns = dict(self.LABELS)
        super().__init__(**kwargs)
        self.label_columns.update(self.LABELS)


class AuthDBView(FabAuthDBView):
    """FAB's login, saying why a right password opens no inactive account
    (FAB refuses it as any failed login) and linking to the registration."""

    login_template = "pontive/login.html"

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        if request.method == "POST" and not (g.user and g.user.is_authenticated):
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


# What FAB writes as a token's subject: the user's id, str(user.id).
USER_ID = re.compile(r"[1-9][0-9]{0,9}")
MAX_ID = 2**31 - 1  # PostgreSQL's integer


def is_user_id(subject):
    """Whether a token's subject is a user id as FAB writes it (int() alone
    would take " 7", "\u0661" or a number the database cannot hold)."""
    return (isinstance(subject, str) and USER_ID.fullmatch(subject) is not None
            and int(subject) <= MAX_ID)


class SecurityManager(PermissionCacheMixin, FabSecurityManager):
    security_api = SecurityApi  # the app's JSON error bodies (app/api/security.py)
    authdbview = AuthDBView
    userdbmodelview = UserDBModelView
    rolemodelview = RoleModelView
    userstatschartview = UserStatsChartView

    def auth_user_db(self, username, password):
        # The web form and the API both check passwords here: log each outcome.
        user = super().auth_user_db(username, password)
        login_audit.attempt(username, user)
        return user

    def load_user_jwt(self, _jwt_header, jwt_data):
        """Relies on: flask-jwt-extended's ``user_lookup_loader`` (FAB
        registers this method) answering None with its
        ``user_lookup_error_loader`` (401, app/api/common.py). FAB's own
        passes ``sub`` to int() and the database: a token signed with the
        right key naming no user id was a 500."""
        if not is_user_id(jwt_data.get("sub")):
            return None
        return super().load_user_jwt(_jwt_header, jwt_data)

    def register_views(self):
        super().register_views()
        if self.is_auth_limited:
            # FAB limits only its login form's blueprint; the API's login
            # (/api/v1/security/login) gets the same limit.
            for view in self.appbuilder.baseviews:
                if isinstance(view, self.security_api):
                    self.limiter.limit(self.auth_rate_limit, methods=["POST"])(
                        view.blueprint)
