"""The app's Flask-AppBuilder SecurityManager: FAB's user and role pages,
showing values in the user's language, its login, logout and password pages
(app/fab/auth_views.py), sessions and tokens a user can end
(app/fab/revocable_sessions.py), permission checks answered from one
look-up per request (app/fab/permission_cache.py), and an API token
lookup that refuses a subject that is no user id.

FAB prints Python values as they are: "True" for an active user, "None" for
an empty "created by", "[Admin]" for roles. These subclasses only add
formatters and labels. They keep FAB's class names, so endpoints and
permission names (FAB_ROLES in app/security/roles.py) stay the same.
"""
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.views import RoleModelView as FabRoleModelView
from flask_appbuilder.security.views import UserDBModelView as FabUserDBModelView
from flask_appbuilder.security.views import UserStatsChartView as FabUserStatsChartView
from flask_babel import lazy_gettext as _l

from app.api.security import SecurityApi
from app.fab.auth_views import AuthDBView, ResetMyPasswordView, ResetPasswordView
from app.fab.permission_cache import PermissionCacheMixin
from app.fab.revocable_sessions import RevocableSessionsMixin
from app.platform.formatting import names, or_dash, yes_no
from app.security import login_audit, login_limit, sessions


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


class SecurityManager(RevocableSessionsMixin, PermissionCacheMixin, FabSecurityManager):
    security_api = SecurityApi  # the app's JSON error bodies (app/api/security.py)
    authdbview = AuthDBView
    resetmypasswordview = ResetMyPasswordView
    resetpasswordview = ResetPasswordView
    userdbmodelview = UserDBModelView
    rolemodelview = RoleModelView
    userstatschartview = UserStatsChartView

    def auth_user_db(self, username, password):
        # The web form and the API both check passwords here: log each
        # outcome, and count wrong passwords for the login limit.
        user = super().auth_user_db(username, password)
        login_audit.attempt(username, user)
        if user is None:
            login_limit.failed(username)
        else:
            login_limit.clear_account(user)
        return user

    def load_user_jwt(self, _jwt_header, jwt_data):
        """Relies on: flask-jwt-extended's ``user_lookup_loader`` (FAB
        registers this method) answering None with its
        ``user_lookup_error_loader`` (401, app/api/common.py). FAB's own
        passes ``sub`` to int() and the database: a token signed with the
        right key naming no user id was a 500."""
        if not sessions.is_user_id(jwt_data.get("sub")):
            return None
        return super().load_user_jwt(_jwt_header, jwt_data)
