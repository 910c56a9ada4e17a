"""The panel's layout at a laptop's 1366 px and a phone's 390 px, as every
role sees it: the navbar in one row on the laptop and collapsed behind its
button on a tablet and the phone, the footer under the content column, and no page wider
than the phone's screen (wide tables scroll inside their own box)."""
import re

import pytest
from browsing import log_in
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROLES = ("admin", "kabid", "kasi", "adminpc", "peminjam1")
# Pages besides the menu's entries: a request's page, the add forms, the
# agenda's other views, the public pages.
EXTRA = {"peminjam1": ["/loans/show/1", "/loans/add", "/complaints/add"],
         "kabid": ["/loans/show/1"],
         "kasi": ["/loans/show/1", "/borrower-accounts/add", "/agenda/?view=week"],
         "adminpc": ["/agenda/?view=day", "/damage/add"],
         "admin": ["/users/add", "/roles/show/1", "/rooms/add"],
         "anonymous": ["/", "/login/", "/register/", "/forgot-password/"]}


HIDDEN_VALUES = """() => [...document.querySelectorAll('.table-responsive')].some(
    box => box.querySelector(':scope > table > tbody > tr > th')
           && box.scrollWidth > box.clientWidth + 1)"""


def _navbar_rows(page):
    """How many rows the navbar's brand and entries take."""
    return page.evaluate("""() => {
        const items = [...document.querySelectorAll(
            '.navbar .navbar-brand, .navbar .navbar-nav > li')];
        return new Set(items.map(e => Math.round(e.getBoundingClientRect().top))).size;
    }""")


def _menu_paths(page):
    return page.eval_on_selector_all(
        ".navbar-nav a[href^='/']",
        "links => links.map(a => a.getAttribute('href'))"
        ".filter(h => !h.startsWith('/lang/'))")


@pytest.mark.parametrize("username", ROLES)
def test_the_navbar_is_one_row_at_1366_px(live_server, chromium_browser, username):
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server, username)
        assert _navbar_rows(page) == 1
        assert page.locator(".navbar").bounding_box()["height"] <= 60
        # The footer's text starts where the page's content does.
        content = page.locator(".container h2").first.bounding_box()
        footer = page.locator(".pontive-footer small").bounding_box()
        assert abs(footer["x"] - content["x"]) <= 1
    finally:
        context.close()


@pytest.mark.parametrize("width", [800, 1024])
def test_the_navbar_collapses_where_it_would_wrap(live_server, chromium_browser, width):
    """On a tablet the admin's many entries would take several rows: the
    menu is behind its button, as on a phone, and the logout stays legible."""
    context = chromium_browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, live_server, "admin")
        assert page.locator(".navbar").bounding_box()["height"] <= 60
        expect(page.locator("#pontive-navbar-menu")).to_be_hidden()
        page.locator(".navbar-toggle").click()
        # Bootstrap's collapse is "collapsing" while it opens, "in" once open:
        # a click on the user menu before then may land on a moving entry.
        expect(page.locator("#pontive-navbar-menu")).to_have_class(re.compile(r"\bin\b"))
        page.locator(".navbar-right .dropdown-toggle", has_text="Administrator").click()
        logout = page.locator(".pontive-logout button")
        expect(logout).to_be_visible()
        expect(logout).to_have_css("color", "rgb(157, 157, 157)")  # on the dark bar
    finally:
        context.close()


@pytest.mark.parametrize("username", ROLES + ("anonymous",))
def test_every_main_page_fits_a_390_px_phone(live_server, chromium_browser, username):
    context = chromium_browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if username == "anonymous":
            page.goto(f"{live_server}/")
        else:
            log_in(page, live_server, username)
        # The menu is behind its button, and opens from it.
        menu = page.locator("#pontive-navbar-menu")
        expect(menu).to_be_hidden()
        toggle = page.locator(".navbar-toggle")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(menu).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        assert page.locator(".navbar").bounding_box()["width"] <= 390

        paths = list(dict.fromkeys(_menu_paths(page) + EXTRA.get(username, [])))
        assert len(paths) >= 2
        too_wide = {}
        for path in paths:
            response = page.goto(f"{live_server}{path}")
            assert response.status == 200, path
            width = page.evaluate("() => document.scrollingElement.scrollWidth")
            if width > 390:
                too_wide[path] = width
            # A table of headings and values (a request's page) wraps its
            # text: its values are in sight, not scrolled away.
            if page.evaluate(HIDDEN_VALUES):
                too_wide[path] = "values scrolled out of sight"
        assert too_wide == {}
    finally:
        context.close()


def test_the_registration_form_looks_like_the_rest(live_server, chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server}/register/")
        form_width = page.locator(".pontive-registration td:has(#first_name)").bounding_box()
        for field in ("#first_name", "#phone", "#institution", "#username", "#password"):
            box = page.locator(field).bounding_box()
            assert box["height"] >= 32, field  # Bootstrap's inputs, not the browser's
            assert box["width"] >= form_width["width"] - 20, field
    finally:
        context.close()
