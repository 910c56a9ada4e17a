"""FAB's date picker (the request form's letter date) speaks the page's
language, starts the week on Monday, and is drawn from the app's own files."""
import re

import pytest
from browsing import is_local, log_in
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _open_letter_date_picker(page, base_url):
    page.goto(f"{base_url}/loans/add")
    page.click("#letter_date")
    picker = page.locator(".datepicker-days")
    expect(picker).to_be_visible()
    return picker


def test_the_date_picker_is_in_indonesian_from_monday(live_server, chromium_browser):
    context = chromium_browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        log_in(page, live_server, "peminjam1")
        picker = _open_letter_date_picker(page, live_server)
        assert picker.locator("th.dow").all_inner_texts() == [
            "Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"]
        month = r"(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September" \
                r"|Oktober|November|Desember) \d{4}"
        expect(picker.locator("th.datepicker-switch")).to_have_text(re.compile(month))
        # The month view names the months in Indonesian too.
        picker.locator("th.datepicker-switch").click()
        months = page.locator(".datepicker-months span.month").all_inner_texts()
        assert months[:5] == ["Jan", "Feb", "Mar", "Apr", "Mei"]
        assert months[-1] == "Des"
        # A picked day is written as the form reads it.
        page.keyboard.press("Escape")
        page.fill("#letter_date", "")
        _open_letter_date_picker(page, live_server).locator(
            "td.day:not(.old):not(.new)", has_text=re.compile(r"^15$")).click()
        expect(page.locator("#letter_date")).to_have_value(re.compile(r"^\d{4}-\d{2}-15$"))

        # In English, English names, still from Monday.
        page.goto(f"{live_server}/lang/en")
        picker = _open_letter_date_picker(page, live_server)
        assert picker.locator("th.dow").all_inner_texts()[:2] == ["Mo", "Tu"]
        assert [url for url in requested if not is_local(url, live_server)] == []
    finally:
        context.close()
