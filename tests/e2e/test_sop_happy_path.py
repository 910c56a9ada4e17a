"""The SOP's happy path in Chromium, as five logins.

peminjam1 submits a request with its PDF letter through the real form; the
Kabid disposes it, the Kasi confirms it, the Admin Pontive Center enters it
into the agenda, prepares the room and records the outcome; peminjam1 then
reads "Selesai" and the whole history. Each person finds the request in
"Tugas Saya" and takes the step with the button the request's page offers.

The room is prepared on the event's day and the outcome recorded once the
event has started, so this server takes bookings at any hour without notice
and the session starts a minute or so after the test does. The demo data
holds the room only on days at least a week away or two weeks past, so
today's slot is free.
"""
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from browsing import is_local, log_in
from helpers import make_pdf
from playwright.sync_api import expect

from app.ops.setup import PONTIVE_EQUIPMENT
from app.platform.timeutil import to_local, utcnow

pytestmark = pytest.mark.browser

# From choosing the session until the Kasi confirms the request (which must
# happen before it starts), with room to spare.
LEAD = timedelta(seconds=45)
DURATION = timedelta(hours=1)
LONGEST_WAIT = timedelta(minutes=3)
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what a datetime-local input takes
ROOM = "Ruang Rapat Pontive Center"
EQUIPMENT = [name for name, _, _ in PONTIVE_EQUIPMENT]
NAMES = {"peminjam1": "Rina Wulandari", "kabid": "Kepala Bidang TKPBET",
         "kasi": "Kepala Seksi PK & AI", "adminpc": "Admin Pontive Center"}
# English labels the history must not show (the Indonesian ones differ).
ENGLISH = re.compile(r"\b(Request submitted|Dispose|Confirm|Enter into the agenda|"
                     r"Room prepared|Complete|Submitted|Disposed|Confirmed|Scheduled|"
                     r"Completed|Coordinate|Urgent|Instruction|Nature|History)\b")


def now():
    """The office time on the suite's clock, which the live server shares."""
    return to_local(utcnow())


@pytest.fixture
def live_server_config():
    """Bookings at any hour of any day, from now on."""
    return {"BOOKING_MIN_NOTICE_DAYS": 0, "OFFICE_DAYS": list(range(7)),
            "OFFICE_HOURS_START": "00:00", "OFFICE_HOURS_END": "23:59",
            "HOLIDAYS_ENABLED": False}


def session_slot():
    """(start, end), local: from the first whole minute at least LEAD away,
    for DURATION, within one day and office hours (until 23:59). At 23:59 the
    session starts at the next midnight instead: the test then waits for it."""
    start = (now() + LEAD + timedelta(minutes=1)).replace(
        second=0, microsecond=0)
    end = min(start + DURATION, start.replace(hour=23, minute=59))
    if end <= start:
        start = (start + timedelta(days=1)).replace(hour=0, minute=0)
        end = start + DURATION
    return start, end


def wait_until(moment):
    """Sleep until ``moment`` has passed (never longer than LONGEST_WAIT)."""
    remaining = moment - now()
    assert remaining < LONGEST_WAIT, f"{moment} is too far ahead"
    if remaining > timedelta(0):
        time.sleep(remaining.total_seconds() + 1)


@dataclass
class Watch:
    """What every page of every login fetched, and its JavaScript errors."""

    requested: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)


