"""A borrower logs in through the real login form in Chromium.

The browser asks for English (Accept-Language en-US) on purpose: the panel
must still speak Indonesian, its default.
"""
import re
from urllib.parse import urlsplit

import pytest
from browsing import is_local
from helpers import PASSWORD
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Words an English page would show where the Indonesian one must not.
ENGLISH_NAVBAR = re.compile(r"\b(Log ?in|Log ?out|Sign in|Profile|Dashboard)\b",
                            re.IGNORECASE)
# FAB's "Invalid login. Please try again." as an Indonesian catalog may say it.
INDONESIAN_LOGIN_ERROR = re.compile(r"gagal|salah|tidak (valid|sah|cocok)", re.IGNORECASE)


def test_borrower_logs_in_and_sees_indonesian_dashboard(live_server, chromium_browser):
    context = chromium_browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    requested, page_errors = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    try:
        page.goto(f"{live_server}/login/")
        form = page.locator("form[name=login]")
        expect(form).to_be_visible()
        # The token the server checks is really in the form (CSRF is on).
        expect(form.locator("input[name=csrf_token]")).to_have_value(re.compile(r".{20,}"))
        expect(page.locator(".panel-title")).to_have_text("Masuk")
        # The server enforces it: the same login posted without the token fails.
        tokenless = context.request.post(
            f"{live_server}/login/", max_redirects=0,
            form={"username": "peminjam1", "password": PASSWORD})
        assert tokenless.status == 400, tokenless.status

        # A mistyped password: back on the login page, told so in Indonesian.
        page.fill("#username", "peminjam1")
        page.fill("#password", "salah-" + PASSWORD)
        page.click("form[name=login] [type=submit]")
        alert = page.locator(".alert")
        expect(alert).to_be_visible()
        expect(alert).to_have_text(INDONESIAN_LOGIN_ERROR)
        expect(alert).not_to_contain_text("Invalid login")
        assert urlsplit(page.url).path == "/login/"
        expect(page.locator(".navbar")).not_to_contain_text("Rina Wulandari")

        # The right password: the dashboard, in Indonesian.
        page.fill("#username", "peminjam1")
        page.fill("#password", PASSWORD)
        page.click("form[name=login] [type=submit]")
        page.wait_for_url(f"{live_server}/")

        dashboard = page.locator(".pontive-dashboard")
        expect(dashboard).to_be_visible()
        expect(dashboard).to_contain_text("Rina Wulandari")  # the welcome line
        counts = dashboard.locator("table.pontive-status-counts")
        expect(counts).to_be_visible()
        expect(counts.locator("tbody tr")).not_to_have_count(0)

        navbar = page.locator(".navbar")
        user_menu = navbar.get_by_role("link", name="Rina Wulandari")
        expect(user_menu).to_be_visible()
        user_menu.click()
        logout = navbar.get_by_role("button", name="Keluar")  # a form's POST
        expect(logout).to_be_visible()
        expect(navbar.get_by_role("link", name="Profil")).to_be_visible()
        navbar_text = navbar.inner_text()
        assert not ENGLISH_NAVBAR.search(navbar_text), navbar_text
        assert "Login" not in page.locator("body").inner_text()

        # Logging out posts the form with its CSRF token: the session ends.
        logout.click()
        page.wait_for_url(f"{live_server}/")
        expect(page.locator(".navbar")).not_to_contain_text("Rina Wulandari")
        page.goto(f"{live_server}/loans/list/")
        assert urlsplit(page.url).path == "/login/"

        assert not page_errors, f"JavaScript errors: {page_errors}"
    finally:
        context.close()

    assert requested, "the browser recorded no requests"
    outside = [url for url in requested if not is_local(url, live_server)]
    assert not outside, f"loaded from outside 127.0.0.1: {outside}"
