"""Private calendar feeds and a request's .ics file.

The page "Langganan Kalender" makes, shows once, renews and revokes a user's
feed address; only the token's SHA-256 is stored. The feed, parsed with the
``icalendar`` package, is valid iCalendar with the Asia/Pontianak zone, and
holds what its owner may see: staff every booking holding a room, with its
details; a borrower only their own requests' sessions. A revoked, unknown
or guessed token gets a bare 404 and nobody's data.
"""
import hashlib
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers import Statements, loans_of, submit_loan, take, user, visible_text
from icalendar import Calendar
from test_availability import at, new_loan, new_room, office_days

from app.domain import calendar_feed
from app.models import CalendarFeed
from app.platform.extensions import db

pytestmark = pytest.mark.date_sensitive

PONTIANAK = ZoneInfo("Asia/Pontianak")
FEED_URL = re.compile(r'value="http://localhost(/calendar/feed/([A-Za-z0-9_-]+)\.ics)"')


def make_feed(client):
    """Make the signed-in user's feed on the page; returns (path, token)."""
    response = client.post("/calendar/renew")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    path, token = FEED_URL.search(response.get_data(as_text=True)).groups()
    return path, token


def fetch(app, path):
    """The feed as a calendar app fetches it: no login, no cookies."""
    return app.test_client().get(path)


