"""Test fixtures: a fresh database per test, cloned from one prepared template.

SQLite by default (a file copied per test). When TEST_DATABASE_URL points at
PostgreSQL, the template is a database and each test gets
``CREATE DATABASE ... TEMPLATE ...``.

The suite runs on a fixed clock, so that it passes whatever the date:
``PONTIVE_TODAY`` (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``, office time) says
when it starts, ``today`` runs it on the machine's clock.
"""
import contextlib
import os
import shutil
import socket
import uuid

import pytest
import sqlalchemy as sa
from apps import app_config, make_app, running
from clock import start_clock
from helpers import login
from sqlalchemy.engine import make_url

from app import create_app
from app.platform.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_configure(config):
    start_clock(os.environ.get("PONTIVE_TODAY", ""))


def pytest_report_header(config):
    from app.platform.timeutil import to_local, utcnow

    return f"office clock: {to_local(utcnow()):%A %Y-%m-%d %H:%M} (PONTIVE_TODAY)"


def _pg_url(url):
    url = make_url(url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


class PostgresDatabases:
    def __init__(self, url):
        self.base = _pg_url(url)
        self.admin = sa.create_engine(self.base, isolation_level="AUTOCOMMIT",
                                      poolclass=sa.pool.NullPool)
        self.prefix = f"{self.base.database}_pc{os.getpid()}"

    def url(self, name):
        return self.base.set(database=name).render_as_string(hide_password=False)

    def create(self, name, template=None):
        self.drop(name)
        with self.admin.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{suffix}')

    def drop(self, name):
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _prepare(app):
    from app.ops.demo import load_demo
    from app.ops.setup import prepare_database

    with app.app_context():
        prepare_database()
        load_demo()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """A database with the schema, roles, room and demo data, made once."""
    root = tmp_path_factory.mktemp("template")
    uploads = root / "uploads"
    if TEST_DATABASE_URL:
        pg = PostgresDatabases(TEST_DATABASE_URL)
        name = f"{pg.prefix}_tmpl"
        pg.create(name)
        _prepare(create_app(app_config(pg.url(name), str(uploads))))
        yield {"kind": "postgresql", "pg": pg, "name": name, "uploads": uploads}
        pg.drop(name)
    else:
        path = root / "template.db"
        _prepare(create_app(app_config(f"sqlite:///{path}", str(uploads))))
        yield {"kind": "sqlite", "path": path, "uploads": uploads}


@contextlib.contextmanager
def _cloned_database(template_database, directory):
    """A fresh copy of the template database (and its uploads) in ``directory``."""
    shutil.copytree(template_database["uploads"], directory / "uploads")
    if template_database["kind"] == "sqlite":
        path = directory / "test.db"
        shutil.copy(template_database["path"], path)
        yield f"sqlite:///{path}"
    else:
        pg = template_database["pg"]
        name = f"{pg.prefix}_{uuid.uuid4().hex[:8]}"
        pg.create(name, template=template_database["name"])
        try:
            yield pg.url(name)
        finally:
            pg.drop(name)


@pytest.fixture
def database_url(template_database, tmp_path):
    """A fresh copy of the template database for one test."""
    with _cloned_database(template_database, tmp_path) as url:
        yield url


@pytest.fixture
def app(database_url, tmp_path):
    with running(make_app(database_url, str(tmp_path / "uploads"))) as app:
        yield app


@pytest.fixture(scope="module")
def module_app(template_database, tmp_path_factory):
    """One app and database shared by a whole test module.

    For modules of many read-only checks; a test that changes data must
    leave nothing behind that another test of the module relies on.
    """
    directory = tmp_path_factory.mktemp("module")
    with _cloned_database(template_database, directory) as url:
        with running(make_app(url, str(directory / "uploads"))) as app:
            yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(app):
    """``login_as("peminjam1")`` gives a test client logged in as that user."""
    def _login(username):
        return login(app.test_client(), username)

    return _login


class _Outbox(list):
    """What the test SMTP server received, as parsed email messages."""

    def to(self, address):
        return [m for m in self if address in m["To"]]


@pytest.fixture
def outbox(app):
    """A real SMTP server on 127.0.0.1 that keeps every message it receives.

    The app under test is pointed at it, so mail goes through smtplib and the
    SMTP protocol exactly as in production.
    """
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    received = _Outbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(message_from_bytes(envelope.original_content,
                                               policy=policy.default))
            return "250 OK"

    with socket.socket() as probe:  # a free port (aiosmtpd cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        yield received
    finally:
        controller.stop()
