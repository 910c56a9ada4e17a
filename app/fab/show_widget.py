"""The request's page draws its fields with a lighter show widget than
Flask-AppBuilder's (measured with bench/peers/run.py; see
docs/performance.md).

FAB's ``appbuilder/general/widgets/show.html`` formats each field in a Jinja
macro that looks its value up by position (``include_columns.index``), and
includes the confirmation and alert dialogues a second time (the layout
has them) and the row actions' links, each action's permission checked
again; each label, a lazy string, takes Flask-Babel's slow look-up
(app/fab/template_gettext.py) every time it is drawn.
:class:`FieldsetsShowWidget` formats the values once in Python, keeps the
labels translated per view and language, and draws the same fieldsets (the same accordion, table and cell
markup, FAB's "Back" link) without the dialogues and the row actions: a page
using it offers its own actions (the request's page, its SOP steps).

Relies on (FAB 5.3): ``ModelView.show_widget`` being the class
``_get_show_widget`` makes with ``pk``, ``label_columns``,
``include_columns``, ``value_columns`` (the item's values in
``include_columns`` order, from ``datamodel.get_values_item``),
``formatters_columns``, ``actions``, ``fieldsets`` and ``modelview_name``,
and rendering it by calling it with no arguments
(``RenderTemplateWidget.__call__`` renders ``template`` with those
arguments); ``appbuilder/general/lib.html``'s ``accordion_tag`` and
``lnk_back`` macros. tests/test_fab_seam_bench.py checks both.
"""
from flask_appbuilder.widgets import ShowWidget
from flask_babel import get_locale
from markupsafe import Markup

# (view, language) -> {column: its label translated}: a view's labels are
# fixed, and as lazy strings each drawing took Flask-Babel's slow look-up.
_LABELS = {}


class FieldsetsShowWidget(ShowWidget):
    """FAB's show widget without its dialogues and row actions, each value
    formatted once, the labels translated once per language."""

    template = "pontive_fab/show.html"

    def __call__(self, **kwargs):
        args = self.template_args
        formatters = args["formatters_columns"]
        shown = {}
        for name, value in zip(args["include_columns"], args["value_columns"]):
            formatter = formatters.get(name)
            shown[name] = formatter(value) if formatter else value
        key = (args["modelview_name"], str(get_locale()))
        labels = _LABELS.get(key)
        if labels is None:
            # Markup, as FAB draws a lazy label: its text as it is.
            labels = _LABELS[key] = {name: Markup(str(label)) for name, label
                                     in args["label_columns"].items()}
        return super().__call__(shown=shown, labels=labels, **kwargs)
