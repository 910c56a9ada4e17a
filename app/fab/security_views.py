"""Flask-AppBuilder's user, role, group and permission pages as this app
shows them.

- Values in the user's language: FAB prints Python values as they are
  ("True" for an active user, "None" for an empty "created by", "[Admin]"
  for roles); these add formatters and labels.
- Help texts true for this app: FAB's user form speaks of LDAP and OpenID
  logins; here people log in with the username and password kept in the
  database only.
- Safe actions (app/fab/model_view.py), and FAB's "Copy Role" made to work:
  FAB copied a role under "<name> copy" (a second copy broke the unique
  name) and gave the copy of a role defined in ``FAB_ROLES`` no permission
  at all (its permissions are patterns, not rows); here the copy is named
  "<name> (salinan)", "(salinan 2)"... and holds the role's permissions as
  stored rows, so it starts as the role it copies and can then be edited.

They keep FAB's class names, so endpoints and permission names (FAB_ROLES
in app/security/roles.py) stay the same.

Relies on: the SecurityManager's ``userdbmodelview``, ``rolemodelview``,
``groupmodelview``, ``permissionmodelview``, ``viewmenumodelview``,
``permissionviewmodelview`` and ``authdbview`` attributes choosing FAB's
security pages; ``RoleModelView``'s ``copyrole`` action being its method
``copy_role`` (a subclass's method of that name replaces it); FAB's
``login`` endpoint handling the form once the app has answered an inactive
account itself.
"""
from flask import flash, redirect, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.security.views import (
    PermissionModelView as FabPermissionModelView,
)
from flask_appbuilder.security.views import (
    PermissionViewModelView as FabPermissionViewModelView,
)
from flask_appbuilder.security.views import RoleModelView as FabRoleModelView
from flask_appbuilder.security.views import UserDBModelView as FabUserDBModelView
from flask_appbuilder.security.views import UserGroupModelView as FabUserGroupModelView
from flask_appbuilder.security.views import ViewMenuModelView as FabViewMenuModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.fab.model_view import SafeEndpoints
from app.platform.formatting import names, or_dash, yes_no

ROLE_NAME_LENGTH = 64  # FAB's ab_role.name


class UserDBModelView(SafeEndpoints, FabUserDBModelView):
    formatters_columns = {
        "active": yes_no,
        "roles": names,
        "groups": names,
        "created_by": or_dash,
        "changed_by": or_dash,
    }
    description_columns = {
        **FabUserDBModelView.description_columns,
        "username": _l("The name the user logs in with, together with the password."),
        "email": _l("Notifications about the account and its requests are sent to "
                    "this address."),
    }


def copy_name(sm, name):
    """A role name no role has: "<name> (salinan)", "(salinan 2)"..."""
    number = 1
    while True:
        suffix = (gettext("(copy)") if number == 1
                  else gettext("(copy %(number)d)", number=number))
        candidate = f"{name[:ROLE_NAME_LENGTH - len(suffix) - 1]} {suffix}"
        if sm.find_role(candidate) is None:
            return candidate
        number += 1


class RoleModelView(SafeEndpoints, FabRoleModelView):
    label_columns = {
        **FabRoleModelView.label_columns,
        "user": _l("Users"),
        "groups": _l("Groups"),
    }

    @action("copyrole", _l("Copy Role"), _l("Copy the selected roles?"),
            icon="fa-copy", single=False)
    def copy_role(self, items):
        sm = self.appbuilder.sm
        copies = []
        for role in items:
            permissions = [sm.add_permission_view_menu(permission, view)
                           for permission, view in sorted(sm.role_grants(role))]
            copy = sm.add_role(copy_name(sm, role.name), permissions=permissions)
            copies.append(f"{role.name} → {copy.name}")
        if copies:
            flash(gettext("Copied: %(copies)s.", copies="; ".join(copies)), "success")
        return redirect(url_for(".list"))


class UserGroupModelView(SafeEndpoints, FabUserGroupModelView):
    pass


class PermissionModelView(SafeEndpoints, FabPermissionModelView):
    pass


class ViewMenuModelView(SafeEndpoints, FabViewMenuModelView):
    pass


class PermissionViewModelView(SafeEndpoints, FabPermissionViewModelView):
    pass
