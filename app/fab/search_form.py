"""Flask-AppBuilder's list search form, its filter fields drawn once per
language and choice list instead of on every list page.

FAB's search widget draws every search column's form field on every list
page: empty fields, which its JavaScript copies when the user adds a filter
(the filters in use travel beside them as JSON). Those fields change only
with the language and with the options of a select, yet drawing them was
the largest block of the request list (5 ms of its 6.6 ms search form went
to WTForms drawing the 60 institutions of one select). Here each view's
fields are drawn once per language and set of options, and drawn again when
the options change (an institution added or renamed): the options are still
read on every page, the fields are not drawn again.

Relies on: ``SearchWidget.__call__`` (FAB 5.3) reading the form and the
columns from ``template_args["form"]`` and ``["include_cols"]`` and the
filters' names from ``self.filters.get_search_filters()``, and handing
``label_columns``, ``form_fields``, ``search_filters`` and ``active_filters``
to its template; and ``BaseModelView._list`` giving it a search form made
without form data (``search_form.refresh()``), so that its fields are empty.
"""
import weakref

from flask_appbuilder._compat import as_unicode
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from flask_babel import get_locale


def _options(field):
    """What a field's drawing depends on besides the language: the options
    of a select (read anew: WTForms' choices as given, without drawing each
    option as ``iter_choices`` does, or the rows of FAB's related fields),
    nothing for others."""
    if not hasattr(field, "iter_choices"):
        return None
    choices = getattr(field, "choices", None)
    if choices is not None:
        return tuple(choices() if callable(choices) else choices)
    return tuple(tuple(str(part) for part in choice) for choice in field.iter_choices())


class RememberedSearchWidget(SearchWidget):
    """FAB's SearchWidget, whose empty filter fields, labels and filter names
    are kept per view, language and options."""

    # A view's search form class -> {language: (options, (label_columns,
    # form_fields, search_filters))}, the latest options; kept while the
    # view's form class lives (an app made again makes new ones).
    _drawn = weakref.WeakKeyDictionary()

    def __call__(self, **kwargs):
        form = self.template_args["form"]
        columns = self.template_args["include_cols"]
        languages = self._drawn.setdefault(type(form), {})
        language = str(get_locale())
        options = tuple(_options(form[column]) for column in columns)
        kept = languages.get(language)
        if kept is None or kept[0] != options:
            kept = languages[language] = (options, self._draw(form, columns))
        label_columns, form_fields, search_filters = kept[1]
        kwargs.update(label_columns=label_columns, form_fields=form_fields,
                      search_filters=search_filters,
                      active_filters=self.filters.get_filters_values_tojson())
        return RenderTemplateWidget.__call__(self, **kwargs)

    def _draw(self, form, columns):
        filters = self.filters.get_search_filters()
        return (
            {column: as_unicode(form[column].label.text) for column in columns},
            {column: form[column]() for column in columns},
            {column: [as_unicode(flt.name) for flt in filters[column]]
             for column in columns},
        )
