"""A borrower logs in and submits a request with the keyboard alone: Tab to
each field, typing, Space and Enter; no click, no fill."""
import re
from datetime import timedelta

import pytest
from helpers import PASSWORD, make_pdf
from playwright.sync_api import expect

from app.platform.timeutil import to_local, utcnow

pytestmark = pytest.mark.browser

MOST_TABS = 60  # more presses than any form here needs


@pytest.fixture
def live_server_config():
    """Bookings on any day at any hour: tomorrow evening is free whatever the date."""
    return {"BOOKING_MIN_NOTICE_DAYS": 0, "OFFICE_DAYS": list(range(7)),
            "OFFICE_HOURS_START": "00:00", "OFFICE_HOURS_END": "23:59",
            "HOLIDAYS_ENABLED": False}


def _focused(page, selector):
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def tab_to(page, selector):
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(MOST_TABS):
        if _focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reaches {selector}")


def type_into(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def type_time(page, selector, moment):
    """A datetime-local input, typed part by part as Chromium shows it (its own
    UI language, month/day/year and a 12-hour clock here), Tab between the
    date and the time."""
    tab_to(page, selector)
    page.keyboard.type(moment.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type(moment.strftime("%I%M") + moment.strftime("%p")[0])
    expect(page.locator(selector)).to_have_value(moment.strftime("%Y-%m-%dT%H:%M"))


def test_a_request_submitted_with_the_keyboard_alone(live_server, chromium_browser):
    context = chromium_browser.new_context(locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server}/login/")
        type_into(page, "#username", "peminjam1")
        type_into(page, "#password", PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator(".pontive-dashboard")).to_be_visible()
        # The first Tab reaches the link past the menu, to the page's content.
        page.keyboard.press("Tab")
        assert _focused(page, ".pontive-skip-link")
        page.keyboard.press("Enter")
        assert _focused(page, "#pontive-main")

        tab_to(page, "a[href='/loans/add']")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        form = page.locator("form#model_form")
        expect(form).to_be_visible()

        start = (to_local(utcnow()) + timedelta(days=1)).replace(
            hour=19, minute=0, second=0, microsecond=0)
        type_into(page, "#title", "Rapat Keyboard")
        type_into(page, "#participants", "12")
        type_time(page, "input[name=sessions-start]", start)
        type_time(page, "input[name=sessions-end]", start + timedelta(hours=1, minutes=30))
        type_into(page, "#letter_number", "005/123/2026")
        type_into(page, "#letter_date", to_local(utcnow()).date().isoformat())
        page.keyboard.press("Escape")  # the date picker closes
        type_into(page, "#subject", "Permohonan peminjaman ruang rapat")
        tab_to(page, "#letter")
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(files=[{"name": "surat.pdf", "mimeType": "application/pdf",
                                        "buffer": make_pdf("Rapat Keyboard")}])
        type_into(page, "#contact_name", "Rina Wulandari")
        type_into(page, "#contact_phone", "0812-5555-0101")
        tab_to(page, "#no_buffet_pledge")
        page.keyboard.press("Space")
        expect(page.locator("#no_buffet_pledge")).to_be_checked()
        tab_to(page, "form#model_form button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")

        assert "/loans/show/" in page.url, " | ".join(
            page.locator(".alert-danger, .pontive-field-error").all_inner_texts())
        expect(page.locator(".alert-success")).to_contain_text(
            re.compile(r"Permohonan \S+ berhasil diajukan\."))
    finally:
        context.close()
