"""The one base form of the panel, speaking the user's language.

Flask-WTF looks WTForms' own messages ("This field is required.", "Number
must be between 1 and 100000.") up in WTForms' catalogs, which have no
Indonesian: a plain ``FlaskForm`` answered an Indonesian user in English.
:class:`PanelForm`'s ``Meta`` routes them through the app's catalog
(translations/id), which holds WTForms' msgids too. Every form of the app
derives from it; Flask-AppBuilder's own forms (its generated model forms,
login, password and profile forms) derive from its ``DynamicForm``, whose
``Meta`` :func:`install` sets to the same.

Relies on: WTForms asking ``form.meta.get_translations(form)`` for the
object that translates its messages, and building a form class's meta from
its bases' ``Meta`` the first time the class is instantiated (so
:func:`install` runs before any form is made); FAB building every form of
its own from ``flask_appbuilder.forms.DynamicForm``.
"""
from flask_appbuilder.forms import DynamicForm
from flask_babel import get_translations
from flask_wtf import FlaskForm


class CatalogTranslations:
    """WTForms formats the message itself, so only look it up here."""

    def gettext(self, string):
        return get_translations().gettext(string)

    def ngettext(self, singular, plural, n):
        return get_translations().ngettext(singular, plural, n)


class CatalogMeta(FlaskForm.Meta):
    def get_translations(self, form):
        return CatalogTranslations()


class PanelForm(FlaskForm):
    """The base of every form of the app."""

    Meta = CatalogMeta


def install():
    """FAB's forms with the same ``Meta``; call before any form is made."""
    DynamicForm.Meta = CatalogMeta
