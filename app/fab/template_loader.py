"""Where Jinja finds templates, and the scripts that adjust Flask-AppBuilder's.

Templates: the app's overrides of FAB's templates first
(app/fab/templates/appbuilder/...), then the app's own (app/web/templates)
and FAB's blueprint, and FAB's originals once more under the prefix "fab/",
so that an override can extend or render the template it replaces
({% extends 'fab/appbuilder/general/widgets/list.html' %}).

Scripts: FAB's ``ab.js`` gives every Select2 field the placeholder "Select"
and ``ab_actions.js`` alerts "No row selected" in English;
app/fab/static/fab_texts.js (served as ``pontive_fab.static``) puts the
page's translations (app/fab/templates/fab_texts.html) in their place.

Relies on: FAB rendering its pages from templates named ``appbuilder/...``
looked up through the app's Jinja loader (its blueprint's folder comes after
the app's), those templates living in ``flask_appbuilder/templates``; and
its scripts calling ``$.fn.select2({placeholder: "Select", ...})`` and the
global ``ab_alert(text)``.
"""
import os

import flask_appbuilder
from flask import Blueprint
from flask_babel import get_locale
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

FAB_TEMPLATES = os.path.join(os.path.dirname(flask_appbuilder.__file__), "templates")
HERE = os.path.dirname(__file__)
OVERRIDES = os.path.join(HERE, "templates")


def current_locale():
    """The language the page is in (FAB's menu reads the session's choice,
    which is empty until someone picks one)."""
    return str(get_locale())


def register(app):
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(OVERRIDES), app.jinja_loader,
        PrefixLoader({"fab": FileSystemLoader(FAB_TEMPLATES)})])
    app.jinja_env.globals["current_locale"] = current_locale
    app.register_blueprint(Blueprint(
        "pontive_fab", __name__, static_folder=os.path.join(HERE, "static"),
        static_url_path="/static/pontive-fab"))
