"""Permission checks answered from one look-up per request.

Flask-AppBuilder checks a permission for every menu entry, button, action
and column link of a page, and out of the box each check may cost SQL: the
user's roles and groups, the public role and its permissions (each with its
permission and view, loaded one by one), or an EXISTS query for a role
stored in the database. A list page ran about 19 such statements.

:class:`PermissionCacheMixin` loads, once per request and per user (or the
public role for an anonymous visitor), the user with their roles and groups
in one statement and the (permission, view) pairs of their database roles in
one more, keeps them on ``flask.g`` and answers every check from there.
Roles defined in ``FAB_ROLES`` (app/security/roles.py) are matched by their
patterns as Flask-AppBuilder does, without SQL, and each answer is kept for
the life of the process (the patterns are configuration). Nothing outlives the
request, so what an administrator changes holds from the next request on.
"""
import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.orm import joinedload

_CACHE = "_pontive_permissions"


class _Grants:
    """What one set of roles may do: built-in role patterns and stored pairs."""

    def __init__(self, manager, roles, pairs=None):
        self.manager = manager
        self.builtin = [role for role in roles if role.name in manager.builtin_roles]
        if pairs is None:
            pairs = manager.stored_permission_pairs(
                [role.id for role in roles if role.name not in manager.builtin_roles])
        self.pairs = pairs
        self.answers = {}

    def allows(self, permission_name, view_name):
        key = (permission_name, view_name)
        answer = self.answers.get(key)
        if answer is None:
            answer = key in self.pairs or any(
                self.manager.builtin_role_allows(role, permission_name, view_name)
                for role in self.builtin)
            self.answers[key] = answer
        return answer

    def views_with(self, permission_name, view_names):
        if view_names is None:  # every view a stored role grants it on
            return {view for permission, view in self.pairs if permission == permission_name}
        return {view for view in view_names if self.allows(permission_name, view)}

    def all_pairs(self):
        pairs = set(self.pairs)
        for role in self.builtin:
            pairs.update((permission, view)
                         for view, permission in self.manager.builtin_roles[role.name])
        return pairs


class PermissionCacheMixin:
    """For the app's SecurityManager (an SQLAlchemy Flask-AppBuilder one)."""

    # -- roles defined in FAB_ROLES: their patterns come from the
    # configuration, so their answers are kept for the process

    def builtin_role_allows(self, role, permission_name, view_name):
        answers = self.__dict__.setdefault("_builtin_answers", {})
        key = (role.name, permission_name, view_name)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = self._has_access_builtin_roles(
                role, permission_name, view_name)
        return answer

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
