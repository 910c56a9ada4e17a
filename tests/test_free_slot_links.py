"""Click a free slot to book it (issue 17.1): on the availability page and
the agenda a free time a borrower may request opens the request form filled
with it; after a refused schedule the nearest free times are buttons that
fill the form's rows, for the borrower and for the Kasi proposing."""
import html as html_lib
import json
import re

import pytest
from helpers import (
    field_block,
    field_errors,
    loan_form_data,
    post_loan_form,
    visible_text,
)
from test_availability import at, new_loan, new_room, office_days

from app.domain.scheduling import availability
from app.models import LoanRequest
from app.platform.extensions import db
from app.platform.timeutil import to_local, utcnow

pytestmark = pytest.mark.date_sensitive

FREE_LINK = re.compile(r'href="(/loans/add\?[^"]+)"')


def add_links(html):
    return [html_lib.unescape(url) for url in FREE_LINK.findall(html)]


def link(room, day, start, end):
    return f"/loans/add?room={room.id}&date={day.isoformat()}&start={start}&end={end}"


def test_the_availability_page_links_each_free_slot_to_the_filled_form(app, login_as):
    room = new_room()
    day, = office_days(1)
    new_loan("peminjam2", room, [(at(day, 9), at(day, 12))], steps=("dispose", "confirm"))
    borrower = login_as("peminjam1")

    html = borrower.get(f"/availability/?room={room.id}&start={day}&end={day}").get_data(
        as_text=True)
    # Free before the booking (less its 30 minutes' preparation) and after it.
    assert add_links(html) == [link(room, day, "07:30", "08:30"),
                               link(room, day, "12:30", "16:00")]

    form = borrower.get(link(room, day, "12:30", "16:00")).get_data(as_text=True)
    assert f'<option selected value="{room.id}">' in field_block(form, "room")
    sessions = field_block(form, "sessions")
    assert f'value="{day.isoformat()}T12:30"' in sessions
    assert f'value="{day.isoformat()}T16:00"' in sessions


def test_too_soon_a_slot_is_no_link(app, login_as):
    room = new_room()
    today = to_local(utcnow()).date()
    html = login_as("peminjam1").get(
        f"/availability/?room={room.id}&start={today}&end={today}").get_data(as_text=True)
    assert add_links(html) == []


@pytest.mark.parametrize("username", ["kasi", "adminpc", "kabid"])
def test_staff_get_no_request_links(app, login_as, username):
    room = new_room()
    day, = office_days(1)
    client = login_as(username)
    page = client.get(f"/availability/?room={room.id}&start={day}&end={day}")
    assert add_links(page.get_data(as_text=True)) == []
    agenda = client.get(f"/agenda/?view=day&date={day}&room={room.id}")
    assert add_links(agenda.get_data(as_text=True)) == []


def test_the_agenda_week_and_day_link_free_times_for_a_borrower(app, login_as):
    room = new_room()
    day, = office_days(1)
    held = new_loan("peminjam2", room, [(at(day, 9), at(day, 12))],
                    steps=("dispose", "confirm"))
    borrower = login_as("peminjam1")

    week = borrower.get(f"/agenda/?view=week&date={day}&room={room.id}")
    links = add_links(week.get_data(as_text=True))
    assert link(room, day, "07:30", "08:30") in links
    assert link(room, day, "12:30", "16:00") in links
    # Another borrower's booking stays a busy block without its title.
    assert held.title not in visible_text(week)

    day_page = borrower.get(f"/agenda/?view=day&date={day}&room={room.id}")
    assert "Waktu kosong yang dapat Anda ajukan" in visible_text(day_page)
    assert link(room, day, "12:30", "16:00") in add_links(day_page.get_data(as_text=True))


def test_a_room_that_cannot_be_booked_gets_no_links(app, login_as):
    room = new_room()
    day, = office_days(1)
    room.is_active = False
    db.session.commit()
    borrower = login_as("peminjam1")
    page = borrower.get(f"/agenda/?view=day&date={day}&room={room.id}")
    assert not [url for url in add_links(page.get_data(as_text=True))
                if f"room={room.id}&" in url]
    assert login_as("kasi").get(f"/agenda/?view=day&date={day}&room={room.id}")\
        .status_code == 200


def suggestion_buttons(html):
    return [json.loads(html_lib.unescape(data)) for data in re.findall(
        r'class="btn btn-success btn-sm pontive-session-fill" data-sessions="([^"]+)"',
        html)]


def local_rows(suggestion):
    return [[to_local(s).strftime("%Y-%m-%dT%H:%M"), to_local(e).strftime("%Y-%m-%dT%H:%M")]
            for s, e in suggestion]


@pytest.mark.parametrize("title", ["Seminar Kota Cerdas", ""],
                         ids=["only-taken", "taken-and-a-field-to-fix"])
def test_a_refused_submission_offers_its_free_times_as_buttons(app, login_as, title):
    room = new_room()
    day, = office_days(1)
    new_loan("peminjam1", room, [(at(day, 9), at(day, 12))], steps=("dispose", "confirm"))
    before = db.session.query(LoanRequest).count()

    response = post_loan_form(login_as("peminjam2"),
                              loan_form_data(room, at(day, 10), at(day, 13), title))

    assert response.status_code == 200
    with app.test_request_context("/"):
        expected = availability.suggest_slots(room, [(at(day, 10), at(day, 13))], utcnow())
    buttons = suggestion_buttons(response.get_data(as_text=True))
    assert buttons == [local_rows(s) for s in expected] and buttons
    assert "Pilih salah satu waktu kosong terdekat" in visible_text(response)
    assert bool(field_errors(response.get_data(as_text=True), "title")) == (not title)
    assert db.session.query(LoanRequest).count() == before


def test_the_kasi_gets_the_same_buttons_when_a_proposal_is_taken(app, login_as):
    room = new_room()
    day, = office_days(1)
    new_loan("peminjam1", room, [(at(day, 9), at(day, 12))], steps=("dispose", "confirm"))
    waiting = new_loan("peminjam2", room, [(at(day, 13), at(day, 15))],
                       steps=("dispose",))

    response = login_as("kasi").post(f"/loans/step/propose_reschedule/{waiting.id}", data={
        "sessions-start": [f"{day.isoformat()}T10:00"],
        "sessions-end": [f"{day.isoformat()}T12:00"], "note": ""})
    assert response.status_code == 200
    with app.test_request_context("/"):
        expected = availability.suggest_slots(room, [(at(day, 10), at(day, 12))], utcnow(),
                                              exclude_loan_id=waiting.id)
    buttons = suggestion_buttons(response.get_data(as_text=True))
    assert buttons == [local_rows(s) for s in expected] and buttons
    db.session.refresh(waiting)
    assert waiting.status == "disposed"  # nothing proposed
