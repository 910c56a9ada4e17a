"""The app's Flask-AppBuilder SecurityManager (``FAB_SECURITY_MANAGER_CLASS``).

It chooses the app's versions of FAB's security pages (app/fab/security_views.py),
drops FAB's "User's Statistics" chart (it draws with Google Charts, loaded
from the internet, so the page stayed blank offline), answers permission
checks from one look-up per request (app/fab/permission_cache.py), ends
sessions and tokens a user asks to end (app/fab/revocable_sessions.py), logs
every password check and counts the wrong ones (app/security/login_limit.py),
refuses an API token whose subject is no user id, and says what a role may
do in words (app/fab/role_permissions.py). Its login, logout and password
pages are app/fab/auth_views.py's.

Relies on: FAB's SQLAlchemy ``SecurityManager`` choosing its pages from the
class attributes below (``userstatschartview = None`` registers no chart),
setting each page's ``datamodel`` in ``__init__`` before the pages are
made, checking database passwords in ``auth_user_db``, and flask-jwt-extended
calling ``load_user_jwt`` for every token.
"""
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager

from app.api.security import SecurityApi
from app.fab import security_views
from app.fab.auth_views import AuthDBView, ResetMyPasswordView, ResetPasswordView
from app.fab.interface import EagerInterface
from app.fab.permission_cache import PermissionCacheMixin
from app.fab.revocable_sessions import RevocableSessionsMixin
from app.fab.role_permissions import describe
from app.security import login_audit, login_limit, sessions
from app.security.roles import GRANTS, granted_pairs


class SecurityManager(RevocableSessionsMixin, PermissionCacheMixin, FabSecurityManager):
    security_api = SecurityApi  # the app's JSON error bodies (app/api/security.py)
    authdbview = AuthDBView
    resetmypasswordview = ResetMyPasswordView
    resetpasswordview = ResetPasswordView
    userdbmodelview = security_views.UserDBModelView
    rolemodelview = security_views.RoleModelView
    groupmodelview = security_views.UserGroupModelView
    permissionmodelview = security_views.PermissionModelView
    viewmenumodelview = security_views.ViewMenuModelView
    permissionviewmodelview = security_views.PermissionViewModelView
    userstatschartview = None

    def __init__(self, appbuilder):
        super().__init__(appbuilder)
        # FAB's pages list and search through the app's interface, as the
        # app's own (app/fab/interface.py, app/fab/search_filters.py).
        for view, model in ((self.userdbmodelview, self.user_model),
                            (self.rolemodelview, self.role_model),
                            (self.groupmodelview, self.group_model),
                            (self.permissionmodelview, self.permission_model),
                            (self.viewmenumodelview, self.viewmenu_model),
                            (self.permissionviewmodelview, self.permissionview_model)):
            view.datamodel = EagerInterface(model)

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

    @staticmethod
    def grants_of(role_name, stored_permissions):
        """The (permission, view) pairs of a role: a role of app/security/roles.py
        from there, any other from its stored permissions."""
        if role_name in GRANTS:
            return granted_pairs(role_name)
        return {(pv.permission.name, pv.view_menu.name) for pv in stored_permissions}

    def role_grants(self, role):
        return self.grants_of(role.name, role.permissions)

    def permission_lines(self, role_name, stored_permissions):
        """What the role may do, a line per view (the role pages show these)."""
        return describe(self.grants_of(role_name, stored_permissions))
