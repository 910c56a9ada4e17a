"""Translations for what Flask-AppBuilder's forms say.

Flask-WTF looks WTForms' messages up in WTForms' own catalogs, which have no
Indonesian; this routes them through the app's catalog (translations/id),
which holds WTForms' msgids too.
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


class _CatalogMeta(FlaskForm.Meta):
    def get_translations(self, form):
        return CatalogTranslations()


def install_form_translations():
    # Set once at start-up, before any form class computes its meta.
    DynamicForm.Meta = _CatalogMeta
