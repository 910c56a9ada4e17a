"""Declining a proposed schedule in Chromium: peminjam1 gives the reason and
two other times (the second row added with the form's button); the Kasi reads
them with their availability and confirms the second in one click."""
from datetime import datetime, time

import pytest
from browsing import log_in
from helpers import free_office_day, submit_loan, take
from playwright.sync_api import expect

from app.platform.extensions import db
from app.platform.timeutil import from_local

pytestmark = pytest.mark.browser
REASON = "Tanggal usulan bertepatan dengan ujian sekolah."


def at(day, hour):
    return from_local(datetime.combine(day, time(hour)))


def test_decline_with_alternatives_then_the_kasi_confirms_one(
        app, live_server, chromium_browser, tmp_path):
    day = free_office_day(30)
    loan = submit_loan("peminjam1", title="Rapat usulan ulang di peramban", day=day)
    take(loan, "dispose")
    take(loan, "propose_reschedule", sessions=[(at(day, 13), at(day, 15))])
    db.session.commit()
    first, second = (free_office_day(n, start=(8, 0), end=(16, 0)) for n in (40, 45))
    loan_url = f"{live_server}/loans/show/{loan.id}"

    page = chromium_browser.new_page()
    log_in(page, live_server, "peminjam1")
    page.goto(loan_url)
    page.click("text=Tolak jadwal baru")
    page.fill("textarea[name=reason]", REASON)
    page.fill("input[name=alternatives-start] >> nth=0", f"{first}T09:00")
    page.fill("input[name=alternatives-end] >> nth=0", f"{first}T11:00")
    page.click("text=Tambah waktu")
    page.fill("input[name=alternatives-start] >> nth=1", f"{second}T13:00")
    page.fill("input[name=alternatives-end] >> nth=1", f"{second}T15:00")
    page.screenshot(path=str(tmp_path / "decline-form.png"), full_page=True)
    page.click(".pontive-step-submit")
    page.wait_for_url(loan_url)
    expect(page.locator(".pontive-declined")).to_contain_text(REASON)
    expect(page.locator(".pontive-confirm-alternative")).to_have_count(0)
    page.close()

    page = chromium_browser.new_page()
    log_in(page, live_server, "kasi")
    page.goto(loan_url)
    expect(page.locator(".pontive-alternative-free")).to_have_count(2)
    page.screenshot(path=str(tmp_path / "kasi-declined.png"), full_page=True)
    page.locator(".pontive-confirm-alternative").nth(1).click()
    expect(page.locator("input[name=schedule]:checked")).to_have_count(1)
    page.check("input[name=pledge_checked]")
    page.click(".pontive-step-submit")
    page.wait_for_url(loan_url)
    expect(page.locator("body")).to_contain_text("Dikonfirmasi")
    expect(page.locator("body")).to_contain_text("13.00–15.00 WIB")
    page.close()
