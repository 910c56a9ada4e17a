"""The request list searched in Indonesian, in Chromium: the Kasi adds the
status filter, picks "Dikonfirmasi" from the choices and gets the confirmed
requests; then narrows the schedule to the days a request starts on."""
import pytest
from browsing import is_local, log_in, watched_page
from helpers import free_office_day, loans_of, submit_loan, take
from playwright.sync_api import expect

from app.models import LoanRequest, LoanStatus
from app.platform.extensions import db
from app.platform.timeutil import to_local

pytestmark = pytest.mark.browser


def _add_filter(page, column):
    toggle = page.locator("#filter_form .dropdown-toggle")
    if not toggle.is_visible():  # the search panel starts folded
        page.locator("a.accordion-toggle").click()
    toggle.click()
    page.locator(f"#filter_form a.filter[name={column}]").click()


def test_the_kasi_finds_the_confirmed_requests_by_their_indonesian_name(
        app, live_server, chromium_browser):
    loan = submit_loan("peminjam2", title="Rapat dikonfirmasi", day=free_office_day(30))
    for action in ("dispose", "confirm"):
        take(loan, action)
    db.session.commit()
    confirmed = {loan.registration_number for loan in db.session.query(LoanRequest)
                 .filter_by(status=LoanStatus.CONFIRMED)}
    scheduled = next(loan for loan in loans_of("peminjam1")
                     if loan.status == LoanStatus.SCHEDULED)
    day = to_local(scheduled.sessions[0].starts_at).date().isoformat()
    requested, errors = [], []
    context, page = watched_page(chromium_browser, requested, errors, width=1366)
    log_in(page, live_server, "kasi")
    page.goto(f"{live_server}/loans/list/?psize_LoanRequestView=100")

    _add_filter(page, "status")
    choice = page.locator("select[name=_flt_0_status]")
    expect(choice.locator("option", has_text="Dikonfirmasi")).to_have_count(1)
    choice.select_option(label="Dikonfirmasi", force=True)
    page.locator("#filter_form button[type=submit]").click()
    page.wait_for_url("**_flt_0_status=confirmed**")
    rows = page.locator("table.table-bordered.table-hover tbody tr")
    expect(rows).to_have_count(len(confirmed))
    for number in confirmed:
        expect(rows.filter(has_text=number)).to_have_count(1)
    expect(rows.filter(has_text="Dikonfirmasi")).to_have_count(len(confirmed))

    # The schedule, from and until one day: the request starting on it.
    page.goto(f"{live_server}/loans/list/?psize_LoanRequestView=100")
    _add_filter(page, "sessions")
    page.locator("input[name=_flt_0_sessions]").fill(day)
    _add_filter(page, "sessions")
    # The operation is a Select2 box: FAB's script renames the field on its event.
    page.locator("#filter_form table.filters tr").nth(1).locator(
        ".select2-selection").first.click()
    page.locator(".select2-results__option", has_text="Mulai pada atau sebelum").click()
    page.locator("input[name=_flt_1_sessions]").fill(day)
    page.locator("#filter_form button[type=submit]").click()
    page.wait_for_url("**_flt_1_sessions=**")
    expect(page.locator("table.table-bordered.table-hover tbody tr", has_text=scheduled.registration_number)
           ).to_have_count(1)
    shown = page.locator("table.table-bordered.table-hover tbody tr").all_inner_texts()
    assert all(to_local(loan.sessions[0].starts_at).date().isoformat() == day
               or any(to_local(s.starts_at).date().isoformat() == day
                      for s in loan.sessions)
               for loan in db.session.query(LoanRequest)
               if any(loan.registration_number in row for row in shown))
    context.close()
    assert not errors, errors
    assert all(is_local(url, live_server) for url in requested)
