"""Screenshots of booking for docs/sop-and-roles.md: a free slot clicked in the
agenda, the form it fills, a taken time's suggestions, a recurring preview.

    python tests/e2e/booking_screenshots.py

Builds a scratch database (the agenda's screenshot scenario,
tests/e2e/agenda_screenshots.py), serves it on 127.0.0.1 and photographs
the pages in Debian's Chromium as peminjam1. Not part of the test suite.
"""
import sys
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE.parent)]

from agenda_screenshots import scenario  # noqa: E402
from browsing import log_in  # noqa: E402
from helpers import make_pdf  # noqa: E402
from shots import shoot, showing  # noqa: E402

from app.models import Room  # noqa: E402
from app.platform.extensions import db  # noqa: E402
from app.platform.timeutil import to_local, utcnow  # noqa: E402


def staging():
    """The agenda's scenario; returns next week's Monday, the room shown,
    a letter to attach and today."""
    next_week = scenario()
    room = db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()
    return (next_week, room.id, make_pdf("Rapat Koordinasi Kota Cerdas"),
            to_local(utcnow()).date().isoformat())


def main():
    with showing("booking-shots-", staging) as (browser, base, staged):
        next_week, room_id, letter, today = staged
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="id-ID")
        log_in(page, base, "peminjam1")
        # The agenda's week of one room: free times are dashed green links.
        page.goto(f"{base}/agenda/?view=week&date={next_week.isoformat()}"
                  f"&room={room_id}")
        shoot(page, "booking-agenda-free.png", full_page=True)
        # One click: the form filled with the room, the day and the times.
        free = page.locator("a.pontive-agenda-free").nth(1)
        free.click()
        page.wait_for_load_state()
        form = page.locator("form#model_form")
        shoot(form, "booking-clicked-slot.png")
        # A taken time: the nearest free ones as buttons.
        taken = next_week.isoformat()  # the Seminar holds 09.00-11.00
        form.locator("input[name=sessions-start]").fill(f"{taken}T09:30")
        form.locator("input[name=sessions-end]").fill(f"{taken}T11:30")
        for field, value in (("#title", "Rapat Koordinasi Kota Cerdas"),
                             ("#participants", "20"), ("#letter_number", "400/1/2026"),
                             ("#subject", "Permohonan"), ("#contact_name", "Rina"),
                             ("#contact_phone", "0812-5555-0101")):
            form.locator(field).fill(value)
        form.locator("#letter_date").press_sequentially(today)
        form.locator("#letter_date").press("Escape")
        form.locator("#letter").set_input_files(files=[{
            "name": "surat.pdf", "mimeType": "application/pdf", "buffer": letter}])
        form.locator("#no_buffet_pledge").check()
        with page.expect_navigation():
            form.get_by_role("button", name="Simpan").click()
        shoot(page.locator(".pontive-sessions").locator(".."), "booking-suggestions.png")
        # A recurring activity: each session with its verdict (the
        # Thursday of next week is held; Christmas Eve is cuti bersama).
        recurring = page.locator(".pontive-recurrence")
        thursday = (next_week + timedelta(days=3)).isoformat()
        page.locator("input[name=sessions-start]").fill(f"{thursday}T09:00")
        page.locator("input[name=sessions-end]").fill(f"{thursday}T11:00")
        recurring.locator("input[name=sessions-until]").fill(
            (next_week + timedelta(weeks=8)).isoformat())
        recurring.get_by_role("button", name="Pratinjau sesi").click()
        recurring.locator(".pontive-recurrence-table").wait_for()
        shoot(recurring, "booking-recurring-preview.png")


if __name__ == "__main__":
    main()
