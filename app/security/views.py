"""Flask-AppBuilder's user and role pages, showing values in the user's language.

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

from app.formatting import names, or_dash, yes_no


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


class SecurityManager(FabSecurityManager):
    userdbmodelview = UserDBModelView
    rolemodelview = RoleModelView
    userstatschartview = UserStatsChartView
