"""The one seam to Flask-AppBuilder's (and Flask's, WTForms' and SQLAlchemy's)
internals. Each module names the behaviour it relies on; tests/test_fab_seam.py
(and test_fab_seam_accounts.py, test_fab_seam_bench.py) fail if an upgrade
changes it.

- forms: the one base form, and FAB's forms, in the user's language
- input_guard: text with a NUL character or a lone surrogate refused before any view
- template_loader, templates/appbuilder/: the app's versions of FAB's templates
- date_picker: FAB's date picker in the page's language, weeks from Monday
- template_gettext: templates translate through the page's catalogue, looked
  up once a page
- navbar: FAB's menu rendered once per language and set of entries
- model_view: safe action and delete endpoints, the base of the app's views
- interface, search_filters: lists' statements, sorting and search filters
  (text as typed, SQLite's case-insensitive LIKE without lower())
- lean_list, search_form: the request list's cells read once, its search form
  drawn once (measured in bench/peers)
- show_widget: the request's page's fields without FAB's dialogues and row
  actions, each value formatted once (measured in bench/peers)
- list_query: the REST API's ``q`` argument checked against its schema
- url_arguments: FAB's list arguments checked before FAB reads them
- security_manager, security_views, role_permissions: FAB's security pages
- auth_views, revocable_sessions: login (with its limit), logout as a POST,
  password pages; sessions and tokens that logout and password changes end
- permission_cache: permission checks from one look-up per request
- rison_schema: the REST API's argument schemas checked once
"""
from app.fab import (
    date_picker,
    forms,
    input_guard,
    navbar,
    rison_schema,
    template_gettext,
    template_loader,
    url_arguments,
)


def before_appbuilder(app):
    """Call before CSRFProtect and AppBuilder start: the input guard runs
    before every other ``before_request`` function (CSRF reads the form too)."""
    forms.install()
    input_guard.register(app)
    template_loader.register(app)
    template_gettext.register(app)
    navbar.register(app)
    date_picker.register(app)


def after_views(app):
    """Call once every view and API is registered."""
    url_arguments.register(app)
    rison_schema.install()
