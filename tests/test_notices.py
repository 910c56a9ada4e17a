"""The navbar's bell: what is new for each user, unread first counted, read
on opening, all marked read at once; each user reaches only their own."""
import re
from datetime import timedelta

import pytest
from helpers import free_office_day, submit_loan, take, user, visible_text

from app.models import Notice
from app.platform.extensions import db

pytestmark = pytest.mark.date_sensitive


def step(loan, action, username=None, **fields):
    take(loan, action, username, **fields)
    db.session.commit()


def bell(response):
    """The unread count the bell shows (0 with no badge), None without a bell."""
    html = response.get_data(as_text=True)
    found = re.search(r'<li class="pontive-bell">(.*?)</li>', html, re.S)
    if found is None:
        return None
    badge = re.search(r'pontive-bell-count">([^<]*)<', found.group(1))
    return int(badge.group(1)) if badge else 0


def notices_of(username):
    return (db.session.query(Notice).filter_by(user_id=user(username).id)
            .order_by(Notice.id).all())


def titles(client):
    page = client.get("/notices/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
            for item in re.findall(r'<li class="list-group-item pontive-notice[^>]*>(.*?)</li>',
                                   html, re.S)]


def test_each_step_tells_the_people_it_concerns_under_their_bell(app, login_as):
    borrower, kabid, kasi = (login_as(name) for name in ("peminjam1", "kabid", "kasi"))
    before = {name: bell(client.get("/sop/"))
              for name, client in (("peminjam1", borrower), ("kabid", kabid),
                                   ("kasi", kasi))}
    day = free_office_day(25, start=(9, 0), end=(14, 0))
    loan = submit_loan("peminjam1", day=day)
    number = loan.registration_number

    # The Kabid has a request waiting; the borrower's own step is no news.
    assert bell(kabid.get("/sop/")) == before["kabid"] + 1
    assert titles(kabid)[0].startswith(f"Permohonan {number} menunggu tindak lanjut Anda")
    assert bell(borrower.get("/sop/")) == before["peminjam1"]

    step(loan, "dispose")
    assert bell(kasi.get("/sop/")) == before["kasi"] + 1
    # The office's own step is shown to the borrower in plain words.
    assert titles(borrower)[0].startswith(f"Permohonan {number}: Didisposisikan")

    start = loan.sessions[0].starts_at
    step(loan, "propose_reschedule", sessions=(
        (start + timedelta(hours=4), start + timedelta(hours=5)),))
    assert bell(borrower.get("/sop/")) == before["peminjam1"] + 2
    newest = titles(borrower)[0]
    assert newest.startswith(f"Usulan jadwal ulang untuk permohonan {number}")
    assert "Baru" in newest


def test_opening_a_notice_reads_it_and_shows_its_request(app, login_as):
    client = login_as("peminjam1")
    loan = submit_loan("peminjam1")
    step(loan, "dispose")
    notice = notices_of("peminjam1")[-1]
    count = bell(client.get("/sop/"))

    response = client.get(f"/notices/open/{notice.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/loans/show/{loan.id}")
    assert bell(client.get("/sop/")) == count - 1
    db.session.refresh(notice)
    assert notice.read_at is not None

    assert count - 1 > 0
    page = client.get("/notices/")
    assert "Tandai semua sudah dibaca" in visible_text(page)
    response = client.post("/notices/read-all")
    assert response.status_code == 302
    page = client.get("/notices/")
    assert bell(page) == 0
    assert "Semua notifikasi telah ditandai sudah dibaca." in visible_text(page)
    assert "0 belum dibaca" in visible_text(page)


def test_a_borrower_reaches_only_their_own_notices(app, login_as):
    loan = submit_loan("peminjam1", title="Rapat Milik Peminjam Satu")
    step(loan, "dispose")
    notice = notices_of("peminjam1")[-1]
    other = login_as("peminjam2")

    assert other.get(f"/notices/open/{notice.id}").status_code == 404
    assert other.post("/notices/read-all").status_code == 302
    db.session.refresh(notice)
    assert notice.read_at is None
    assert "Rapat Milik Peminjam Satu" not in other.get("/notices/").get_data(as_text=True)
    assert loan.registration_number not in " ".join(titles(other))
    # A visitor is sent to log in.
    assert app.test_client().get("/notices/").status_code == 302


def test_the_admin_has_no_bell_and_no_notice_page(app, login_as):
    admin = login_as("admin")
    assert bell(admin.get("/sop/")) is None
    assert admin.get("/notices/").status_code == 403


def test_a_user_without_an_email_address_still_has_notices(app, login_as):
    kabid = user("kabid")
    kabid.email = ""
    db.session.commit()
    before = len(notices_of("kabid"))
    submit_loan("peminjam1")
    assert len(notices_of("kabid")) == before + 1
