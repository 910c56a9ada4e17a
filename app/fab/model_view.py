"""The model views of the whole panel, Flask-AppBuilder's own included.

:class:`SafeEndpoints` replaces FAB's state-changing endpoints of a
``ModelView`` (every view of the app and FAB's user, role, group and
permission pages mix it in, app/fab/security_views.py):

- ``/action/<name>/<pk>`` and ``/action_post``: FAB looks an action up
  without checking it exists (an unknown name was a 500 for anyone signed
  in), hands a one-row action a list and a list action one row (500s), and
  fetches rows by primary key without the view's ``base_filters`` (a
  borrower could act on someone else's request). Here an unknown action is a
  404, a missing permission FAB's 403 (the login page for someone not signed
  in), an action posted the way it does not take rows a 400, and a row the
  user may not see a 404.
- ``/delete/<pk>`` and the actions answer POST only: FAB also accepts GET
  (kept for old links; with CSRF it refuses with a flash, but a redirect
  looks like success to a script). A GET is a plain 405 and the only way in
  is a POST, which CSRFProtect checks; FAB's pages send both as POST forms.

:class:`ScopedModelView` is the base of the app's model views: the above,
and what its views ask of FAB by name (:meth:`scoped_get`,
:meth:`add_page_widgets`, :meth:`edit_page_widgets`, :meth:`show_page_widgets`),
so that no view reaches into FAB's private methods itself; and a list whose
rows stop being editable (:meth:`row_editable`): FAB draws the edit button
on every row when the role may edit at all, here only on the rows the view
says (the list widget's ``editable_pks``, read by the app's list template).

Relies on: ``ModelView.action``/``action_post``/``delete`` being exposed
methods a subclass replaces with ``@expose``; ``self.actions`` holding each
``@action``'s ``ActionItem`` (``func``, ``single``, ``multiple``);
``get_action_permission_name``; ``_base_filters``; ``datamodel.get(pk,
filters)``; ``_deserialize_pk_if_composite``; ``_get_add_widget(form)``,
``_get_edit_widget(form)``, ``_get_show_widget(pk, item, actions=...,
show_fieldsets=...)``, and ``_get_list_widget`` returning its widgets with
the list's under "list", its ``template_args["pks"]`` the page's keys, the
page's rows loaded into the session (``datamodel.query``).
"""
from flask import abort, redirect, request, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_login import current_user


class OfferedActions(dict):
    """Actions to show on a row; FAB would show all of them for an empty dict."""

    def __bool__(self):
        return True


class SafeEndpoints:
    """Mix in before a FAB ``ModelView``: its actions and delete made safe."""

    def scoped_get(self, pk):
        """The row ``pk`` through the view's base filters, or a 404."""
        item = self.datamodel.get(
            self._deserialize_pk_if_composite(pk), self._base_filters
        )
        if item is None:
            abort(404)
        return item

    def _known_action(self, name, rows):
        """The action ``name`` taking ``rows`` ("single" or "multiple"), or
        the error page: 404 unknown, 403 not permitted (as FAB's has_access:
        the login page for someone not signed in), 400 posted the wrong way."""
        found = self.actions.get(name)
        allowed = found is not None and self.appbuilder.sm.has_access(
            self.get_action_permission_name(name), self.class_permission_name)
        if not allowed:
            if not current_user.is_authenticated:
                abort(redirect(url_for(
                    f"{self.appbuilder.sm.auth_view.__class__.__name__}.login",
                    next=request.url)))
            abort(404 if found is None else 403)
        if not getattr(found, rows):
            abort(400)  # a list action posted for one row, or the reverse
        return found

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        found = self._known_action(name, "single")
        return found.func(self.scoped_get(pk))

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        found = self._known_action(request.form.get("action", ""), "multiple")
        return found.func([self.scoped_get(pk) for pk in request.form.getlist("rowid")])

    @expose("/delete/<pk>", methods=["POST"])
    @has_access
    def delete(self, pk):
        return super().delete(pk)


class ScopedModelView(SafeEndpoints, ModelView):
    """The base of every model view of the app."""

    def add_page_widgets(self, form):
        """The widgets of an add page showing ``form``."""
        return self._get_add_widget(form=form)

    def show_page_widgets(self, item, actions=None, fieldsets=None):
        """The widgets of ``item``'s show page, offering ``actions`` (all of
        the view's when None), showing ``fieldsets`` (the view's when None)."""
        return self._get_show_widget(item.id, item, actions=actions,
                                     show_fieldsets=fieldsets)

    # A view whose rows stop being editable gives ``row_editable(item)``.
    row_editable = None

    def _get_list_widget(self, filters, *args, **kwargs):
        widgets = super()._get_list_widget(filters, *args, **kwargs)
        if self.row_editable is not None:
            found = widgets["list"].template_args
            # The page's rows, from the session (loaded by the list's query).
            session, model = self.datamodel.session, self.datamodel.obj
            found["editable_pks"] = {pk for pk in found["pks"]
                                     if self.row_editable(session.get(model, pk))}
        return widgets

    def edit_page_widgets(self, form):
        """The widgets of an edit page showing ``form``."""
        return self._get_edit_widget(form=form)
