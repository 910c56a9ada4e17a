"""The ``q`` argument of a model API's list and metadata, stated exactly.

FAB documents ``q`` (rison, or JSON) with one loose schema for every API
(``flask_appbuilder.api.schemas``: any order column, any filter, any page)
and then refuses with 400 much of what it allows (an order column or a filter
the API does not offer, a filter value of another type, both kinds of column
selection) and takes some of what it cannot use (a negative page, a page size
it quietly caps). The schemas built here name the API's own order columns,
filter columns, operators and value types, and bound the paging. Each is the
OpenAPI document's schema of ``q`` and what the API checks ``q`` against
before FAB reads it, so the two cannot disagree.

FAB reads ``q`` as rison, else as JSON; :func:`readable_q` runs first, so
that it reads what was sent: its rison parser overflows the stack on some
input (``q=(((``: a 500), and it decodes JSON once more as a query string
(``parse_qs``: a "+" became a space, "%41" an "A", an "&" cut the text).

Relies on: FAB's ``rison`` decorator trying ``prison.loads``, then
``json.loads`` of ``parse_qs("q=" + value)``, and handing ``get_list_headless``
and ``info_headless`` the parsed ``q`` as ``rison``; ``ModelRestApi._filters``
(``get_search_filters()``: {column: [filters, each with its ``arg_name``]});
the ``in``/``not_in`` filters taking a list; a filter on a relation taking
the related row's key; and the keys FAB's list and info read (``keys``,
``columns``, ``select_columns``, ``order_column``, ``order_direction``,
``page``, ``page_size``, ``filters``).
"""
import urllib.parse

import jsonschema
import prison
from flask import current_app, request
from flask_appbuilder.api.schemas import get_info_schema, get_list_schema
from werkzeug.datastructures import ImmutableMultiDict

from app.fab.url_arguments import INT32, MAX_PAGE

LIST_FILTERS = ("in", "not_in")
# Any text but NUL, which PostgreSQL cannot compare.
TEXT = {"type": "string", "pattern": r"^[^\x00]*$"}
KEY = {"type": "integer", "minimum": 1, "maximum": INT32 - 1}
# An aware ISO 8601 time (a time without its offset cannot be compared with
# the stored ones) in a year the arithmetic on times can hold.
AWARE_TIME = {"type": "string", "pattern": (
    r"^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):"
    r"[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$")}


def _value(datamodel, column):
    if datamodel.is_relation(column) or datamodel.is_integer(column):
        return KEY
    if datamodel.is_datetime(column):
        return AWARE_TIME
    return TEXT


def _filter(column, operators, value):
    return {"type": "object", "additionalProperties": False,
            "required": ["col", "opr", "value"],
            "properties": {"col": {"type": "string", "enum": [column]},
                           "opr": {"type": "string", "enum": operators},
                           "value": value}}


def _filters(api):
    """One schema per column and kind of value: {col, opr, value}."""
    found = []
    for column, filters in api._filters.get_search_filters().items():
        value = _value(api.datamodel, column)
        names = [f.arg_name for f in filters]
        single = [name for name in names if name not in LIST_FILTERS]
        listed = [name for name in names if name in LIST_FILTERS]
        if single:
            found.append(_filter(column, single, value))
        if listed:
            found.append(_filter(column, listed, {"type": "array", "items": value}))
    return found


def list_schema(api):
    """``q`` of ``api``'s list."""
    fab = get_list_schema["properties"]
    max_page_size = api.max_page_size or current_app.config["FAB_API_MAX_PAGE_SIZE"]
    columns = {"type": "array", "items": TEXT}  # FAB leaves out unknown ones
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "keys": fab["keys"],
            "columns": columns,
            "select_columns": columns,
            "order_column": {"type": "string", "enum": ["", *api.order_columns]},
            "order_direction": fab["order_direction"],
            "page": {"type": "integer", "minimum": 0, "maximum": MAX_PAGE},
            "page_size": {"type": "integer", "minimum": 1, "maximum": max_page_size},
            "filters": {"type": "array", "items": {"oneOf": _filters(api)}},
        },
        # FAB refuses both kinds of column selection at once.
        "not": {"required": ["columns", "select_columns"], "properties": {
            "columns": {"minItems": 1}, "select_columns": {"minItems": 1}}},
    }


# ``q`` of an API's metadata: which keys to answer (FAB's ``keys``).
INFO = {"type": "object", "additionalProperties": False,
        "properties": {"keys": get_info_schema["properties"]["keys"]}}

_VALIDATORS = {}  # id(schema) -> (schema, validator): made once each


def allows(schema, rison):
    """Whether ``rison`` (the parsed ``q``) is what ``schema`` describes."""
    kept = _VALIDATORS.get(id(schema))
    if kept is None or kept[0] is not schema:
        kept = _VALIDATORS[id(schema)] = (
            schema, jsonschema.validators.validator_for(schema)(schema))
    return kept[1].is_valid(rison)


def readable_q():
    """Whether FAB can read this request's ``q``; a JSON ``q`` is quoted once
    more, for FAB's second decoding."""
    value = request.args.get("q")
    if not value:
        return True
    try:
        prison.loads(value)
        return True
    except prison.decoder.ParserException:
        pass  # not rison: FAB reads it as JSON
    except Exception:  # noqa: BLE001 (RecursionError, IndexError, ...)
        return False
    # Quoted, FAB's parse_qs gives it back as sent; the leading space (which
    # JSON allows) keeps prison from reading the quoted text as a rison word.
    args = request.args.copy()
    args["q"] = " " + urllib.parse.quote(value, safe="")
    request.args = ImmutableMultiDict(args)
    return True
