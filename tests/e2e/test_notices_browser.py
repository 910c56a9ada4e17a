"""The bell in Chromium, as a borrower: the navbar counts what is new, the
bell opens the list, a notice opens its request (and is read), and "mark all
read" empties the count. Nothing is fetched from outside the test server."""
import pytest
from browsing import is_local, log_in, watched_page
from helpers import proposed_reschedule, user
from playwright.sync_api import expect

from app.models import Notice
from app.platform.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def proposal(app):
    """peminjam1's request, disposed, then another schedule proposed."""
    loan = proposed_reschedule("peminjam1", "Rapat Koordinasi Bell")
    unread = db.session.query(Notice).filter_by(user_id=user("peminjam1").id,
                                                read_at=None).count()
    return {"id": loan.id, "number": loan.registration_number, "unread": unread}


def test_the_bell_counts_lists_opens_and_marks_read(live_server, chromium_browser,
                                                    proposal):
    requested, errors = [], []
    context, page = watched_page(chromium_browser, requested, errors, width=1366, height=800)
    try:
        log_in(page, live_server, "peminjam1")
        bell = page.locator(".navbar .pontive-bell a")
        expect(bell).to_be_visible()
        expect(bell.locator(".pontive-bell-count")).to_have_text(str(proposal["unread"]))
        expect(bell).to_have_accessible_name(
            f"Notifikasi: {proposal['unread']} belum dibaca")

        bell.click()
        page.wait_for_url(f"{live_server}/notices/")
        expect(page.locator("h2")).to_have_text("Notifikasi")
        newest = page.locator(".pontive-notice").first
        expect(newest).to_contain_text(
            f"Usulan jadwal ulang untuk permohonan {proposal['number']}")
        expect(newest).to_contain_text("Baru")
        expect(page.locator(".pontive-notice-unread")).to_have_count(proposal["unread"])

        newest.locator("a").click()
        page.wait_for_url(f"{live_server}/loans/show/{proposal['id']}")
        expect(page.locator(".pontive-bell-count")).to_have_text(
            str(proposal["unread"] - 1))

        page.locator(".pontive-bell a").click()
        expect(page.locator(".pontive-notice").first).not_to_contain_text("Baru")
        page.get_by_role("button", name="Tandai semua sudah dibaca").click()
        expect(page.locator(".alert")).to_contain_text("Semua notifikasi telah ditandai")
        expect(page.locator(".pontive-bell")).to_be_visible()
        expect(page.locator(".pontive-bell-count")).to_have_count(0)
        expect(page.locator(".pontive-notice-unread")).to_have_count(0)
    finally:
        context.close()
    assert errors == []
    assert all(is_local(url, live_server) for url in requested)
