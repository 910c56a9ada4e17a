"""The Indonesian message catalog: what must be translated, and keeping the
compiled catalog in step with its source.

The app's catalog holds Flask-AppBuilder's and WTForms' msgids as well as the
app's own (flask-babel merges everything into one ``messages`` domain).
``flask --app app translations`` extracts, updates translations/id and
compiles; a test fails when anything is left untranslated.
"""
import os
from configparser import ConfigParser

import flask_appbuilder
import wtforms
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from app import PROJECT_DIR

TRANSLATIONS_DIR = os.path.join(PROJECT_DIR, "translations")
BABEL_CFG = os.path.join(PROJECT_DIR, "babel.cfg")
# lazy_formatter_gettext: FAB's help texts of the user form's roles and groups;
# _pattern: app/platform/formatting.py's patterns, translated once per language.
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "_pattern": None,
            "lazy_pgettext": ((1, "c"), 2), "lazy_formatter_gettext": (1,)}
LOCALES = ("id",)


def sources():
    """Directories whose messages users can see, named for the catalog."""
    return {
        "app": os.path.join(PROJECT_DIR, "app"),
        "flask_appbuilder": os.path.dirname(flask_appbuilder.__file__),
        "wtforms": os.path.dirname(wtforms.__file__),
    }


def _method_map():
    parser = ConfigParser()
    parser.read(BABEL_CFG)
    return [
        (section.split(":", 1)[1].strip(), section.split(":", 1)[0].strip())
        for section in parser.sections()
    ]


def extract():
    """A template catalog of every msgid in the app, FAB and WTForms."""
    template = Catalog(project="pontive-center", charset="utf-8")
    method_map = _method_map()
    for name, directory in sources().items():
        for filename, lineno, message, comments, context in extract_from_dir(
            directory, method_map, keywords=KEYWORDS
        ):
            location = (f"{name}/{filename}", lineno)
            template.add(message, None, [location], auto_comments=comments,
                         context=context)
    return template


def po_path(locale):
    return os.path.join(TRANSLATIONS_DIR, locale, "LC_MESSAGES", "messages.po")


def mo_path(locale):
    return os.path.join(TRANSLATIONS_DIR, locale, "LC_MESSAGES", "messages.mo")


def read_catalog(locale):
    with open(po_path(locale), "rb") as handle:
        return read_po(handle, locale=locale)


def read_compiled(locale):
    with open(mo_path(locale), "rb") as handle:
        return read_mo(handle)


def untranslated(catalog, template):
    """msgids of ``template`` that ``catalog`` lacks, leaves empty or fuzzy."""
    missing = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        strings = entry.string if entry is not None else None
        if isinstance(strings, (list, tuple)):
            empty = not all(strings)
        else:
            empty = not strings
        if entry is None or empty or entry.fuzzy:
            missing.append(message.id)
    return missing


def compiled_differences(catalog, compiled):
    """msgids whose compiled translation differs from the .po's."""
    def table(cat):
        # Keyed by context too: "Institution" and ("institution kind",
        # "Institution") are different messages.
        return {
            (m.context, m.id if isinstance(m.id, str) else tuple(m.id)):
            (m.string if isinstance(m.string, str) else tuple(m.string))
            for m in cat if m.id and m.string and not m.fuzzy
        }

    source, built = table(catalog), table(compiled)
    return sorted(str(id_ if context is None else (context, id_))
                  for context, id_ in source.keys() | built.keys()
                  if source.get((context, id_)) != built.get((context, id_)))


def update(locale):
    """Merge new msgids into the .po (keeping translations) and compile it."""
    template = extract()
    catalog = read_catalog(locale)
    # Keep the header's date, so a run that finds nothing new changes nothing.
    template.creation_date = catalog.creation_date
    catalog.update(template, no_fuzzy_matching=True)
    with open(po_path(locale), "wb") as handle:
        write_po(handle, catalog, width=88, ignore_obsolete=True)
    with open(mo_path(locale), "wb") as handle:
        write_mo(handle, catalog)
    return untranslated(catalog, template)
