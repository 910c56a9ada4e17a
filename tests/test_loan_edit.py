"""Correcting a submitted request goes through the domain's checks, as
submitting does (app/domain/submission.py: edit).

Found by an outside review: a borrower edited a request to 9999 participants
in a 30-seat room, and the Kasi then confirmed it.
"""
import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from helpers import field_errors, loans_of, submit_loan, take, user

from app.domain import submission, workflow
from app.domain.refusals import InputRefused, TransitionRefused
from app.models import LoanRequest, LoanStatus, Room
from app.platform.extensions import db


def edit_form(loan, **changes):
    """The edit page's fields as they are, with ``changes``."""
    data = {
        "title": loan.title, "description": loan.description or "",
        "participants": str(loan.participants), "letter_number": loan.letter_number,
        "letter_date": loan.letter_date.isoformat(), "subject": loan.subject,
        "contact_name": loan.contact_name, "contact_phone": loan.contact_phone,
    }
    data.update(changes)
    return data


def stored(loan_id):
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan_id)
    return (loan.title, loan.participants, loan.subject, loan.contact_phone,
            loan.status, len(loan.history), loan.updated_at)


def capacity_message(app, room):
    with app.test_request_context("/"), force_locale("id"):
        return f"{room.name} hanya dapat menampung paling banyak {room.capacity} orang."


def test_editing_beyond_the_rooms_capacity_is_refused_at_the_field(app, login_as):
    loan = submit_loan("peminjam1", title="Rapat Kecil")
    room = loan.room
    assert room.capacity < 9999
    before = stored(loan.id)

    response = login_as("peminjam1").post(f"/loans/edit/{loan.id}", data=edit_form(
        loan, participants="9999", title="Rapat Besar"))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert capacity_message(app, room) in field_errors(html, "participants")
    assert 'value="Rapat Besar"' in html  # what the borrower typed is kept
    assert stored(loan.id) == before


@pytest.mark.parametrize("changes, field", [
    ({"title": "x" * 256}, "title"),
    ({"title": "  "}, "title"),
    ({"contact_phone": ""}, "contact_phone"),
    ({"participants": "0"}, "participants"),
    ({"participants": "10001"}, "participants"),
    ({"letter_date": "kemarin"}, "letter_date"),
])
def test_an_edit_breaking_a_rule_is_refused_as_a_submission_is(app, login_as, changes,
                                                                field):
    loan = submit_loan("peminjam1")
    before = stored(loan.id)
    response = login_as("peminjam1").post(f"/loans/edit/{loan.id}",
                                          data=edit_form(loan, **changes))
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True), field).strip()
    assert stored(loan.id) == before


def test_a_sound_edit_is_saved(app, login_as):
    loan = submit_loan("peminjam1")
    response = login_as("peminjam1").post(f"/loans/edit/{loan.id}", data=edit_form(
        loan, title="Judul Diperbaiki", participants=str(loan.room.capacity)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/loans/show/{loan.id}")
    db.session.expire_all()
    saved = db.session.get(LoanRequest, loan.id)
    assert (saved.title, saved.participants) == ("Judul Diperbaiki", loan.room.capacity)
    assert saved.status == LoanStatus.SUBMITTED


def test_the_domain_refuses_the_edit_whoever_calls_it(app):
    loan = submit_loan("peminjam1")
    data = submission.EditInput(
        title=loan.title, subject=loan.subject, letter_number=loan.letter_number,
        letter_date=loan.letter_date, participants=9999, contact_name=loan.contact_name,
        contact_phone=loan.contact_phone)
    with pytest.raises(InputRefused) as refusal:
        submission.edit(loan, user("peminjam1"), data)
    db.session.rollback()
    assert list(refusal.value.errors) == ["participants"]
    # Another borrower's request, or one already with the Kabid, is not edited.
    sound = submission.EditInput(**{**vars(data), "participants": 5})
    with pytest.raises(TransitionRefused):
        submission.edit(loan, user("peminjam2"), sound)
    db.session.rollback()
    take(loan, "dispose")
    db.session.commit()
    with pytest.raises(TransitionRefused):
        submission.edit(loan, user("peminjam1"), sound)
    db.session.rollback()
    assert db.session.get(LoanRequest, loan.id).participants == 10


def test_another_borrowers_request_cannot_be_edited(app, login_as):
    theirs = loans_of("peminjam1")[0]
    before = stored(theirs.id)
    intruder = login_as("peminjam2")
    assert intruder.get(f"/loans/edit/{theirs.id}").status_code == 404
    response = intruder.post(f"/loans/edit/{theirs.id}",
                             data=edit_form(theirs, title="Diubah orang lain"))
    assert response.status_code == 404
    assert stored(theirs.id) == before


def test_a_request_beyond_the_capacity_is_not_confirmed(app):
    """Even one stored before the edit was checked (or whose room shrank)."""
    loan = submit_loan("peminjam1")
    take(loan, "dispose")
    db.session.commit()
    db.session.execute(sa.update(LoanRequest).where(LoanRequest.id == loan.id)
                       .values(participants=9999))
    db.session.commit()
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    with app.test_request_context("/"), force_locale("id"):
        with pytest.raises(TransitionRefused) as refusal:
            take(loan, "confirm")
        message = str(refusal.value)
    db.session.rollback()
    room = db.session.get(Room, loan.room_id)
    assert message == capacity_message(app, room)
    assert db.session.get(LoanRequest, loan.id).status == LoanStatus.DISPOSED
    assert "confirm" not in workflow.allowed_actions(loan, user("kasi"))