class Person:
    """One person at their own browser (own cookies), logged in."""

    def __init__(self, browser, base_url, username, watch):
        self.base_url = base_url
        self.context = browser.new_context(locale="id-ID", accept_downloads=True)
        self.context.on("request", lambda request: watch.requested.append(request.url))
        self.page = self.context.new_page()
        self.page.on("pageerror",
                     lambda error: watch.page_errors.append(f"{username}: {error}"))
        self.page.set_default_timeout(15_000)
        try:
            log_in(self.page, base_url, username)
            expect(self.page.locator(".navbar")).to_contain_text(NAMES[username])
        except Exception:
            self.context.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.context.close()

    def open_from_tasks(self, loan):
        """Open ``loan`` from the "Tugas Saya" menu, where it must wait."""
        page = self.page
        page.locator(".navbar").get_by_role("link", name="Tugas Saya").click()
        row = page.locator(f"tr.pontive-task[data-loan='{loan.id}']")
        expect(row).to_contain_text(loan.title)
        row.get_by_role("link", name=loan.number, exact=True).click()
        page.wait_for_url(f"{self.base_url}/loans/show/{loan.id}")

    def expect_done_with(self, loan):
        """``loan`` no longer waits in this person's "Tugas Saya"."""
        page = self.page
        page.locator(".navbar").get_by_role("link", name="Tugas Saya").click()
        expect(page.locator(".pontive-tasks h2")).to_have_text("Tugas Saya")
        expect(page.locator(f"tr.pontive-task[data-loan='{loan.id}']")).to_have_count(0)

    def take_step(self, loan, action, label, fill):
        """Click the step's button under "Langkah berikutnya", fill in its
        form with ``fill(form)`` and send it; back on the request's page."""
        page = self.page
        steps = page.locator(".pontive-steps")
        expect(steps).to_contain_text("Langkah berikutnya")
        button = steps.get_by_role("link", name=label, exact=True)
        expect(button).to_have_attribute("href", f"/loans/step/{action}/{loan.id}")
        button.click()
        form = page.locator("form.pontive-step-form")
        expect(form.locator("input[name=csrf_token]")).to_have_value(re.compile(r".{20,}"))
        fill(form)
        with page.expect_navigation():
            form.locator(".pontive-step-submit").click()
        refusals = page.locator(".alert-danger, .pontive-field-error").all_inner_texts()
        assert page.url == f"{self.base_url}/loans/show/{loan.id}" and not refusals, (
            f"{action} refused: {refusals}")
        expect(page.locator(".alert-success")).to_contain_text(
            f"{label}: selesai untuk permohonan {loan.number}.")

    def expect_status(self, label):
        expect(shown_value(self.page, "Status")).to_have_text(label)


@dataclass
class Loan:
    id: int
    number: str
    title: str


