"""Model views whose actions respect the view's ``base_filters``.

Relies on: FAB's ``ModelView.action``/``action_post`` endpoints (``/action/<name>/<pk>``
and ``/action_post``), which fetch rows by primary key without the view's base
filters, and ``self.actions`` holding each ``@action``'s ``single``/``multiple``.
"""
from flask import abort, redirect, request, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.baseviews import expose
from flask_login import current_user


class OfferedActions(dict):
    """Actions to show on a row; FAB would show all of them for an empty dict."""

    def __bool__(self):
        return True


class ScopedModelView(ModelView):
    """A ModelView whose actions respect ``base_filters``.

    Flask-AppBuilder's action endpoints fetch rows by primary key without the
    view's base filters; here every row goes through them, so an action on a
    row the user may not see is a 404, exactly as show and edit are.
    """

    def scoped_get(self, pk):
        item = self.datamodel.get(
            self._deserialize_pk_if_composite(pk), self._base_filters
        )
        if item is None:
            abort(404)
        return item

    def _action_allowed(self, name):
        return name in self.actions and self.appbuilder.sm.has_access(
            self.get_action_permission_name(name), self.class_permission_name
        )

    def _refuse(self):
        # As FAB's has_access: 403 when signed in, else the login page.
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for(f"{self.appbuilder.sm.auth_view.__class__.__name__}.login"))

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        if not self._action_allowed(name):
            return self._refuse()
        if not self.actions[name].single:
            abort(400)  # a list-only action takes a selection, not one row
        return self.actions[name].func(self.scoped_get(pk))

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        name = request.form.get("action", "")
        if not self._action_allowed(name):
            return self._refuse()
        if not self.actions[name].multiple:
            abort(400)  # a one-row action (multiple=False) takes no list
        items = [self.scoped_get(pk) for pk in request.form.getlist("rowid")]
        return self.actions[name].func(items)
