"""Permission checks answered from one look-up per request.

Flask-AppBuilder checks a permission for every menu entry, button, action
and column link of a page. Out of the box each check may cost SQL (the
user's roles and groups, loaded lazily; the public role and its
permissions, loaded one by one; an EXISTS query per check for a role stored
in the database: a list page ran about 19 such statements with stored
roles), and each check of a role defined in ``FAB_ROLES`` matches the
role's patterns with regular expressions (the Admin's are 130 pairs).

:class:`PermissionCacheMixin` loads, once per request and per user (or the
public role for a visitor), the user with their roles and groups in one
statement and the (permission, view) pairs of their stored roles in one
more, keeps them on ``flask.g`` and answers every check from there. A role
of app/security/roles.py is answered from its ``GRANTS`` (``FAB_ROLES`` is
made from them; a test checks the two agree), a dictionary look-up instead
of the patterns. Nothing outlives the request, so what an administrator
changes holds from the next request on.

Two private methods of FAB are overridden: ``_has_view_access`` (FAB has
found the user and asks whether they may) and
``_get_user_permission_view_menus`` (the menu's entries a user may see, in
one call). Both changed shape across FAB releases (2.1.6, 3.2.3), so
tests/test_fab_seam.py checks their signatures and that FAB's public
``has_access`` and ``get_user_menu_access`` still call them. Measured on
2026-12-04 (SQLite, demo data, CPU of the process, median of 150 requests
each, as the Admin and as a borrower; the machine is shared, so each run
varies by about 0.3 ms):

- stock FAB: 5 statements on the SOP page, 7 on the loan list; 4.4 and
  7.3-7.4 ms;
- public methods only (``has_access`` kept per request, the menu asking
  it per entry: FAB's ``has_access`` finds the user anew for each check):
  3 and 5 statements; 4.7-5.0 and 7.5-8.0 ms;
- this module: 3 and 5 statements; 3.7-4.0 and 6.5-7.0 ms.

With a role stored in the database, stock FAB adds an EXISTS per distinct
check; here the role's permissions are one statement
(tests/test_query_counts.py).

Relies on: FAB's ``has_access(permission, view)`` (views, decorators, API)
finding the user and calling ``_has_view_access(user, permission, view)``;
``get_user_menu_access(names)`` calling
``_get_user_permission_view_menus(user, "menu_access", view_menus_name=names)``
(``user`` None for a visitor); a visitor's checks calling ``is_item_public``;
Flask-Login loading the user through ``load_user``; ``builtin_roles`` naming
the roles of ``FAB_ROLES``.
"""
import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.orm import joinedload

from app.security.roles import granted_pairs, is_allowed

_CACHE = "_pontive_permissions"


class _Grants:
    """What one set of roles may do: ``GRANTS`` for roles of app/security/roles.py,
    the stored pairs for the others."""

    def __init__(self, manager, roles, pairs=None):
        self.builtin = [role.name for role in roles
                        if role.name in manager.builtin_roles]
        if pairs is None:
            pairs = manager.stored_permission_pairs(
                [role.id for role in roles if role.name not in manager.builtin_roles])
        self.pairs = pairs

    def allows(self, permission_name, view_name):
        return (permission_name, view_name) in self.pairs or any(
            is_allowed(name, view_name, permission_name) for name in self.builtin)

    def views_with(self, permission_name, view_names):
        if view_names is None:  # every view a stored role grants it on
            return {view for permission, view in self.pairs
                    if permission == permission_name}
        return {view for view in view_names if self.allows(permission_name, view)}

    def all_pairs(self):
        pairs = set(self.pairs)
        for name in self.builtin:
            pairs.update(granted_pairs(name))
        return pairs


class PermissionCacheMixin:
    """For the app's SecurityManager (an SQLAlchemy Flask-AppBuilder one)."""

    # -- loading, once per request

    def _request_cache(self):
        """This request's cache, or None outside a request (a command, a
        test's own checks): then every check looks up afresh."""
        if not has_request_context():
            return None
        current = request._get_current_object()
        owner, cache = g.get(_CACHE, (None, None))
        if owner is not current:  # ``g`` may outlive a request (tests)
            cache = {}
            setattr(g, _CACHE, (current, cache))
        return cache

    def _grants(self, user):
        """The grants of ``user``, or of the public role for ``None`` or an
        anonymous user, from this request's cache."""
        anonymous = user is None or not user.is_authenticated
        key = ("public",) if anonymous else ("user", user.id)
        cache = self._request_cache()
        if cache is None:
            return _Grants(self, self.get_user_roles(user))
        grants = cache.get(key)
        if grants is None:
            grants = cache[key] = (self._public_grants() if anonymous
                                   else _Grants(self, self.get_user_roles(user)))
        return grants

    def _public_grants(self):
        """The public role and its stored pairs in one statement (every API
        call asks first whether its endpoint is public)."""
        name = self.auth_role_public
        rows = (
            self.session.query(self.role_model, self.permission_model.name,
                               self.viewmenu_model.name)
            .outerjoin(self.role_model.permissions)
            .outerjoin(self.permissionview_model.permission)
            .outerjoin(self.permissionview_model.view_menu)
            .filter(self.role_model.name == name)
            .all()
        )
        roles = [rows[0][0]] if rows else []
        pairs = frozenset((permission, view) for role, permission, view in rows
                          if permission is not None and name not in self.builtin_roles)
        return _Grants(self, roles, pairs)

    def stored_permission_pairs(self, role_ids):
        """The (permission, view) pairs of roles kept in the database, in one query."""
        if not role_ids:
            return frozenset()
        rows = (
            self.session.query(self.permission_model.name, self.viewmenu_model.name)
            .select_from(self.permissionview_model)
            .join(self.permissionview_model.permission)
            .join(self.permissionview_model.view_menu)
            .join(self.permissionview_model.role)
            .filter(self.role_model.id.in_(role_ids))
            .distinct()
            .all()
        )
        return frozenset((permission, view) for permission, view in rows)

    def get_public_role(self):
        cache = self._request_cache()
        if cache is None:
            return super().get_public_role()
        if "public_role" not in cache:
            cache["public_role"] = super().get_public_role()
        return cache["public_role"]

    def get_user_roles(self, user):
        if user is None or not user.is_authenticated:
            role = self.get_public_role()
            return [role] if role is not None else []
        return super().get_user_roles(user)

    def user_with_roles(self, pk, *columns):
        """User ``pk`` with their roles and groups, and ``columns`` about
        them, in one statement: a row ``(user, *values)``, or None."""
        statement = (
            sa.select(self.user_model, *columns)
            .options(joinedload(self.user_model.roles),
                     joinedload(self.user_model.groups)
                     .joinedload(self.group_model.roles))
            .where(self.user_model.id == int(pk))
        )
        return self.session.execute(statement).unique().one_or_none()

    def load_user(self, pk):
        """The signed-in user with their roles and groups, in one statement."""
        row = self.user_with_roles(pk)
        if row is not None and row[0].is_active:
            return row[0]
        return None

    # -- the checks Flask-AppBuilder makes

    def _has_view_access(self, user, permission_name, view_name):
        return self._grants(user).allows(permission_name, view_name)

    def is_item_public(self, permission_name, view_name):
        return self._grants(None).allows(permission_name, view_name)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        return self._grants(user).views_with(permission_name, view_menus_name)

    def get_user_permissions(self, user):
        return self._grants(user).all_pairs()
