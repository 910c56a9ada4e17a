"""Flask-AppBuilder's text filters without SQLite's redundant ``lower()``.

FAB's "starts with", "ends with" and "contains" filters (and their "not")
compare with ``column.ilike(pattern)``, which SQLAlchemy writes on SQLite as
``lower(column) LIKE lower(pattern)``. SQLite's ``LIKE`` already ignores the
case of ASCII letters, and its ``lower()`` changes no other letter, so the
two are the same test there; but a search counts its matches over every row,
and ``lower()`` on each was almost half of that count (100,000 requests: 26 ms
against 14 ms). On SQLite these filters compare ``column LIKE pattern``; on
other databases they are FAB's own (``ILIKE`` on PostgreSQL).

Relies on: ``SQLAFilterConverter.conversion_table`` listing FAB's text filter
classes for each kind of column, each of whose ``apply(query, value)`` filters
a legacy ``Query`` on ``column.ilike(pattern)`` found through
``get_field_setup_query``; and SQLite's ``case_sensitive_like`` pragma off (its
default; the app never sets it).
"""
from flask_appbuilder.models.sqla import filters as fab

# FAB's filter: (before the value, after it, negated)
PATTERNS = {
    fab.FilterStartsWith: ("", "%", False),
    fab.FilterNotStartsWith: ("", "%", True),
    fab.FilterEndsWith: ("%", "", False),
    fab.FilterNotEndsWith: ("%", "", True),
    fab.FilterContains: ("%", "%", False),
    fab.FilterNotContains: ("%", "%", True),
}


def _plain_like_on_sqlite(base, before, after, negated):
    def apply(self, query, value):
        if query.session.get_bind().dialect.name != "sqlite":
            return base.apply(self, query, value)
        query, field = fab.get_field_setup_query(query, self.model, self.column_name)
        match = field.like(before + value + after)
        return query.filter(~match if negated else match)

    return type(base.__name__, (base,), {
        "apply": apply, "__doc__": f"{base.__name__}, with LIKE on SQLite."})


PLAIN_LIKE = {base: _plain_like_on_sqlite(base, *how) for base, how in PATTERNS.items()}


class TextSearchConverter(fab.SQLAFilterConverter):
    """FAB's filters for each kind of column, the text filters taking
    SQLite's LIKE as it is."""

    conversion_table = tuple(
        (test, [PLAIN_LIKE.get(kind, kind) for kind in kinds])
        for test, kinds in fab.SQLAFilterConverter.conversion_table)
