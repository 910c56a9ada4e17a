"""Fixtures for browser tests: the app served over real HTTP, and Chromium.

The app runs as it does in production as far as a browser can tell: a real
WSGI server on 127.0.0.1, CSRF protection on, a random secret key, and the
per-test database from the ``database_url`` fixture.
"""
import os
import secrets

import pytest
from apps import serving

from app import create_app
from app.platform.extensions import db

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def live_server_config():
    """Settings a test module gives its live server (override this fixture)."""
    return {}


@pytest.fixture
def live_server(database_url, tmp_path, live_server_config):
    """The app served on a free 127.0.0.1 port; yields its base URL."""
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SECRET_KEY": secrets.token_hex(32),
        "WTF_CSRF_ENABLED": True,  # the real login form posts its token
        "SERVER_NAME": None,
        "SESSION_COOKIE_SECURE": False,  # plain http on 127.0.0.1
        **live_server_config,
    })
    assert app.config["WTF_CSRF_ENABLED"]
    try:
        with serving(app) as base_url:
            yield base_url
    finally:
        with app.app_context():
            db.engine.dispose()  # let the per-test database be dropped


@pytest.fixture
def chromium_browser():
    """Debian's Chromium, headless, driven by Playwright (never downloaded)."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} not found (apt-get install chromium)"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"{message}: browser tests must run in CI")
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()
