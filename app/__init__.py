"""The Pontive Center meeting-room loan panel (Flask-AppBuilder)."""
import logging
import os
import secrets

import click
from flask import Flask
from flask_appbuilder import AppBuilder

from app.platform.extensions import csrf, db, migrate

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIGRATIONS_DIR = os.path.join(PROJECT_DIR, "migrations")

log = logging.getLogger(__name__)


class InsecureSecretKey(RuntimeError):
    pass


def instance_secret_key(instance_path):
    """A random key kept in the instance folder, made on first use."""
    path = os.path.join(instance_path, "secret_key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()


def instance_dir():
    return os.path.join(PROJECT_DIR, "instance")


def database_uri(configured, instance_path=None):
    """The URL the app uses: ``configured`` (DATABASE_URL) in SQLAlchemy's
    spelling, or the SQLite file in the instance folder when it is empty."""
    if not configured:
        return "sqlite:///" + os.path.join(instance_path or instance_dir(), "pontive.db")
    uri = configured
    if uri.startswith("postgres://"):  # the form many hosts hand out
        uri = "postgresql://" + uri[len("postgres://"):]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    return uri


def _finish_config(app):
    from app.security.passwords import password_complexity
    from app.security.roles import fab_roles
    from config import DEFAULT_APP_BASE_URL, DEVELOPMENT_SECRET_KEY

    # The roles and the password rule are the app's code, not settings.
    app.config["FAB_ROLES"] = fab_roles()
    app.config["FAB_PASSWORD_COMPLEXITY_VALIDATOR"] = password_complexity

    os.makedirs(app.instance_path, exist_ok=True)
    single_machine = not app.config.get("SQLALCHEMY_DATABASE_URI")
    uri = database_uri(app.config.get("SQLALCHEMY_DATABASE_URI"), app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")
    if uri.startswith("sqlite"):
        # Writers wait for each other instead of failing at once.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    if (app.config["APP_BASE_URL"] == DEFAULT_APP_BASE_URL
            and not app.debug and not app.testing):
        log.warning("APP_BASE_URL is not set: links in emails and documents "
                    "point to %s", DEFAULT_APP_BASE_URL)
    if (
        app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
        and not app.debug
        and not app.testing
    ):
        # The install on one machine (default SQLite) needs no settings; a
        # production database needs a SECRET_KEY shared by every process.
        if not single_machine:
            raise InsecureSecretKey(
                "SECRET_KEY is the built-in development key. Set the SECRET_KEY "
                "environment variable when DATABASE_URL is set."
            )
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)


def create_app(config_overrides=None):
    """Build the app. ``config_overrides`` (a dict) wins over config.py."""
    app = Flask(__name__, instance_path=instance_dir(),
                template_folder="web/templates", static_folder="web/static")
    app.config.from_object("config")
    if config_overrides:
        app.config.update(config_overrides)
    _finish_config(app)
    if click.get_current_context(silent=True) is not None:  # the flask command
        from app.ops.startup import quiet_database_failures

        quiet_database_failures(app.config["SQLALCHEMY_DATABASE_URI"])

    from app import models  # noqa: F401  (registers the tables)
    from app.fab import after_views, before_appbuilder

    # Mail each committed SOP step, complaint step and reminder.
    from app.notifications import complaints, reminders, steps  # noqa: F401
    from app.ops.cli import register_commands
    from app.platform import headers as security_headers
    from app.platform.errors import register_error_handlers
    from app.platform.formatting import register_filters
    from app.security import throttle
    from app.web.views import register_views

    before_appbuilder(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)  # before AppBuilder, which exempts its API from CSRF
    security_headers.register(app)
    register_filters(app)
    throttle.init_app(app)
    register_commands(app)

    with app.app_context():
        appbuilder = AppBuilder(base_template="pontive/base.html")
        appbuilder.init_app(app, db.session)
        register_views(appbuilder)
        after_views(app)

    register_error_handlers(app)
    return app
