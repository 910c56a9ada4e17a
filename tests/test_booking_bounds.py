"""Bounds a borrower can see before submitting (issue 17.4): the letter's
size, the room's capacity and the schedule rules stated in the form from the
settings the rules read; Indonesian phone numbers, one rule for the form,
the API and the accounts; a past date called past; more people attending
than the room holds only on confirmation."""
from datetime import datetime, time, timedelta

import pytest
from helpers import (
    api_token,
    field_block,
    field_errors,
    loans_of,
    office_day,
    post_loan_form,
    stored_counts,
    submit_loan,
    take,
    today,
    visible_text,
)
from test_loan_form import form, local

from app.domain import phone_numbers
from app.models import LoanStatus, Room
from app.platform.extensions import db
from app.platform.timeutil import from_local


@pytest.fixture
def borrower(login_as):
    return login_as("peminjam1")


def first_room():
    return db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()


# ---------------------------------------------------------------- phone numbers

@pytest.mark.parametrize("typed,kept", [
    ("0812-3456-7890", "0812-3456-7890"),
    ("081234567890", "0812-3456-7890"),
    ("+62 812 3456 7890", "0812-3456-7890"),
    ("+6281234567890", "0812-3456-7890"),
    ("62 812-3456-789", "0812-3456-789"),
    ("(0561) 712345", "(0561) 712345"),
    ("0561-712345", "(0561) 712345"),
    ("0561 712345", "(0561) 712345"),
    ("+62 561 740144", "(0561) 740144"),
    ("(021) 5551-2345", "(021) 55512345"),
    ("021-5551234", "(021) 5551234"),
])
def test_indonesian_numbers_are_kept_in_one_form(typed, kept):
    assert phone_numbers.normalise(typed) == kept


@pytest.mark.parametrize("typed", [
    "0812", "12345678", "0800-1234-5678", "+1 555 123 4567", "08123456789012",
    "(0812) 3456789", "0561-12", "telp 0812-3456-7890", "0812+3456", "+62", "(0561)",
])
def test_what_is_no_indonesian_number_is_refused(typed):
    assert phone_numbers.normalise(typed) is None


def test_the_form_refuses_a_bad_contact_phone_and_keeps_the_input(app, borrower):
    before = stored_counts()
    response = post_loan_form(borrower, form(contact_phone="12345"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tulis nomor telepon Indonesia" in field_errors(html, "contact_phone")
    assert 'value="12345"' in field_block(html, "contact_phone")
    assert stored_counts() == before


def test_the_form_keeps_the_contact_phone_normalised(app, borrower):
    before = {loan.id for loan in loans_of("peminjam1")}
    response = post_loan_form(borrower, form(contact_phone="+62 812 5555 0101"))
    assert response.status_code == 302
    loan = next(loan for loan in loans_of("peminjam1") if loan.id not in before)
    assert loan.contact_phone == "0812-5555-0101"


def test_the_api_refuses_a_bad_contact_phone_with_the_same_message(app, client):
    from test_api_loans import API, request_body

    headers = api_token(client, "peminjam1")
    before = stored_counts()
    response = client.post(f"{API}/", headers=headers, json=request_body(
        office_day(30), contact_phone="0800-1234-5678"))
    assert response.status_code == 422
    assert response.get_json()["errors"]["contact_phone"][0].startswith(
        "Tulis nomor telepon Indonesia")
    assert stored_counts() == before
    created = client.post(f"{API}/", headers=headers, json=request_body(
        office_day(30), contact_phone="+62 561 712345"))
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["result"]["contact_phone"] == "(0561) 712345"


# ---------------------------------------------------------------- help texts

def test_the_form_states_the_bounds_from_the_settings(app, borrower, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_MAX_BYTES", 2 * 1024 * 1024)
    monkeypatch.setitem(app.config, "BOOKING_MIN_NOTICE_DAYS", 7)
    monkeypatch.setitem(app.config, "BOOKING_MAX_HORIZON_DAYS", 90)
    room = first_room()
    html = borrower.get("/loans/add").get_data(as_text=True)
    assert "paling besar 2 MB" in field_block(html, "letter")
    assert f"{room.name} {room.capacity} orang" in field_block(html, "participants")
    sessions = field_block(html, "sessions")
    assert "paling cepat 7 hari dan paling lambat 90 hari" in sessions
    assert "07.30–16.00 WIB" in sessions
    assert "misalnya 0812-3456-7890" in field_block(html, "contact_phone")


# ---------------------------------------------------------------- a past date

def test_a_past_date_is_called_past_not_too_late(app, borrower):
    day = today() - timedelta(days=7)
    response = post_loan_form(borrower, form(**{
        "sessions-start": [local(day, 9)], "sessions-end": [local(day, 11)]}))
    errors = field_errors(response.get_data(as_text=True), "sessions")
    assert "waktunya sudah lewat" in errors
    assert "paling lambat" not in errors


def test_tomorrow_is_still_too_little_notice(app, borrower):
    day = today() + timedelta(days=1)
    response = post_loan_form(borrower, form(**{
        "sessions-start": [local(day, 9)], "sessions-end": [local(day, 11)]}))
    errors = field_errors(response.get_data(as_text=True), "sessions")
    assert "paling lambat" in errors and "sudah lewat" not in errors


# ---------------------------------------------------------------- attendance

def prepared_past_loan():
    day = office_day(-6)
    start = from_local(datetime.combine(day, time(9)))
    loan = submit_loan("peminjam1", now=start - timedelta(days=10),
                       sessions=[(start, start + timedelta(hours=3))])
    moment = start - timedelta(days=9)
    for action in ("dispose", "confirm", "schedule"):
        take(loan, action, now=moment)
        moment += timedelta(minutes=10)
    take(loan, "prepare", now=start - timedelta(minutes=20))
    db.session.commit()
    return loan


@pytest.mark.date_sensitive
def test_more_people_than_the_room_holds_asks_for_confirmation(app, login_as):
    loan = prepared_past_loan()
    adminpc = login_as("adminpc")
    url = f"/loans/step/complete/{loan.id}"
    page = adminpc.get(url)
    assert f"{loan.room.name} {loan.room.capacity} orang" in visible_text(page)
    assert 'name="over_capacity_confirmed"' not in page.get_data(as_text=True)

    data = {f"item_{item.id}": "ready" for item in loan.room.equipment}
    over = loan.room.capacity + 5
    response = adminpc.post(url, data={**data, "actual_participants": str(over)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="over_capacity_confirmed"' in html
    assert f"{over} orang melebihi kapasitas" in visible_text(response)
    db.session.refresh(loan)
    assert loan.status == LoanStatus.PREPARED

    response = adminpc.post(url, data={**data, "actual_participants": str(over),
                                       "over_capacity_confirmed": "y"})
    assert response.status_code == 302
    db.session.refresh(loan)
    assert (loan.status, loan.actual_participants) == (LoanStatus.COMPLETED, over)


@pytest.mark.date_sensitive
def test_the_api_asks_the_same_confirmation(app, client):
    from test_api_loans import API, checklist

    loan = prepared_past_loan()
    headers = api_token(client, "adminpc")
    over = loan.room.capacity + 1
    body = {"checklist": checklist(loan.id), "actual_participants": over}
    response = client.post(f"{API}/{loan.id}/complete", json=body, headers=headers)
    assert response.status_code == 422
    assert "over_capacity_confirmed" in response.get_json()["errors"]
    response = client.post(f"{API}/{loan.id}/complete", headers=headers,
                           json={**body, "over_capacity_confirmed": True})
    assert response.status_code == 200, response.get_json()
