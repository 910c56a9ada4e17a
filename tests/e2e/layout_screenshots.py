"""Screenshots of the panel at a laptop's 1366 px and a phone's 390 px for
docs/sop-and-roles.md: docs/screenshots/<page>-<width>.png.

    python tests/e2e/layout_screenshots.py

Serves a scratch database with the demo data on 127.0.0.1 and photographs the
main pages of each role in Debian's Chromium: the navbar in one row, the
Indonesian date picker and language menu, the phone's collapsed menu, and
pages no wider than the phone. Not part of the test suite.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE.parent)]

from browsing import log_in  # noqa: E402
from shots import DOCS, shoot, showing  # noqa: E402

# (file name, account or None, path, widths, what to do before the picture)
SHOTS = [
    ("dashboard-kasi", "kasi", "/", (1366, 390), None),
    ("tasks-kasi", "kasi", "/tasks/", (1366, 390), None),
    ("requests-kasi", "kasi", "/loans/list/", (1366, 390), None),
    ("request-peminjam", "peminjam1", "/loans/show/1", (390,), None),
    ("request-form-date-picker", "peminjam1", "/loans/add", (1366,), "date picker"),
    ("request-form", "peminjam1", "/loans/add", (390,), None),
    ("agenda-adminpc", "adminpc", "/agenda/", (1366, 390), None),
    ("roles-admin", "admin", "/roles/list/", (1366,), None),
    ("language-menu", "peminjam1", "/", (1366,), "language menu"),
    ("menu-phone", "peminjam1", "/", (390,), "phone menu"),
    ("public", None, "/", (390,), None),
    ("register", None, "/register/", (1366, 390), None),
]


def prepare(page, action):
    if action == "date picker":
        page.click("#letter_date")
        page.locator(".datepicker-days").wait_for()
    elif action == "language menu":
        page.click(".pontive-language .dropdown-toggle")
        page.mouse.move(600, 500)  # away: FAB's tooltip would cover the menu
    elif action == "phone menu":
        page.click(".navbar-toggle")
        page.locator("#pontive-navbar-menu").wait_for()
        page.wait_for_timeout(400)  # Bootstrap's collapse animation


def main():
    (DOCS / "screenshots").mkdir(exist_ok=True)
    with showing("layout-shots-") as (browser, base, _):
        for name, username, path, widths, action in SHOTS:
            for width in widths:
                context = browser.new_context(
                    locale="id-ID", viewport={"width": width, "height": 860})
                page = context.new_page()
                if username:
                    log_in(page, base, username)
                page.goto(f"{base}{path}")
                if action:
                    prepare(page, action)
                # The laptop's view as it opens; the phone's whole page.
                shoot(page, f"screenshots/{name}-{width}.png", full_page=width < 768)
                context.close()


if __name__ == "__main__":
    main()
