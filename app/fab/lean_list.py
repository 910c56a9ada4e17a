"""The request list's interface: Flask-AppBuilder's, less two kinds of work
it repeats on every list page (measured with bench/peers/run.py; see
docs/performance.md).

* Each cell's value is read once. FAB's ``_get_attr_value`` reads an
  attribute three times (``hasattr``, a test for a function, then the value),
  so a property such as the request's schedule, formatted from its sessions,
  ran three times a row: a tenth of the list page.
* The filters a count and a page apply ("inner filters") are made without
  a filter of every kind for every column of the model: FAB's
  ``get_inner_filters`` builds a whole ``Filters`` (about a hundred filter
  objects) twice a page to hold the few filters in use.

Relies on (FAB 5.3): ``BaseInterface.get_values``, ``_get_values`` and
``get_values_item`` reading each cell through
``self._get_attr_value(item, column)``, whose rules are kept: a dotted name
is walked through its relations ("" if that fails), a function is called, an
enum gives its value; and ``SQLAInterface._apply_inner_all`` taking its
filters from ``self.get_inner_filters(filters)``, which keeps the filters on
the model's own columns and on many-to-one and one-to-one relations, and
uses only the ``filters`` and ``values`` of what it returns (through
``apply_filters``). tests/test_fab_seam_bench.py compares both with FAB's.
"""
import enum
from functools import reduce

from flask_appbuilder.models.filters import Filters
from flask_appbuilder.utils.base import get_column_root_relation, is_column_dotted

from app.fab.interface import EagerInterface

_MISSING = object()


def cell_value(item, column):
    """What FAB's ``_get_attr_value`` gives, reading the attribute once."""
    value = getattr(item, column, _MISSING)
    if value is _MISSING:  # a relation's attribute ("institution.name")
        try:
            return reduce(getattr, column.split("."), item)
        except Exception:
            return ""
    if callable(value):
        return value()
    if isinstance(value, enum.Enum):
        return value.value
    return value


class ListInterface(EagerInterface):
    """An :class:`EagerInterface` whose cells are read once and whose inner
    filters are made bare."""

    _get_attr_value = staticmethod(cell_value)

    def get_inner_filters(self, filters):
        inner = Filters.__new__(Filters)  # its __init__ converts every column
        inner.filter_converter, inner.datamodel = self.filter_converter_class, self
        inner.search_columns, inner._search_filters, inner._all_filters = [], {}, {}
        inner.clear_filters()
        if filters:
            inner.add_filter_list([
                (flt.column_name, flt.__class__, value)
                for flt, value in zip(filters.filters, filters.values, strict=True)
                if not is_column_dotted(flt.column_name)
                or self._is_to_one(get_column_root_relation(flt.column_name))])
        return inner

    def _is_to_one(self, relation):
        return self.is_relation_many_to_one(relation) or self.is_relation_one_to_one(
            relation)
