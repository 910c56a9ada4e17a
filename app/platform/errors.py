"""Error pages in the user's language, never a stack trace.

A database that cannot be reached (app/platform/database_outage.py) is 503,
"briefly unavailable", on a page of its own that needs no database (the
usual page's menu reads the user's permissions); the API answers it in
JSON.
"""
import logging

from flask import current_app, g, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.platform.database_outage import is_unavailable, reason
from app.platform.extensions import db

log = logging.getLogger(__name__)
UNAVAILABLE = 503
RETRY_AFTER_SECONDS = 60

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be processed. If you were filling in a form, it may have expired: reload the page and try again.")),
    403: (_l("Access denied"), _l("You do not have access to this page or action.")),
    404: (_l("Not found"), _l("The page or data you are looking for does not exist, "
                              "or you may not see it.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    413: (_l("File too large"), _l("The uploaded file is larger than allowed.")),
    429: (_l("Too many attempts"), _l("Too many attempts from your address. Wait a few "
                                      "minutes, then try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on the server. It has been "
                                          "logged; please try again later.")),
    UNAVAILABLE: (_l("Service briefly unavailable"),
                  _l("The service is briefly unavailable. Please try again in a few "
                     "minutes.")),
}


def _render(code, message=None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    message = message or default
    if request.path.startswith("/api/"):
        return jsonify(message=str(message)), code
    if code == UNAVAILABLE:
        # Without the context processors: Flask-Login's loads the user.
        page = current_app.jinja_env.get_template("pontive/unavailable.html")
        return page.render(title=title, message=message,
                           lang=str(get_locale() or "id")), code
    if "user" not in g:
        # Refused before FAB's before_request set it (the CSRF check, a body
        # over MAX_CONTENT_LENGTH); the page's menu needs it.
        g.user = current_user
    return render_template(
        "pontive/error.html", code=code, title=title, message=message,
        base_template=current_app.appbuilder.base_template,
        appbuilder=current_app.appbuilder,
    ), code


def http_error(error):
    """The app's page (or JSON) for an HTTP error."""
    if error.code is None or error.code < 400 or error.code not in MESSAGES:
        return error
    body, code = _render(error.code, getattr(error, "user_message", None))
    # Keep what the error says in headers (Allow of a 405, Retry-After).
    headers = [(k, v) for k, v in error.get_headers() if k != "Content-Type"]
    return body, code, headers


def register_error_handlers(app):
    app.register_error_handler(HTTPException, http_error)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        if is_unavailable(error):
            return database_unavailable(error)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(InternalServerError.code)


def database_unavailable(error):
    """The 503 answer while the database cannot be reached."""
    log.error("Database unavailable on %s %s: %s", request.method, request.path,
              reason(error))
    try:
        db.session.rollback()  # nothing half done is kept
    except SQLAlchemyError:  # the connection may be gone with it
        log.debug("Rollback without a database", exc_info=True)
    body, code = _render(UNAVAILABLE)
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}
