"""Booking in Chromium (issue 17): a borrower clicks a free slot on the
availability page and gets the request form filled with it; a taken time is
refused with the nearest free times as buttons, and one click puts one into
the form, which is then accepted."""
import re

import pytest
from browsing import log_in
from helpers import free_office_day, make_pdf
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


LIMIT = 256 * 1024  # the letter's limit on this server


@pytest.fixture
def live_server_config():
    return {"LETTER_MAX_BYTES": LIMIT, "MAX_CONTENT_LENGTH": LIMIT + 128 * 1024}


def test_the_letter_is_kept_and_a_large_one_refused_in_the_form(app, live_server,
                                                                chromium_browser):
    errors = []
    context, page = new_page(chromium_browser, errors)
    log_in(page, live_server, "peminjam1")
    page.goto(f"{live_server}/loans/add")
    form = page.locator("form#model_form")
    expect(form).to_contain_text("paling besar 0.25 MB")

    # Too large: refused beside the field before anything is sent.
    big = make_pdf() + b"%" + b"x" * (LIMIT + 1)
    form.locator("#letter").set_input_files(files=[{
        "name": "besar.pdf", "mimeType": "application/pdf", "buffer": big}])
    warning = form.locator(".pontive-letter-too-large")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Berkas ini terlalu besar")
    assert form.locator("#letter").evaluate("input => input.files.length") == 0

    # A sound letter with the title left out: refused, the letter kept.
    letter = make_pdf("Rapat Koordinasi Kota Cerdas")
    fill_details(form, letter)
    form.locator("#title").fill("")
    form.locator("#title").evaluate("input => input.removeAttribute('required')")
    day = free_office_day(30, start=(13, 0), end=(15, 0)).isoformat()
    form.locator("input[name=sessions-start]").fill(f"{day}T13:00")
    form.locator("input[name=sessions-end]").fill(f"{day}T15:00")
    with page.expect_navigation():
        form.get_by_role("button", name="Simpan").click()
    expect(form.locator(".pontive-letter-kept")).to_contain_text("surat.pdf")
    expect(form.locator("#contact_phone")).to_have_value("0812-5555-0101")

    form.locator("#title").fill("Rapat Koordinasi Kota Cerdas")
    form.locator("#no_buffet_pledge").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Simpan").click()
    assert "/loans/show/" in page.url, " | ".join(
        page.locator(".alert-danger, .pontive-field-error").all_inner_texts())
    expect(page.locator("a[href^='/loans/letter/']").first).to_be_visible()
    assert errors == []
    context.close()


def test_a_body_too_large_gets_the_form_back(live_server, chromium_browser):
    """Past the browser's check (a browser without it): the server's answer
    is the form with the limit at the letter, not a bare 413 page."""
    errors = []
    context, page = new_page(chromium_browser, errors)
    log_in(page, live_server, "peminjam1")
    page.goto(f"{live_server}/loans/add")
    form = page.locator("form#model_form")
    form.locator("#letter").evaluate("input => input.removeAttribute('data-max-bytes')")
    big = make_pdf() + b"%" + b"x" * (LIMIT + 256 * 1024)
    form.locator("#letter").set_input_files(files=[{
        "name": "besar.pdf", "mimeType": "application/pdf", "buffer": big}])
    form.locator("#title").fill("Rapat")
    with page.expect_navigation() as navigation:
        form.evaluate("form => form.submit()")  # past the browser's own checks
    assert navigation.value.status == 413
    expect(page.locator("form#model_form")).to_be_visible()
    expect(page.locator(".alert-danger").first).to_contain_text("terlalu besar")
    assert errors == []
    context.close()


def test_a_recurring_request_is_previewed_and_its_free_sessions_used(
        app, live_server, chromium_browser):
    from test_recurrence import four_office_weeks

    from app.models import ClosedDate
    from app.platform.extensions import db

    room = new_room("Ruang Uji Berulang")
    weeks = four_office_weeks()
    new_loan("peminjam2", room, [(at(weeks[1], 10), at(weeks[1], 12))],
             steps=("dispose", "confirm"))
    db.session.add(ClosedDate(day=weeks[2], reason="Hari jadi Kota Pontianak"))
    db.session.commit()
    room_id, first, last = room.id, weeks[0].isoformat(), weeks[-1].isoformat()

    errors = []
    context, page = new_page(chromium_browser, errors)
    log_in(page, live_server, "peminjam1")
    page.goto(f"{live_server}/loans/add?room={room_id}&date={first}&start=09:00&end=11:00")
    form = page.locator("form#model_form")
    recurring = form.locator(".pontive-recurrence")
    recurring.locator("select[name=sessions-frequency]").select_option("weekly")
    recurring.locator("input[name=sessions-until]").fill(last)
    recurring.get_by_role("button", name="Pratinjau sesi").click()

    rows = recurring.locator(".pontive-recurrence-row")
    expect(rows).to_have_count(4)
    assert [rows.nth(i).get_attribute("data-verdict") for i in range(4)] == [
        "free", "clash", "holiday", "free"]
    expect(rows.nth(2)).to_contain_text("Hari jadi Kota Pontianak")
    expect(rows.nth(1).locator("input")).not_to_be_checked()
    recurring.get_by_role("button", name="Gunakan sesi yang dicentang").click()

    starts = form.locator("input[name=sessions-start]")
    expect(starts).to_have_count(2)
    expect(starts.nth(0)).to_have_value(f"{first}T09:00")
    expect(starts.nth(1)).to_have_value(f"{last}T09:00")
    expect(form.locator("input[name=sessions-end]").nth(1)).to_have_value(f"{last}T11:00")

    fill_details(form, make_pdf("Rapat berulang"))
    with page.expect_navigation():
        form.get_by_role("button", name="Simpan").click()
    assert "/loans/show/" in page.url, " | ".join(
        page.locator(".alert-danger, .pontive-field-error").all_inner_texts())
    assert errors == []
    context.close()
