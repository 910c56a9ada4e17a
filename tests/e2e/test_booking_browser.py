"""Booking in Chromium (issue 17): a borrower clicks a free slot on the
availability page and gets the request form filled with it; a taken time is
refused with the nearest free times as buttons, and one click puts one into
the form, which is then accepted."""
import re

import pytest
from browsing import log_in
from helpers import make_pdf
from playwright.sync_api import expect
from test_availability import at, new_loan, new_room, office_days

from app.platform.timeutil import to_local, utcnow

pytestmark = [pytest.mark.browser, pytest.mark.date_sensitive]


@pytest.fixture
def taken_day(app):
    """A room of its own, held 09.00–12.00 on an office day by peminjam2."""
    room = new_room("Ruang Uji Klik")
    day, = office_days(1)
    new_loan("peminjam2", room, [(at(day, 9), at(day, 12))], steps=("dispose", "confirm"))
    return {"room": room.id, "name": room.name, "day": day}


def new_page(browser, errors):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page


def fill_details(form, letter):
    form.locator("#title").fill("Rapat Koordinasi Kota Cerdas")
    form.locator("#participants").fill("20")
    form.locator("#letter_number").fill("400/12/Disdikbud/2026")
    letter_date = to_local(utcnow()).date().isoformat()
    form.locator("#letter_date").press_sequentially(letter_date)
    form.locator("#letter_date").press("Escape")
    form.locator("#subject").fill("Permohonan Peminjaman Ruang Rapat")
    form.locator("#letter").set_input_files(files=[{
        "name": "surat.pdf", "mimeType": "application/pdf", "buffer": letter}])
    form.locator("#contact_name").fill("Rina Wulandari")
    form.locator("#contact_phone").fill("0812-5555-0101")
    form.locator("#no_buffet_pledge").check()


def test_click_a_free_slot_then_take_a_suggested_time(live_server, chromium_browser,
                                                      taken_day):
    errors = []
    context, page = new_page(chromium_browser, errors)
    day = taken_day["day"].isoformat()
    log_in(page, live_server, "peminjam1")
    page.goto(f"{live_server}/availability/?room={taken_day['room']}&start={day}&end={day}")

    free = page.locator("a.pontive-free-request")
    expect(free).to_have_count(2)
    with page.expect_navigation():
        free.nth(1).click()  # 12.30–16.00, after the booking and its preparation

    form = page.locator("form#model_form")
    expect(form.locator("#room option:checked")).to_have_text(taken_day["name"])
    start, end = form.locator("input[name=sessions-start]"), form.locator(
        "input[name=sessions-end]")
    expect(start).to_have_value(f"{day}T12:30")
    expect(end).to_have_value(f"{day}T16:00")

    # A time the booking holds is refused, with the free times as buttons.
    start.fill(f"{day}T10:00")
    end.fill(f"{day}T13:00")
    letter = make_pdf("Rapat Koordinasi Kota Cerdas")
    fill_details(form, letter)
    with page.expect_navigation():
        form.get_by_role("button", name="Simpan").click()
    buttons = page.locator(".pontive-session-fill")
    expect(buttons.first).to_be_visible()
    buttons.first.click()
    expect(buttons.first).to_have_attribute("aria-pressed", "true")
    expect(start).to_have_value(f"{day}T12:30")
    expect(end).to_have_value(f"{day}T15:30")

    # The suggested time is accepted (the letter is chosen again).
    form.locator("#letter").set_input_files(files=[{
        "name": "surat.pdf", "mimeType": "application/pdf", "buffer": letter}])
    form.locator("#no_buffet_pledge").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Simpan").click()
    assert "/loans/show/" in page.url, " | ".join(
        page.locator(".alert-danger, .pontive-field-error").all_inner_texts())
    expect(page.locator(".alert-success")).to_contain_text(re.compile("berhasil diajukan"))
    assert errors == []
    context.close()