def parse(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def events(calendar):
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def uid(session):
    return f"session-{session.id}@pontive"


def assert_not_found(response, plain=True):
    assert response.status_code == 404
    assert response.mimetype == "text/plain" or not plain
    assert b"BEGIN:VCALENDAR" not in response.get_data()


# ---------------------------------------------------------------- the address

def test_address_is_shown_once_and_only_its_hash_is_stored(app, login_as):
    client = login_as("peminjam1")
    page = visible_text(client.get("/calendar/"))
    assert "Anda belum memiliki alamat kalender" in page

    path, token = make_feed(client)
    assert len(token) >= 43  # 32 random bytes
    stored = db.session.query(CalendarFeed).filter_by(user_id=user("peminjam1").id).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr([getattr(stored, c.key) for c in CalendarFeed.__table__.c])

    again = client.get("/calendar/")
    assert token not in again.get_data(as_text=True)
    assert "berlaku sejak" in visible_text(again)
    parse(fetch(app, path))


def test_renewing_revokes_the_old_address(app, login_as):
    client = login_as("kasi")
    old_path, old_token = make_feed(client)
    new_path, new_token = make_feed(client)
    assert new_token != old_token
    assert_not_found(fetch(app, old_path))
    parse(fetch(app, new_path))
    feeds = db.session.query(CalendarFeed).filter_by(user_id=user("kasi").id).all()
    assert sorted(f.revoked_at is None for f in feeds) == [False, True]


def test_revoked_address_opens_nothing(app, login_as):
    client = login_as("peminjam2")
    path, _token = make_feed(client)
    response = client.post("/calendar/revoke")
    assert response.status_code == 302
    assert "tidak berlaku lagi" in visible_text(client.get("/calendar/"))
    assert "Anda belum memiliki alamat kalender" in visible_text(client.get("/calendar/"))
    assert_not_found(fetch(app, path))


@pytest.mark.parametrize("guess", ["x", "A" * 43, "0" * 64, "a" * 500, "%00", "%20"])
def test_unknown_tokens_get_a_bare_404(app, login_as, guess):
    make_feed(login_as("adminpc"))
    assert_not_found(fetch(app, f"/calendar/feed/{guess}.ics"))
    # Not a feed address at all: the panel's own 404 page.
    assert_not_found(fetch(app, f"/calendar/feed/..%2F{guess}.ics"), plain=False)


def test_the_stored_hash_is_not_a_token(app, login_as):
    make_feed(login_as("adminpc"))
    stored = db.session.query(CalendarFeed).one()
    assert_not_found(fetch(app, f"/calendar/feed/{stored.token_hash}.ics"))


def test_a_deactivated_account_feed_stops(app, login_as):
    path, _token = make_feed(login_as("peminjam1"))
    account = user("peminjam1")
    account.active = False
    db.session.commit()
    assert_not_found(fetch(app, path))


def test_the_page_needs_a_login(app):
    client = app.test_client()
    for response in (client.get("/calendar/"), client.post("/calendar/renew"),
                     client.post("/calendar/revoke")):
        assert response.status_code == 302
        assert "/login/" in response.headers["Location"]
    assert db.session.query(CalendarFeed).count() == 0


# ---------------------------------------------------------------- the feed

@pytest.fixture
def bookings(app):
    """In a room of its own: peminjam1's confirmed request (09.00-11.30) and
    pending request, and peminjam2's scheduled request."""
    room = new_room("Ruang Umpan Kalender")
    day, other_day = office_days(2, after=15)
    held = new_loan("peminjam1", room, [(at(day, 9), at(day, 11, 30))],
                    title="Rapat Kalender Dinas", contact="Bu Rina Dinas",
                    steps=("dispose", "confirm"))
    waiting = new_loan("peminjam1", room, [(at(day, 13), at(day, 14))],
                       title="Permohonan Kalender Menunggu", contact="Bu Rina Dinas")
    theirs = new_loan("peminjam2", room, [(at(other_day, 8), at(other_day, 10))],
                      title="Seminar Kalender Kampus", contact="Pak Agus Kampus",
                      steps=("dispose", "confirm", "schedule"))
    return {"room": room, "held": held, "waiting": waiting, "theirs": theirs}


def test_feed_is_valid_icalendar_in_the_office_zone(app, login_as, bookings):
    path, _token = make_feed(login_as("adminpc"))
    response = fetch(app, path)
    calendar = parse(response)
    text = response.get_data(as_text=True)
    assert calendar["VERSION"] == "2.0"
    assert "Pontive Center" in str(calendar["PRODID"])
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Pontianak"]
    assert response.headers["Cache-Control"] == "private, no-store"

    held = bookings["held"]
    event = events(calendar)[uid(held.sessions[0])]
    start, end = event["DTSTART"], event["DTEND"]
    assert start.params["TZID"] == "Asia/Pontianak"
    assert start.dt == held.sessions[0].starts_at and end.dt == held.sessions[0].ends_at
    assert start.dt.utcoffset() == timedelta(hours=7)
    assert start.dt.tzinfo.key == "Asia/Pontianak"
    local = held.sessions[0].starts_at.astimezone(PONTIANAK)
    assert f"DTSTART;TZID=Asia/Pontianak:{local:%Y%m%d}T090000" in text
    assert str(event["SUMMARY"]) == held.title
    assert str(event["LOCATION"]) == "Ruang Umpan Kalender"
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert f"Nomor registrasi: {held.registration_number}" in description
    assert "Status: Dikonfirmasi" in description
    assert f"/loans/show/{held.id}" in description
    for required in ("DTSTAMP", "UID"):
        assert required in event


def test_staff_feed_holds_every_booking_holding_a_room(app, login_as, bookings):
    path, _token = make_feed(login_as("kabid"))
    found = events(parse(fetch(app, path)))
    for loan in (bookings["held"], bookings["theirs"]):
        assert uid(loan.sessions[0]) in found
        assert loan.institution.name in str(found[uid(loan.sessions[0])]["DESCRIPTION"])
    # Requests still waiting hold nothing: not in the staff's feed.
    assert uid(bookings["waiting"].sessions[0]) not in found
    # Demo data of both borrowers in the other room: the scheduled and the
    # completed request.
    demo = {loan.title for username in ("peminjam1", "peminjam2")
            for loan in loans_of(username) if loan.status in ("scheduled", "completed")}
    assert demo <= {str(e["SUMMARY"]) for e in found.values()}


def test_borrower_feed_holds_only_their_own_requests(app, login_as, bookings):
    path, _token = make_feed(login_as("peminjam2"))
    response = fetch(app, path)
    found = events(parse(response))
    own = {uid(s) for loan in loans_of("peminjam2") for s in loan.sessions}
    assert set(found) <= own
    assert uid(bookings["theirs"].sessions[0]) in found
    body = response.get_data(as_text=True)
    for loan in loans_of("peminjam1"):
        for text in (loan.title, loan.registration_number, loan.contact_name):
            assert text not in body
        assert all(uid(s) not in found for s in loan.sessions)
    assert "Dinas Pendidikan dan Kebudayaan" not in body

    # Their rejected demo request is there as cancelled, the pending one tentative.
    rejected = next(loan for loan in loans_of("peminjam2") if loan.status == "rejected")
    assert str(found[uid(rejected.sessions[0])]["STATUS"]) == "CANCELLED"
    pending = next(loan for loan in loans_of("peminjam2") if loan.status == "submitted")
    event = found[uid(pending.sessions[0])]
    assert str(event["STATUS"]) == "TENTATIVE"
    assert str(event["SUMMARY"]) == f"{pending.title} (Menunggu)"


def test_peminjam2_feed_never_shows_peminjam1(app, login_as, bookings):
    """Even peminjam1's booking in the same room, the same week, in the feed's
    window: not a trace of it in peminjam2's feed."""
    path1, _ = make_feed(login_as("peminjam1"))
    path2, _ = make_feed(login_as("peminjam2"))
    mine = events(parse(fetch(app, path1)))
    held = bookings["held"]
    assert uid(held.sessions[0]) in mine
    assert uid(bookings["waiting"].sessions[0]) in mine  # own pending: tentative
    body = fetch(app, path2).get_data(as_text=True)
    assert uid(held.sessions[0]) not in body
    assert held.title not in body and bookings["waiting"].title not in body


def test_a_cancellation_reaches_the_borrower_feed(app, login_as, bookings):
    loan = bookings["held"]
    take(loan, "cancel", "peminjam1", reason="Acara ditunda.")
    db.session.commit()
    borrower, _ = make_feed(login_as("peminjam1"))
    staff, _ = make_feed(login_as("kasi"))
    event = events(parse(fetch(app, borrower)))[uid(loan.sessions[0])]
    assert str(event["STATUS"]) == "CANCELLED"  # the same UID: calendars update it
    assert uid(loan.sessions[0]) not in events(parse(fetch(app, staff)))


def test_a_reschedule_proposal_is_tentative(app, login_as, bookings):
    room = bookings["room"]
    day, = office_days(1, after=30)
    loan = new_loan("peminjam2", room, [(at(day, 9), at(day, 10))], title="Usulan Uji",
                    steps=("dispose",))
    take(loan, "propose_reschedule", sessions=[(at(day, 13), at(day, 14))])
    db.session.commit()
    proposal = loan.proposed_sessions[0]
    for username in ("peminjam2", "kasi"):
        path, _ = make_feed(login_as(username))
        found = events(parse(fetch(app, path)))
        assert str(found[uid(proposal)]["STATUS"]) == "TENTATIVE"
        assert uid(loan.sessions[0]) not in found


def test_the_feed_covers_a_bounded_window(app, bookings):
    """From PAST ago to AHEAD ahead: a booking outside is not even read."""
    staff, borrower = user("kasi"), user("peminjam1")
    session = bookings["held"].sessions[0]
    for who in (staff, borrower):
        assert session.id in {b.session_id for b in calendar_feed.feed_bookings(who)}
        too_late = session.starts_at + calendar_feed.PAST + timedelta(days=1)
        too_early = session.starts_at - calendar_feed.AHEAD - timedelta(days=1)
        for now in (too_late, too_early):
            assert session.id not in {
                b.session_id for b in calendar_feed.feed_bookings(who, now)}


def test_feed_costs_the_same_queries_for_more_bookings(app, login_as, bookings):
    path, _ = make_feed(login_as("adminpc"))
    fetch(app, path)
    with Statements() as few:
        parse(fetch(app, path))
    day, = office_days(1, after=40)
    for hour in (8, 10, 12, 14):
        new_loan("peminjam2", new_room(f"Ruang Tambahan {hour}"),
                 [(at(day, hour), at(day, hour + 1))], title=f"Tambahan {hour}",
                 steps=("dispose", "confirm"))
    with Statements() as many:
        assert len(events(parse(fetch(app, path)))) >= 4 + 2
    assert len(many) == len(few)


# ---------------------------------------------------------------- one request's file

def test_a_confirmed_request_downloads_as_ics(app, login_as, bookings):
    held = bookings["held"]
    client = login_as("peminjam1")
    page = client.get(f"/loans/show/{held.id}").get_data(as_text=True)
    assert f"/loans/ics/{held.id}" in page
    response = client.get(f"/loans/ics/{held.id}")
    calendar = parse(response)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Disposition"].endswith('.ics"')
    event, = calendar.walk("VEVENT")
    assert str(event["UID"]) == uid(held.sessions[0])
    assert event["DTSTART"].params["TZID"] == "Asia/Pontianak"
    assert event["DTSTART"].dt == held.sessions[0].starts_at
    assert str(event["STATUS"]) == "CONFIRMED"
    # Staff may download any request's file.
    assert login_as("kasi").get(f"/loans/ics/{held.id}").status_code == 200


def test_a_request_not_confirmed_has_no_ics(app, login_as, bookings):
    waiting = bookings["waiting"]
    client = login_as("peminjam1")
    assert f"/loans/ics/{waiting.id}" not in client.get(
        f"/loans/show/{waiting.id}").get_data(as_text=True)
    response = client.get(f"/loans/ics/{waiting.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/loans/show/{waiting.id}")
    assert "setelah dikonfirmasi" in visible_text(client.get(f"/loans/show/{waiting.id}"))


def test_another_borrower_cannot_download_the_ics(app, login_as, bookings):
    held = bookings["held"]
    response = login_as("peminjam2").get(f"/loans/ics/{held.id}")
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.get_data()
    assert held.title.encode() not in response.get_data()


def test_the_agenda_links_to_the_subscription(login_as):
    html = login_as("peminjam1").get("/agenda/").get_data(as_text=True)
    assert 'href="/calendar/"' in html


def test_texts_are_indonesian_whatever_the_language(app, login_as, bookings):
    client = login_as("adminpc")
    client.get("/lang/en")
    path, _ = make_feed(client)
    held = bookings["held"]
    english = client.get(f"/loans/ics/{held.id}").get_data(as_text=True)
    feed = fetch(app, path).get_data(as_text=True)
    for body in (english, feed):
        assert "Nomor registrasi" in body and "Registration number" not in body


def test_submitting_again_is_not_needed_for_the_feed_to_follow(app, login_as):
    """A new request shows in its borrower's feed at the next fetch."""
    path, _ = make_feed(login_as("peminjam2"))
    before = set(events(parse(fetch(app, path))))
    loan = submit_loan("peminjam2", title="Permohonan Baru Kalender", days_ahead=25)
    after = set(events(parse(fetch(app, path))))
    assert after - before == {uid(loan.sessions[0])}