def shown_value(page, label):
    """The value next to ``label`` on a request's page."""
    return page.locator("table tr").filter(
        has=page.locator("th", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    ).locator("td")


def choose_in_select2(page, select_id, option):
    """Pick ``option`` in the select2 widget that stands for ``<select id>``."""
    page.locator(f"#{select_id} + .select2-container .select2-selection").click()
    page.locator(".select2-results__option", has_text=option).click()


def submit_request(page, start, end, letter):
    """Fill in the submission form from the dashboard's button and send it."""
    page.get_by_role("link", name="Ajukan Permohonan Peminjaman").click()
    form = page.locator("form#model_form")
    expect(form.locator("input[name=csrf_token]")).to_have_value(re.compile(r".{20,}"))
    form.locator("#kind").select_option(label="Peminjaman ruang")
    choose_in_select2(page, "room", ROOM)
    expect(form.locator("#room option:checked")).to_have_text(ROOM)
    title = "Rapat Koordinasi Guru Penggerak"
    form.locator("#title").fill(title)
    form.locator("#description").fill("Rapat koordinasi triwulan bersama guru penggerak.")
    form.locator("#participants").fill("25")
    # Equipment the room lacks: the list says so in Indonesian.
    search = page.locator("#equipment_wanted + .select2-container .select2-search__field")
    search.press_sequentially("Kursi lipat")
    expect(page.locator(".select2-results__message")).to_have_text("Tidak ada hasil")
    search.fill("")
    search.press("Escape")
    for name in ("Proyektor", "AC"):
        choose_in_select2(page, "equipment_wanted", name)
    expect(form.locator("#equipment_wanted option:checked")).to_have_text(
        ["Proyektor", "AC"])
    form.locator("input[name=sessions-start]").fill(start.strftime(INPUT_FORMAT))
    form.locator("input[name=sessions-end]").fill(end.strftime(INPUT_FORMAT))
    form.locator("#letter_number").fill("400.3/777/Disdikbud/2026")
    letter_date = now().date().isoformat()
    # Typed as a person types it: the date picker reads the keys.
    form.locator("#letter_date").press_sequentially(letter_date)
    form.locator("#letter_date").press("Escape")  # close the date picker
    expect(form.locator("#letter_date")).to_have_value(letter_date)
    form.locator("#subject").fill("Permohonan Peminjaman Ruang Rapat Pontive Center")
    form.locator("#letter").set_input_files(files=[{
        "name": "surat-permohonan.pdf", "mimeType": "application/pdf", "buffer": letter}])
    form.locator("#contact_name").fill("Rina Wulandari")
    form.locator("#contact_phone").fill("0812-5555-0101")
    form.locator("#no_buffet_pledge").check()
    with page.expect_navigation():
        form.get_by_role("button", name="Simpan").click()
    assert "/loans/show/" in page.url, (
        "the form came back: " + " | ".join(page.locator(".alert-danger").all_inner_texts()))
    flash = page.locator(".alert-success")
    expect(flash).to_contain_text(re.compile(r"Permohonan \S+ berhasil diajukan\."))
    number = re.search(r"Permohonan (\S+) berhasil diajukan", flash.inner_text()).group(1)
    return Loan(int(page.url.rstrip("/").rsplit("/", 1)[1]), number, title)


def check_every_item_ready(form):
    rows = form.locator(".pontive-checklist tr.pontive-checklist-item")
    expect(rows).to_have_count(len(EQUIPMENT))
    for name in EQUIPMENT:
        row = rows.filter(has_text=name)
        row.get_by_label("Siap / baik").check()


def test_sop_happy_path_in_five_logins(live_server, chromium_browser):
    watch = Watch()
    letter = make_pdf("Rapat Koordinasi Guru Penggerak")

    def person(username):
        return Person(chromium_browser, live_server, username, watch)

    # The borrower submits the request with its letter.
    with person("peminjam1") as borrower:
        start, end = session_slot()
        loan = submit_request(borrower.page, start, end, letter)
        borrower.expect_status("Diajukan")
        expect(shown_value(borrower.page, "Peralatan yang dibutuhkan")).to_contain_text(
            "Proyektor")
        expect(borrower.page.locator(".pontive-sessions-list")).to_contain_text(
            start.strftime("%H.%M"))

    # The Kabid reads the letter and disposes the request to the Kasi.
    with person("kabid") as kabid:
        kabid.open_from_tasks(loan)
        kabid.expect_status("Diajukan")
        with kabid.page.expect_download() as download:
            kabid.page.get_by_role("link", name="Unduh surat permohonan").first.click()
        assert Path(download.value.path()).read_bytes() == letter

        def dispose(form):
            form.locator("select[name=instruction]").select_option(label="Koordinasikan")
            form.locator("input[name=nature][value=segera]").check()
            form.locator("textarea[name=note]").fill("Mohon dikoordinasikan dengan peminjam.")

        kabid.take_step(loan, "dispose", "Disposisikan", dispose)
        kabid.expect_status("Didisposisikan")
        kabid.expect_done_with(loan)

    # The Kasi confirms it (the no-buffet pledge checked).
    with person("kasi") as kasi:
        kasi.open_from_tasks(loan)
        kasi.expect_status("Didisposisikan")

        def confirm(form):
            form.locator("input[name=pledge_checked]").check()
            form.locator("textarea[name=note]").fill("Sudah dikoordinasikan melalui telepon.")

        kasi.take_step(loan, "confirm", "Konfirmasi", confirm)
        kasi.expect_status("Dikonfirmasi")
        kasi.expect_done_with(loan)

    # The Admin Pontive Center: the agenda, the room on the day, the outcome.
    with person("adminpc") as admin:
        admin.open_from_tasks(loan)
        admin.expect_status("Dikonfirmasi")
        admin.take_step(loan, "schedule", "Masukkan ke agenda",
                        lambda form: form.locator("textarea[name=note]").fill(
                            "Dicatat dalam agenda Pontive Center."))
        admin.expect_status("Dijadwalkan")

        wait_until(start.replace(hour=0, minute=0))  # the event's day
        admin.open_from_tasks(loan)
        admin.take_step(loan, "prepare", "Ruang Disiapkan", check_every_item_ready)
        admin.expect_status("Ruang Disiapkan")
        if now() < start:  # the page was shown before the event began
            expect(admin.page.locator(".pontive-steps")).to_have_count(0)

        wait_until(start)  # the outcome is recorded once the event has started
        admin.page.reload()

        def complete(form):
            check_every_item_ready(form)
            form.locator("input[name=actual_participants]").fill("23")
            form.locator("textarea[name=note]").fill("Kegiatan berjalan lancar.")

        admin.take_step(loan, "complete", "Selesaikan", complete)
        admin.expect_status("Selesai")
        expect(admin.page.locator(".pontive-steps")).to_have_count(0)

    # The borrower finds the request finished, with its whole history.
    with person("peminjam1") as borrower:
        page = borrower.page
        page.get_by_role("link", name="Lihat semua permohonan").click()
        page.locator("tr", has_text=loan.number).locator(
            f"a[href='/loans/show/{loan.id}']").first.click()
        page.wait_for_url(f"{live_server}/loans/show/{loan.id}")
        borrower.expect_status("Selesai")
        outcome = page.locator(".pontive-loan-extra")
        expect(outcome).to_contain_text("Jumlah peserta hadir: 23")
        expect(outcome).to_contain_text("Kegiatan berjalan lancar.")

        timeline = page.locator(".pontive-timeline")
        entries = timeline.locator(".pontive-timeline-entry")
        # In the borrower's words: where the request stood from each step
        # on and who took it; no roles, disposition or standard times.
        expected = [  # action, where the request stood, who
            ("submit", "Sedang ditelaah oleh Kepala Bidang", "Rina Wulandari"),
            ("dispose", "Sedang ditelaah oleh Kepala Seksi, yang dapat menghubungi "
             "Anda untuk koordinasi", "Kepala Bidang TKPBET"),
            ("confirm", "Disetujui; sedang dicatat dalam agenda ruang",
             "Kepala Seksi PK & AI"),
            ("schedule", "Disetujui dan telah tercatat dalam agenda ruang",
             "Admin Pontive Center"),
            ("prepare", "Ruang telah disiapkan untuk kegiatan Anda",
             "Admin Pontive Center"),
            ("complete", "Kegiatan Anda telah terlaksana", "Admin Pontive Center"),
        ]
        expect(entries).to_have_count(len(expected))
        for entry, (action, step, who) in zip(entries.all(), expected):
            expect(entry).to_have_class(re.compile(rf"\bpontive-step-{action}\b"))
            expect(entry.locator("strong").first).to_have_text(step)
            expect(entry).to_contain_text(who)
            expect(entry).not_to_contain_text("(")  # no staff role
        disposition = timeline.locator(".pontive-step-dispose")
        expect(disposition).not_to_contain_text("Isi disposisi")
        expect(disposition).not_to_contain_text("Mohon dikoordinasikan dengan peminjam.")
        expect(timeline).not_to_contain_text("standar")
        expect(timeline.locator(".pontive-step-confirm")).to_contain_text(
            "Sudah dikoordinasikan melalui telepon.")
        history = timeline.inner_text()
        assert not ENGLISH.search(history), history

    assert not watch.page_errors, f"JavaScript errors: {watch.page_errors}"
    assert watch.requested, "the browser recorded no requests"
    outside = [url for url in watch.requested if not is_local(url, live_server)]
    assert not outside, f"loaded from outside 127.0.0.1: {outside}"
