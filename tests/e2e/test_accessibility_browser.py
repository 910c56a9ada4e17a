"""axe-core (bundled with axe-playwright-python; nothing is fetched) on the
main pages of each role at 1366 px (and a borrower's at 390 px): lists, a
request's page, the add forms and a step form, the agenda, the dashboard and
the login. A serious or critical
violation fails the test, with axe's report of it."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from browsing import log_in

pytestmark = pytest.mark.browser

SHOW = "first-request"  # the first request of the role's list
STEP = "first-step"  # the first step offered on the first request waiting for the role
PAGES = {
    "anonymous": ["/", "/login/", "/register/", "/forgot-password/"],
    "peminjam1": ["/", "/loans/list/", SHOW, "/loans/add", "/availability/",
                  "/agenda/", "/complaints/", "/complaints/add", "/tasks/"],
    "kabid": ["/", "/tasks/", "/loans/list/", SHOW, STEP],
    "kasi": ["/", "/tasks/", "/loans/list/", SHOW, "/agenda/?view=week",
             "/borrower-accounts/list/", "/borrower-accounts/add",
             "/reports/loan-register/"],
    "adminpc": ["/", "/agenda/", "/agenda/?view=day", "/damage/list/", "/damage/add",
                "/rooms/list/", "/equipment/add"],
    "admin": ["/", "/users/list/", "/users/add", "/roles/list/", "/rooms/add",
              "/institutions/add", "/closed-dates/add"],
}
SERIOUS = ("serious", "critical")


def _resolve(page, base_url, path):
    """The address of a page named by a placeholder."""
    if path == SHOW:
        page.goto(f"{base_url}/loans/list/")
        return page.locator("a[href*='/loans/show/']").first.get_attribute("href")
    if path == STEP:
        page.goto(f"{base_url}/tasks/")
        page.locator("tr.pontive-task a").first.click()
        return page.locator("a[href*='/loans/step/']").first.get_attribute("href")
    return path


@pytest.mark.parametrize("username, width", [(username, 1366) for username in PAGES]
                         # borrowers book from phones too
                         + [("anonymous", 390), ("peminjam1", 390)])
def test_no_serious_accessibility_violation(live_server, chromium_browser, username,
                                            width):
    axe = Axe()
    context = chromium_browser.new_context(
        locale="id-ID", viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    found = {}
    try:
        if username != "anonymous":
            log_in(page, live_server, username)
        for path in PAGES[username]:
            path = _resolve(page, live_server, path)
            response = page.goto(f"{live_server}{path}")
            assert response.status == 200, path
            assert page.locator("html").get_attribute("lang") == "id"
            results = axe.run(page)
            serious = [v for v in results.response["violations"]
                       if v["impact"] in SERIOUS]
            if serious:
                found[path] = "\n".join(
                    results.generate_report(v["id"]) for v in serious)
        assert not found, "\n\n".join(f"{path}:\n{report}"
                                      for path, report in found.items())
    finally:
        context.close()
