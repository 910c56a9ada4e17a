"""Where Jinja finds templates: the app's overrides of Flask-AppBuilder's
templates first (app/fab/templates/appbuilder/...), then the app's own
(app/web/templates) and FAB's blueprint, and FAB's originals once more
under the prefix "fab/", so that an override can extend or render the
template it replaces ({% extends 'fab/appbuilder/general/widgets/list.html' %}).

Relies on: FAB rendering its pages from templates named
``appbuilder/...`` looked up through the app's Jinja loader (its
blueprint's folder comes after the app's), and those templates living in
``flask_appbuilder/templates``.
"""
import os

import flask_appbuilder
from flask_babel import get_locale
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

FAB_TEMPLATES = os.path.join(os.path.dirname(flask_appbuilder.__file__), "templates")
OVERRIDES = os.path.join(os.path.dirname(__file__), "templates")


def current_locale():
    """The language the page is in (FAB's menu reads the session's choice,
    which is empty until someone picks one)."""
    return str(get_locale())


def register(app):
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(OVERRIDES), app.jinja_loader,
        PrefixLoader({"fab": FileSystemLoader(FAB_TEMPLATES)})])
    app.jinja_env.globals["current_locale"] = current_locale
