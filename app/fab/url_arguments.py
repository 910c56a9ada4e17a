"""Checks the URL arguments Flask-AppBuilder reads before FAB reads them.

FAB parses paging, ordering and search-filter arguments from the query
string as it finds them (``int()``, list indexes, values handed to the
database), and hands a row's primary key from the path to the database
as is, so a mistyped or hostile URL became a 500. This answers such a
request with the 400 page (bad list arguments) or the 404 page (a key no
row can have) instead, for every FAB model view and API at once.

Relies on: the argument grammar of ``flask_appbuilder.urltools``
(``page_<view>``, ``psize_<view>``, ``_oc_<view>``, ``_flt_<index>_<column>``),
which the patterns below mirror, and ``Filters`` indexing a column's filters
as the interface's filter converter lists them.
"""
import re

from flask import abort, current_app, request
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.baseviews import BaseCRUDView

from app.fab.search_filters import is_office_time, typed_time

PAGE = re.compile("page_(.*)")
PAGE_SIZE = re.compile("psize_(.*)")
ORDER_COLUMN = re.compile("_oc_(.*)")
FILTER = re.compile(r"_flt_(\d)_(.*)")

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100
INT32 = 2**31  # PostgreSQL's integer; SQLite's is wider


def _model_view(endpoint):
    name = (endpoint or "").split(".", 1)[0]
    for view in current_app.appbuilder.baseviews:
        if view.__class__.__name__ == name and isinstance(
            view, (BaseCRUDView, ModelRestApi)
        ):
            return view
    return None


def _int_between(value, low, high):
    try:
        return low <= int(value) <= high
    except (TypeError, ValueError):
        return False


def _filter_value_ok(datamodel, column, value):
    if getattr(datamodel, "is_schedule", lambda column: False)(column):
        return value == "" or typed_time(value) is not None  # a relation, by date
    if datamodel.is_relation(column) or datamodel.is_integer(column):
        return value == "" or _int_between(value, -INT32, INT32 - 1)
    if datamodel.is_boolean(column):
        return value == "y"  # FAB's checkbox; anything else reaches SQL as text
    if (datamodel.is_date(column) or datamodel.is_datetime(column)
            or is_office_time(datamodel, column)):
        return value == "" or typed_time(value) is not None
    return len(value) <= 500


def _column_filters(view, column):
    """The filters FAB indexes for ``column`` (``_flt_<index>_<column>``), as
    its ``Filters`` lists them: the converter's, for a column of the model;
    None for any other name."""
    datamodel = view.datamodel
    if column not in datamodel.get_columns_list():
        return None
    return datamodel.filter_converter_class(datamodel).convert(column)


def _argument_ok(view, key, values):
    name = view.__class__.__name__
    if PAGE.search(key):
        return all(_int_between(v, 0, MAX_PAGE) for v in values)
    if PAGE_SIZE.search(key):
        return all(_int_between(v, 1, MAX_PAGE_SIZE) for v in values)
    match = ORDER_COLUMN.search(key)
    if match:
        return match.group(1) != name or all(v in view.order_columns for v in values)
    match = FILTER.search(key)
    if match:
        index, column = int(match.group(1)), match.group(2)
        filters = _column_filters(view, column)
        if filters is None:
            return True  # FAB ignores columns it has no filters for
        return index < len(filters) and all(
            _filter_value_ok(view.datamodel, column, v) for v in values
        )
    return True


def check_url_arguments():
    view = _model_view(request.endpoint)
    if view is None:
        return
    pk = (request.view_args or {}).get("pk")
    # Every table's key is an integer; a larger one only overflows the database.
    if pk is not None and not _int_between(pk, 0, INT32 - 1):
        abort(404)
    if isinstance(view, BaseCRUDView):
        for key in request.args:
            if not _argument_ok(view, key, request.args.getlist(key)):
                abort(400)


def register(app):
    app.before_request(check_url_arguments)
