"""Flask-AppBuilder's SQLAInterface made to load a page's rows with their
relationships, to sort only by what the database can sort (and by the sort
keys a view names for a shown column), to search UTC moments in office time,
coded values by their labels and schedules by date, and its Filters made
cheap to copy.

Relies on: ``SQLAInterface.query``/``get``/``apply_all`` (their signatures in
FAB 5.3) building the statements of every list, show page and REST call,
``get_order_columns_list`` giving a view the columns it offers to sort by
when the view names none, ``apply_order_by(query, order_column,
order_direction, ...)`` ordering every list page and count (its list and
its later pages' keys), ``filter_converter_class`` choosing each search
column's filters (app/fab/search_filters.py), ``apply_filters(query,
filters)`` applying a list's and a count's filters (FAB's through
``Filters.apply_all``; here :func:`apply_together`, the same but a
schedule's bounds on one session), ``get_related_obj`` fetching
the row a relation filter names, and ``Filters`` being rebuilt by
``get_joined_filters``/``copy`` on each of them.
"""
from contextvars import ContextVar

import sqlalchemy as sa
from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.fab.search_filters import FilterConverter, apply_together, is_office_time

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

    filter_converter_class = FilterConverter

    def __init__(self, obj, list_loads=(), show_loads=(), session=None, choices=None,
                 schedules=None, sort_keys=None):
        """``choices``: {column: its Choices class}, searched by label;
        ``schedules``: {relation: the column of its rows' start}, searched
        by date; ``sort_keys``: {shown column: the SQL expression it sorts
        by} (a label in the SOP's order, a related name, a first session)."""
        super().__init__(obj, session)
        self.list_loads = tuple(list_loads)
        self.show_loads = tuple(show_loads)
        self.choices = dict(choices or {})
        self.schedules = dict(schedules or {})
        self.sort_keys = dict(sort_keys or {})
        self._property_or_function = {}

    def get_filters(self, search_columns=None, search_filters=None):
        return LeanFilters(self.filter_converter_class, self,
                           search_columns=search_columns or [],
                           search_filters=search_filters)

    def get_related_obj(self, col_name, value):
        # A relation's search filter sends "" when nothing is chosen;
        # PostgreSQL refuses that as a key (FAB then flashes the SQL error).
        # Every key is an integer: anything else names no row.
        try:
            key = int(value)
        except (TypeError, ValueError):
            return None
        return super().get_related_obj(col_name, key)

    def is_office_time(self, col_name):
        return is_office_time(self, col_name)

    def apply_filters(self, query, filters):
        if not filters:
            return query
        return apply_together(query, zip(filters.filters, filters.values, strict=True))

    def is_choice(self, col_name):
        return col_name in self.choices

    def is_schedule(self, col_name):
        return col_name in self.schedules

    def apply_order_by(self, query, order_column, order_direction,
                       aliases_mapping=None, bypass_many_to_many=False, add_pk=False):
        key = self.sort_keys.get(order_column)
        if key is None:
            return super().apply_order_by(query, order_column, order_direction,
                                          aliases_mapping, bypass_many_to_many, add_pk)
        # The key first, the primary key to settle ties: a page boundary
        # between equal keys stays where it was.
        direction = sa.asc if order_direction == "asc" else sa.desc
        return query.order_by(direction(key), direction(self.obj.__mapper__.primary_key[0]))

    def get_order_columns_list(self, list_columns=None):
        # FAB offers a model's Python properties too ("kind_label"), which
        # the database cannot sort by: only columns, and related columns.
        return [name for name in super().get_order_columns_list(list_columns)
                if name in self.list_columns or "." in name]

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
        if page and not select_columns and "." not in order_column:
            # A later page: its rows' keys first (an index walk past the
            # rows before it), then only those rows with what they load.
            # Not when ordered by a related column ("user.first_name"):
            # FAB would take the join inside the keys for one outside and
            # order by a table the statement does not have.
            keys = paged.with_entities(*self.obj.__mapper__.primary_key).subquery()
            paged = self.apply_order_by(
                self.session.query(self.obj).join(keys, sa.and_(*(
                    column == keys.c[column.key]
                    for column in self.obj.__mapper__.primary_key))),
                order_column, order_direction, aliases_mapping={},
                bypass_many_to_many=True, add_pk=True)
        return paged.options(*_LOADS.get())
