"""The agenda in Chromium, as the Admin Pontive Center and as a borrower.

adminpc finds peminjam1's scheduled demo request in the week view with its
title, moves between weeks and months in one click (or with the arrow
keys), and opens the request from the agenda. peminjam2 sees the same
booking only as "Terisi": no title, no institution, no link. Nothing is
fetched from outside the test server.
"""
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from browsing import is_local, log_in, watched_page
from helpers import loans_of
from playwright.sync_api import expect

from app.domain import agenda
from app.platform.timeutil import to_local

pytestmark = pytest.mark.browser

INSTITUTION_1 = "Dinas Pendidikan dan Kebudayaan Kota Pontianak"


@pytest.fixture
def scheduled(app):
    """peminjam1's demo request that holds the room (entered into the agenda)."""
    loan = next(loan for loan in loans_of("peminjam1") if loan.status == "scheduled")
    return {"id": loan.id, "title": loan.title, "number": loan.registration_number,
            "day": to_local(loan.sessions[0].starts_at).date()}


def date_shown(page):
    return parse_qs(urlsplit(page.url).query)["date"][0]


def test_staff_and_borrower_see_the_agenda_as_they_may(live_server, chromium_browser,
                                                        scheduled):
    requested, errors = [], []
    week_url = f"{live_server}/agenda/?view=week&date={scheduled['day'].isoformat()}"

    # adminpc: the booking with its title; one click opens the request.
    context, page = watched_page(chromium_browser, requested, errors)
    log_in(page, live_server, "adminpc")
    navbar = page.locator(".navbar")
    navbar.locator(".dropdown-toggle", has_text="Peminjaman").click()
    navbar.locator("a[href='/agenda/']").click()
    expect(page.locator(".pontive-agenda-month")).to_be_visible()
    expect(page.locator(".pontive-agenda-cell.is-today")).to_have_count(1)

    page.goto(week_url)
    block = page.locator(".pontive-agenda-block", has_text=scheduled["title"])
    expect(block).to_be_visible()
    expect(block).to_have_attribute("data-state", "scheduled")
    expect(block).to_contain_text(scheduled["number"])
    expect(page.locator(".pontive-agenda-legend")).to_contain_text("Dijadwalkan")

    # One click (or an arrow key) to the next week and back.
    heading = page.locator(".pontive-agenda-heading")
    this_week = heading.inner_text()
    with page.expect_navigation():  # until the page's script listens to the keys
        page.click("a[data-agenda-key=ArrowRight]")
    expect(heading).not_to_have_text(this_week)
    assert date_shown(page) == (scheduled["day"] + timedelta(days=7)).isoformat()
    with page.expect_navigation():
        page.keyboard.press("ArrowLeft")
    expect(heading).to_have_text(this_week)
    page.click(".pontive-agenda-views >> text=Bulan")
    expect(page.locator(".pontive-agenda-month")).to_be_visible()
    expect(page.locator(f'[data-date="{scheduled["day"].isoformat()}"]')).to_contain_text(
        scheduled["title"])

    page.click(f"a.pontive-agenda-event:has-text('{scheduled['title']}')")
    page.wait_for_url(re.compile(rf"/loans/show/{scheduled['id']}$"))
    expect(page.locator("body")).to_contain_text(scheduled["number"])
    expect(page.locator(".pontive-ics")).to_be_visible()  # a calendar file for it
    context.close()

    # peminjam2: the same booking, only as "Terisi".
    context, page = watched_page(chromium_browser, requested, errors)
    log_in(page, live_server, "peminjam2")
    page.goto(week_url)
    busy = page.locator(".pontive-agenda-block[data-state=busy]")
    expect(busy.first).to_be_visible()
    expect(busy.first).to_contain_text("Terisi")
    body = page.locator("body")
    for secret in (scheduled["title"], scheduled["number"], INSTITUTION_1):
        expect(body).not_to_contain_text(secret)
    assert page.locator(f"a[href='/loans/show/{scheduled['id']}']").count() == 0
    assert scheduled["title"] not in page.content()
    # Their own pending request (the demo's "Seminar Kota Cerdas") in full.
    own = next(loan for loan in loans_of("peminjam2") if loan.status == "submitted")
    page.goto(f"{live_server}/agenda/?view=day&date="
              f"{to_local(own.sessions[0].starts_at).date().isoformat()}")
    mine = page.locator(".pontive-agenda-block", has_text=own.title)
    expect(mine).to_have_attribute("data-state", "pending")
    expect(mine).to_contain_text("Permohonan Anda")
    # The room list sends the form by itself.
    page.select_option("#agenda-room", index=1)
    page.wait_for_url(re.compile(r"room=\d+"))
    assert parse_qs(urlsplit(page.url).query)["view"] == [agenda.DAY]
    context.close()

    outside = [url for url in requested if not is_local(url, live_server)]
    assert outside == [], f"fetched from outside the test server: {outside}"
    assert errors == [], errors
