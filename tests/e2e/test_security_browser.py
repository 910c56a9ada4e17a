"""The Content-Security-Policy in a real browser: the main pages of each kind
run their scripts and styles without a single CSP violation, and load
nothing from outside the app."""
import pytest
from browsing import is_local, log_in

pytestmark = pytest.mark.browser

PAGES = {
    "kasi": ["/", "/loans/list/", "/tasks/", "/agenda/", "/availability/",
             "/closed-dates/add", "/reports/loan-register/", "/swagger/v1"],
    "peminjam1": ["/loans/add", "/calendar/"],
}


@pytest.mark.parametrize("username", PAGES)
def test_pages_run_without_csp_violations(live_server, chromium_browser, username):
    context = chromium_browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations, errors, requested = [], [], []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))
    try:
        log_in(page, live_server, username)
        for path in PAGES[username]:
            response = page.goto(f"{live_server}{path}")
            assert response.status == 200, path
            assert "Content-Security-Policy" in {k.title() for k in response.headers}
            page.wait_for_load_state("networkidle")
            # jQuery (FAB's menus and forms) has run.
            assert page.evaluate("typeof window.jQuery") == "function", path
    finally:
        context.close()
    assert not violations, violations
    assert not errors, errors
    outside = [url for url in requested if not is_local(url, live_server)]
    assert not outside, outside
