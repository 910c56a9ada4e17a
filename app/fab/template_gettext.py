"""Templates translate through the catalogue of the moment they are
rendered, looked up once a page, not once a string.

Flask-Babel gives Jinja ``gettext`` and ``ngettext`` functions that look the
catalogue up anew on every call (the app context three times, the locale,
the domain): about 11 µs a string against 0.1 µs for the catalogue's own
look-up, and a page calls ``_()`` some forty times (a tenth of the request's
page, measured with bench/peers/profile.py). A context processor gives each
template that ``render_template`` renders the same newstyle functions bound
to ``get_translations()`` of that moment (so a template rendered under
``force_locale`` speaks its language). Templates rendered without Flask's
context processors (FAB's widgets, ``Template.render``) keep Flask-Babel's.

Relies on: Jinja's i18n extension resolving ``gettext`` and ``ngettext``
(``_`` through its alias, and ``{% trans %}``) from the template's context
before the environment's globals, and newstyle gettext's rules (the
translation marked safe under autoescape, then ``%`` formatted with the
keyword arguments, ``num`` for ``ngettext``); Flask running context
processors on every ``render_template``; Flask-Babel's Jinja functions being
``get_translations().ugettext``/``ungettext``, newstyle.
tests/test_fab_seam.py checks each.
"""
from flask_babel import get_translations
from jinja2 import pass_context
from markupsafe import Markup


def newstyle(translations):
    """Jinja's newstyle ``gettext`` and ``ngettext`` over ``translations``."""

    @pass_context
    def gettext(context, string, **variables):
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"gettext": gettext, "ngettext": ngettext}


def register(app):
    @app.context_processor
    def catalogue_of_the_page():
        return newstyle(get_translations())
