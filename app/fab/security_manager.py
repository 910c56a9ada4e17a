"""The app's Flask-AppBuilder SecurityManager (``FAB_SECURITY_MANAGER_CLASS``).

It chooses the app's versions of FAB's security pages (app/fab/security_views.py),
drops FAB's "User's Statistics" chart (it draws with Google Charts, loaded
from the internet, so the page stayed blank offline), answers permission
checks from one look-up per request (app/fab/permission_cache.py), logs
every password check, limits the API's login like the web form's, and says
what a role may do in words (app/fab/role_permissions.py).

Relies on: FAB's SQLAlchemy ``SecurityManager`` choosing its pages from the
class attributes below (``userstatschartview = None`` registers no chart),
setting each page's ``datamodel`` in ``__init__`` before the pages are
made, checking database passwords in ``auth_user_db``, and registering its
pages (and its login limit) in ``register_views``.
"""
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager

from app.api.security import SecurityApi
from app.fab import security_views
from app.fab.interface import EagerInterface
from app.fab.permission_cache import PermissionCacheMixin
from app.fab.role_permissions import describe
from app.security import login_audit
from app.security.roles import GRANTS, granted_pairs


class SecurityManager(PermissionCacheMixin, FabSecurityManager):
    security_api = SecurityApi  # the app's JSON error bodies (app/api/security.py)
    authdbview = security_views.AuthDBView
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
        # The web form and the API both check passwords here: log each outcome.
        user = super().auth_user_db(username, password)
        login_audit.attempt(username, user)
        return user

    def register_views(self):
        super().register_views()
        if self.is_auth_limited:
            # FAB limits only its login form's blueprint; the API's login
            # (/api/v1/security/login) gets the same limit.
            for view in self.appbuilder.baseviews:
                if isinstance(view, self.security_api):
                    self.limiter.limit(self.auth_rate_limit, methods=["POST"])(
                        view.blueprint)

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
