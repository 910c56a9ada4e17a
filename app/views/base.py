"""What the app's model views share."""
from contextvars import ContextVar

import sqlalchemy as sa
from flask import abort, redirect, request, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_login import current_user


_LOADS = ContextVar("eager_loads", default=())


class LeanFilters(Filters):
    """Flask-AppBuilder's Filters, whose joined set and copy (made on every
    list page and API call) share the filters of each column instead of
    building one of every kind for every column of the model again (about
    a hundred objects a request); filters hold no state of a request."""

    def _like(self):
        twin = object.__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.search_columns, twin._search_filters = [], {}
        return twin

    def get_joined_filters(self, filters):
        joined = self._like()
        joined.filters, joined.values = self.filters + filters.filters, (
            self.values + filters.values)
        return joined

    def copy(self):
        twin = self._like()
        twin.filters, twin.values = list(self.filters), list(self.values)
        return twin


class EagerInterface(SQLAInterface):
    """An SQLAInterface that loads relationships with the rows: ``list_loads``
    with those of a list (also the REST API's), ``show_loads`` with the one
    row of a show page, form or action (``selectinload(Model.children)``,
    ``joinedload(Model.parent)``...). One statement each, however many rows
    a page shows, instead of one per row."""

    def __init__(self, obj, list_loads=(), show_loads=(), session=None):
        super().__init__(obj, session)
        self.list_loads = tuple(list_loads)
        self.show_loads = tuple(show_loads)
        self._property_or_function = {}

    def get_filters(self, search_columns=None, search_filters=None):
        return LeanFilters(self.filter_converter_class, self,
                           search_columns=search_columns or [],
                           search_filters=search_filters)

    def is_property_or_function(self, col_name):
        # Asked of every selected column on every call (FAB's REST list);
        # getattr on an SQLAlchemy attribute that lacks the name is slow,
        # and a model's attributes do not change.
        answer = self._property_or_function.get(col_name)
        if answer is None:
            answer = self._property_or_function[col_name] = (
                super().is_property_or_function(col_name))
        return answer

    def _with_loads(self, loads, method, *args, **kwargs):
        token = _LOADS.set(loads)
        try:
            return method(*args, **kwargs)
        finally:
            _LOADS.reset(token)

    def query(self, *args, **kwargs):
        return self._with_loads(self.list_loads, super().query, *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._with_loads(self.show_loads, super().get, *args, **kwargs)

    def apply_all(self, query, filters=None, order_column="", order_direction="",
                  page=None, page_size=None, select_columns=None,
                  outer_default_load=False):
        paged = super().apply_all(query, filters, order_column, order_direction, page,
                                  page_size, select_columns, outer_default_load)
        if page and not select_columns:
            # A later page: its rows' keys first (an index walk past the
            # rows before it), then only those rows with what they load.
            keys = paged.with_entities(*self.obj.__mapper__.primary_key).subquery()
            paged = self.apply_order_by(
                self.session.query(self.obj).join(keys, sa.and_(*(
                    column == keys.c[column.key]
                    for column in self.obj.__mapper__.primary_key))),
                order_column, order_direction, aliases_mapping={},
                bypass_many_to_many=True, add_pk=True)
        return paged.options(*_LOADS.get())


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
