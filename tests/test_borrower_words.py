"""A borrower reads where their request is in plain words
(app/domain/borrower_words.py), on its page, in its history, on the step
forms and through the API; staff keep their step names, roles, standard
times and hints."""
from datetime import datetime, time

import pytest
from helpers import api_token, free_office_day, login, submit_loan, take, visible_text

from app.domain import borrower_words
from app.models import LoanStatus
from app.platform.extensions import db
from app.platform.timeutil import from_local

STAFF_WORDS = ("standar", "Menunggu Kabid", "Menunggu Kasi", "Isi disposisi", "Kabid TKPBET",
               "Disposisikan", "Alasan ini dibaca oleh peminjam",
               "Ditahan untuk peminjam")


@pytest.fixture(scope="module")
def requests_(module_app):
    """peminjam1's requests: submitted, disposed, with a proposal."""
    loans = {state: submit_loan("peminjam1", title=f"Rapat kata {state}",
                                day=free_office_day(45 + 7 * offset))
             for offset, state in enumerate(("submitted", "disposed", "proposed"))}
    take(loans["disposed"], "dispose")
    take(loans["proposed"], "dispose")
    other = free_office_day(90)
    take(loans["proposed"], "propose_reschedule", sessions=(
        (from_local(datetime.combine(other, time(13))),
         from_local(datetime.combine(other, time(15)))),))
    db.session.commit()
    return {state: loan.id for state, loan in loans.items()}


def test_every_status_has_a_phrase_in_indonesian(module_app):
    assert set(borrower_words.PHRASES) == set(LoanStatus.codes())
    with module_app.test_request_context():
        phrases = {str(borrower_words.progress(code)) for code in LoanStatus.codes()}
    assert len(phrases) == len(LoanStatus.codes())
    assert "Sedang ditelaah oleh Kepala Bidang" in phrases
    assert "Menunggu jawaban Anda atas usulan jadwal" in phrases


@pytest.mark.parametrize("state, phrase", [
    ("submitted", "Sedang ditelaah oleh Kepala Bidang"),
    ("disposed", "Sedang ditelaah oleh Kepala Seksi"),
    ("proposed", "Menunggu jawaban Anda atas usulan jadwal"),
])
def test_the_borrower_reads_where_the_request_is(module_app, requests_, state, phrase):
    borrower = login(module_app.test_client(), "peminjam1")
    text = visible_text(borrower.get(f"/loans/show/{requests_[state]}"))
    assert f"Posisi permohonan Anda: {phrase}" in text
    for words in STAFF_WORDS:
        assert words not in text, words


def test_the_borrower_history_keeps_notes_meant_for_them(module_app, requests_):
    borrower = login(module_app.test_client(), "peminjam1")
    text = visible_text(borrower.get(f"/loans/show/{requests_['proposed']}"))
    history = text[text.index("Riwayat"):]
    assert "Sedang ditelaah oleh Kepala Bidang" in history  # from its submission
    assert "Menunggu jawaban Anda atas usulan jadwal" in history
    assert "Mohon dikoordinasikan dengan peminjam." not in history  # the Kabid's to the Kasi
    assert "Jawab sebelum" in text


def test_staff_keep_their_steps_roles_and_standards(module_app, requests_):
    staff = login(module_app.test_client(), "kasi")
    text = visible_text(staff.get(f"/loans/show/{requests_['disposed']}"))
    assert "Posisi permohonan Anda" not in text
    assert "Menunggu Kasi PK" in text and "standar" in text
    assert "Isi disposisi" in text and "(Kabid TKPBET)" in text
    proposed = visible_text(staff.get(f"/loans/show/{requests_['proposed']}"))
    assert "Ditahan untuk peminjam sampai" in proposed


def test_staff_hints_are_not_on_the_borrowers_forms(module_app, requests_):
    borrower = login(module_app.test_client(), "peminjam1")
    for action, state in (("cancel", "submitted"), ("decline_reschedule", "proposed")):
        text = visible_text(borrower.get(f"/loans/step/{action}/{requests_[state]}"))
        assert "Alasan" in text, action
        assert "Alasan ini dibaca oleh peminjam" not in text, action
    staff = login(module_app.test_client(), "kasi")
    for action in ("reject", "cancel"):
        text = visible_text(staff.get(f"/loans/step/{action}/{requests_['disposed']}"))
        assert "Alasan ini dibaca oleh peminjam" in text, action


def test_the_borrowers_tasks_speak_of_answers_not_standards(module_app, requests_):
    borrower = login(module_app.test_client(), "peminjam1")
    text = visible_text(borrower.get("/tasks/"))
    assert "Jawab sebelum" in text and "standar" not in text
    staff = visible_text(login(module_app.test_client(), "kasi").get("/tasks/"))
    assert "standar" in staff


def test_the_api_gives_the_same_words_to_the_borrower_only(module_app, requests_):
    client = module_app.test_client()
    own = client.get(f"/api/v1/loans/{requests_['submitted']}",
                     headers=api_token(client, "peminjam1"))
    assert own.status_code == 200
    assert own.get_json()["result"]["progress"] == "Sedang ditelaah oleh Kepala Bidang"
    listed = client.get("/api/v1/loans/", headers=api_token(client, "peminjam1"))
    assert {row["progress"] for row in listed.get_json()["result"]} >= {
        "Menunggu jawaban Anda atas usulan jadwal"}
    other = client.get(f"/api/v1/loans/{requests_['submitted']}",
                       headers=api_token(client, "peminjam2"))
    assert other.status_code == 404
    assert client.get(f"/loans/show/{requests_['submitted']}").status_code in (302, 401)
