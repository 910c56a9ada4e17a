"""The screenshot of the bell for docs/sop-and-roles.md: docs/notices-bell.png.

    python tests/e2e/notices_screenshot.py

Builds a scratch database (the demo data, then a request of peminjam1 that
the Kabid disposes and the Kasi proposes another schedule for), serves it on
127.0.0.1 and photographs peminjam1's Notifikasi page, with the bell and its
count in the navbar, in Debian's Chromium. Not part of the test suite.
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE.parent)]

from browsing import log_in  # noqa: E402
from helpers import proposed_reschedule  # noqa: E402
from shots import shoot, showing  # noqa: E402


def scenario():
    proposed_reschedule("peminjam1", "Rapat Koordinasi Pendidikan Inklusif")


def main():
    with showing("notice-shots-", scenario) as (browser, base, _):
        page = browser.new_page(viewport={"width": 1366, "height": 700})
        log_in(page, base, "peminjam1")
        page.goto(f"{base}/notices/")
        shoot(page, "notices-bell.png")


if __name__ == "__main__":
    main()
