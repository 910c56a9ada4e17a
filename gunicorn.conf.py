"""gunicorn settings for the Pontive Center panel: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Each value can be overridden from the environment (or on the command line).
Every worker is a separate process with its own database connections; they
share nothing but the database, the upload folder and, for the login rate
limit, RATELIMIT_STORAGE_URI (e.g. redis://127.0.0.1:6379), so run as many
as the machine's cores allow.
"""
import os

bind = os.environ.get("GUNICORN_BIND", f"{os.environ.get('HOST', '127.0.0.1')}:"
                                       f"{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads let a worker serve other requests while one waits on the database
# or a slow client (Flask-SQLAlchemy gives each request its own session).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Each worker imports the app itself: no database connection crosses a fork.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # "": no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")


def on_starting(server):
    """Refuse to start on a database the migrations have not brought up to date."""
    # A throwaway app in the master: the workers build their own (wsgi.py),
    # so no connection crosses the fork.
    from app import create_app
    from app.ops.setup import pending_migrations
    from app.ops.startup import database_or_exit
    from app.platform.extensions import db

    with database_or_exit(), create_app().app_context():
        pending = pending_migrations()
        db.engine.dispose()
    if pending:
        raise SystemExit(
            "The database is behind the migrations (" + ", ".join(pending) + "). "
            "Run `flask --app app setup` first.")
