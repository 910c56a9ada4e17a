"""Test apps: the settings every test app runs with, a client whose requests
each get their own app context, and templates compiled once for all apps.

A module of its own (not conftest.py) so that test modules can import it:
``from conftest import ...`` finds whichever conftest pytest loaded last.
"""
import contextlib
import threading

from flask import has_app_context
from flask.testing import FlaskClient
from jinja2 import MemcachedBytecodeCache
from werkzeug.serving import make_server

from app import create_app
from app.platform.extensions import db


def app_config(database_url, upload_folder, **extra):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": upload_folder,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        # Tests log in often from one address; a test of the login limit
        # turns it on (tests/test_security_login.py).
        "RATELIMIT_ENABLED": False,
        # The demo accounts' hashes are made once, for the template; a cheap
        # method keeps each login fast (production keeps FAB's scrypt).
        "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(extra)
    return config


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context.

    The ``app`` fixture keeps an app context open for the test's own database
    checks. Without this, requests would reuse that context and share ``g``:
    Flask-Login caches the user in ``g``, so a second client (or an anonymous
    one) would act as whoever logged in first. Each request also gets its own
    database session, as in production; afterwards the test's session is
    expired so that it reads what the request committed.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


class _MemoryCache(dict):
    def set(self, key, value, timeout=None):
        self[key] = value


# Compiled templates shared by every test's app, so that each new app does
# not compile FAB's templates again (Jinja checks the source's checksum).
_TEMPLATE_CACHE = MemcachedBytecodeCache(_MemoryCache())


def make_app(database_url, upload_folder, **overrides):
    app = create_app(app_config(database_url, upload_folder, **overrides))
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    return app


@contextlib.contextmanager
def running(app):
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@contextlib.contextmanager
def serving(app):
    """``app`` served over real HTTP by a threaded WSGI server on a free
    127.0.0.1 port (port 0: the kernel picks it, so parallel runs cannot
    collide); yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server",
                              kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()  # returns once serve_forever has stopped
        server.server_close()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the test server did not stop"
