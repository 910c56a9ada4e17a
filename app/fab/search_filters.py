"""Search filters of the panel's lists that behave alike on SQLite and
PostgreSQL and take what people type literally.

- Moments stored in UTC, typed in office time. Flask-AppBuilder's date-time
  filters hand the database the naive datetime dateutil reads; a
  ``UTCDateTime`` column (app/platform/timeutil.py) refuses a naive value,
  so filtering the damage reports by "reported at" was a 500. Here a date
  alone means that whole day in WIB, a date and time that moment.
- Coded values (a request's status, an institution's kind): stored as
  English codes, shown by their labels. FAB offers text filters on them,
  so "Dikonfirmasi" found nothing. A choice column (the interface's
  ``choices``) gets "equal to" and "not equal to" only, its search field a
  select of the labels (the view's ``search_form_extra_fields``).
- A schedule (the interface's ``schedules``: a relation and the start of
  its rows): "starts on or after" and "starts on or before" a day in
  office time, a row kept when one of its sessions does. Both together
  (:func:`apply_together`) ask it of one session: a session starting
  between the two days, not one after the first and another before the
  second.
- Text: FAB builds ``ILIKE '%' || value || '%'``, so "%" and "_" typed in a
  search were wildcards and a value ending in "\\" was an error on
  PostgreSQL (a LIKE pattern may not end in its escape character). Here the
  value is escaped and matched as typed, ignoring case as FAB does: with
  ``ILIKE`` on PostgreSQL, and on SQLite with plain ``LIKE``, which already
  ignores the case of ASCII letters (FAB's ``lower(column) LIKE lower(?)``
  there spent half of a search's count in ``lower()``: 26 against 14 ms
  over 100,000 requests, bench/peers).

Relies on: ``SQLAFilterConverter.conversion_table`` (the first entry whose
``datamodel.is_...`` check holds gives a column its filters, in the order
``_flt_<index>_<column>`` counts them), ``get_field_setup_query`` (joins a
dotted column's relation), and ``BaseFilter.__init__`` registering its
class in ``map_args_filter`` by ``arg_name``: the REST API's ``opr`` look-up
for every column of every model. These filters register FAB's class they
stand for instead, as FAB's own would have been: the API keeps FAB's filters.
SQLite's ``case_sensitive_like`` pragma off (its default; the app never sets it).
"""
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_appbuilder.models.filters import BaseFilter, map_args_filter
from flask_appbuilder.models.sqla.filters import (
    FilterContains,
    FilterEndsWith,
    FilterEqual,
    FilterGreater,
    FilterNotContains,
    FilterNotEndsWith,
    FilterNotEqual,
    FilterNotStartsWith,
    FilterSmaller,
    FilterStartsWith,
    SQLAFilterConverter,
    get_field_setup_query,
)
from flask_babel import lazy_gettext as _l

from app.platform.timeutil import UTCDateTime, from_local

# Years a typed date may have; outside them it is a typing error (and far
# years overflow the conversion to UTC).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def typed_time(text):
    """The date (a whole day) or naive datetime ``text`` gives in ISO form
    ("2026-11-16", "2026-11-16 09:00"), or None for anything else."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    try:
        value = date.fromisoformat(text) if len(text) == 10 else (
            datetime.fromisoformat(text))
    except ValueError:
        return None
    return value if FIRST_YEAR <= value.year <= LAST_YEAR else None


def office_span(text):
    """(start, end) in UTC of what ``text`` names in office time: a day is
    [its midnight, the next), a moment is [it, it]; None if it names none."""
    value = typed_time(text)
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = from_local(value.replace(tzinfo=None))
        return moment, moment
    start = from_local(datetime.combine(value, time()))
    return start, from_local(datetime.combine(value + timedelta(days=1), time()))


class _PanelFilter(BaseFilter):
    """FAB's filter ``replaces`` done the app's way, under its name and operator."""

    replaces = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.replaces is not None:
            cls.name, cls.arg_name = cls.replaces.name, cls.replaces.arg_name

    def __init__(self, column_name, datamodel, is_related_view=False):
        # Not BaseFilter.__init__: it would make this class what the REST
        # API's operator means on every column of every model. The API keeps
        # FAB's filter, registered as FAB's own instance would have.
        self.column_name = column_name
        self.datamodel = datamodel
        self.model = datamodel.obj
        self.is_related_view = is_related_view
        map_args_filter[self.arg_name] = self.replaces


class _TextFilter(_PanelFilter):
    """FAB's LIKE filter ``replaces``, matching the text as typed, whatever
    its case: SQLAlchemy's ``startswith``/``endswith``/``contains`` (``match``)
    with autoescape, as ``ILIKE`` but on SQLite, or its negation."""

    match = None
    negated = False

    def apply(self, query, value):
        query, field = get_field_setup_query(query, self.model, self.column_name)
        sqlite = query.session.get_bind().dialect.name == "sqlite"
        match = self.match if sqlite else f"i{self.match}"
        condition = getattr(field, match)(value, autoescape=True)
        return query.filter(sa.not_(condition) if self.negated else condition)


def _literal(fab_filter, match, negated=False):
    return type(fab_filter.__name__.replace("Filter", "Text"), (_TextFilter,), {
        "replaces": fab_filter, "match": match, "negated": negated})


# FAB's LIKE filters and the literal ones that take their place.
LITERAL = {text.replaces: text for text in (
    _literal(FilterStartsWith, "startswith"),
    _literal(FilterEndsWith, "endswith"),
    _literal(FilterContains, "contains"),
    _literal(FilterNotStartsWith, "startswith", negated=True),
    _literal(FilterNotEndsWith, "endswith", negated=True),
    _literal(FilterNotContains, "contains", negated=True))}
TEXT_CHECKS = ("is_text", "is_string")


class _OfficeTimeFilter(_PanelFilter):
    def apply(self, query, value):
        span = office_span(value)
        field = getattr(self.model, self.column_name)
        return query if span is None else query.filter(self.condition(field, *span))


class OfficeTimeEqual(_OfficeTimeFilter):
    replaces = FilterEqual

    @staticmethod
    def condition(field, start, end):
        return field == start if start == end else sa.and_(field >= start, field < end)


class OfficeTimeGreater(_OfficeTimeFilter):
    replaces = FilterGreater

    @staticmethod
    def condition(field, start, end):
        return field > start if start == end else field >= end


class OfficeTimeSmaller(_OfficeTimeFilter):
    replaces = FilterSmaller

    @staticmethod
    def condition(field, start, end):
        return field < start


class OfficeTimeNotEqual(_OfficeTimeFilter):
    replaces = FilterNotEqual

    @staticmethod
    def condition(field, start, end):
        return sa.not_(OfficeTimeEqual.condition(field, start, end))


class _ScheduleFilter(BaseFilter):
    """Rows with a session of the relation ``column_name`` starting on the
    right side of a day (or moment) typed in office time."""

    arg_name = None  # not an operator of the REST API

    def __init__(self, column_name, datamodel, is_related_view=False):
        # Not BaseFilter.__init__: it registers the class as an API operator.
        self.column_name = column_name
        self.datamodel = datamodel
        self.model = datamodel.obj
        self.is_related_view = is_related_view

    def session_condition(self, value):
        """The condition on one session, or None when ``value`` names no day."""
        span = office_span(value)
        if span is None:
            return None
        return self.condition(self.datamodel.schedules[self.column_name], *span)

    def apply(self, query, value):
        return apply_together(query, [(self, value)])


class ScheduleFrom(_ScheduleFilter):
    name = _l("Starts on or after")

    @staticmethod
    def condition(starts, start, end):
        return starts >= start


class ScheduleUntil(_ScheduleFilter):
    name = _l("Starts on or before")

    @staticmethod
    def condition(starts, start, end):
        return starts <= start if start == end else starts < end


def apply_together(query, filters):
    """``query`` with the (filter, value) pairs ``filters`` applied as FAB's
    ``Filters.apply_all`` does (a list of values: each in turn), except that
    the bounds of one schedule ask it of one session together."""
    sessions = {}
    for flt, values in filters:
        if not isinstance(values, list) or flt.arg_name in {"in", "not_in"}:
            values = [values]
        for value in values:
            if not isinstance(flt, _ScheduleFilter):
                query = flt.apply(query, value)
                continue
            condition = flt.session_condition(value)
            if condition is not None:
                sessions.setdefault((flt.model, flt.column_name), []).append(condition)
    for (model, column), conditions in sessions.items():
        query = query.filter(getattr(model, column).any(sa.and_(*conditions)))
    return query


class FilterConverter(SQLAFilterConverter):
    """FAB's filters, with the office-time ones for UTC moments, the choice
    and schedule ones, and the literal text ones for strings and texts."""

    conversion_table = (
        ("is_choice", [FilterEqual, FilterNotEqual]),
        ("is_schedule", [ScheduleFrom, ScheduleUntil]),
        ("is_office_time", [OfficeTimeEqual, OfficeTimeGreater, OfficeTimeSmaller,
                            OfficeTimeNotEqual]),
        *((check, [LITERAL.get(f, f) for f in filters] if check in TEXT_CHECKS
           else filters)
          for check, filters in SQLAFilterConverter.conversion_table),
    )


def is_office_time(datamodel, column_name):
    column = datamodel.list_columns.get(column_name)
    return column is not None and isinstance(column.type, UTCDateTime)
