"""Declining a proposed schedule returns the request to the Kasi with the
borrower's reason and the times they could take instead (each checked
against the rules, shown to the Kasi with its availability); the Kasi
confirms one in one click, or proposes again. Cancelling stays its own step."""
import re
from datetime import datetime, time, timedelta

import pytest
from helpers import (
    api_token,
    free_office_day,
    office_days,
    stored_counts,
    submit_loan,
    take,
    visible_text,
)

from app.domain import alternatives
from app.domain.refusals import InputRefused
from app.models import ClosedDate, LoanRequest, RescheduleAlternative, StatusHistory
from app.models import LoanStatus as S
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local, utcnow

pytestmark = pytest.mark.date_sensitive

API = "/api/v1/loans"
REASON = "Tanggal usulan bertepatan dengan ujian sekolah."


def at(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


def local_input(moment):
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def step_url(loan, action):
    return f"/loans/step/{action}/{loan.id}"


@pytest.fixture
def proposed(app):
    """peminjam1's request, disposed, with another time proposed by the Kasi;
    and three free office days after it for the borrower's alternatives."""
    day = free_office_day(30)
    loan = submit_loan("peminjam1", title="Rapat yang diusulkan ulang", day=day)
    take(loan, "dispose")
    take(loan, "propose_reschedule", sessions=[(at(day, 13), at(day, 15))])
    db.session.commit()
    later = [free_office_day(n, start=(8, 0), end=(16, 0)) for n in (40, 45, 50)]
    assert len(set(later)) == 3
    return {"loan": loan, "day": day, "later": later}


def decline_form(alternatives=(), reason=REASON):
    return {"reason": reason,
            "alternatives-start": [local_input(s) for s, _e in alternatives],
            "alternatives-end": [local_input(e) for _s, e in alternatives]}


def field_errors(html, name):
    block = html.split(f"pontive-field-{name}", 1)[1].split('class="form-group', 1)[0]
    return visible_text_of(block)


def visible_text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# ---------------------------------------------------------------- declining

def test_declining_returns_the_request_to_the_kasi_with_reason_and_times(
        proposed, login_as, outbox):
    loan, later = proposed["loan"], proposed["later"]
    wanted = [(at(later[0], 9), at(later[0], 11)), (at(later[1], 13), at(later[1], 15))]
    borrower = login_as("peminjam1")
    form = visible_text(borrower.get(step_url(loan, "decline_reschedule")))
    assert "Waktu pengganti yang dapat Saudara gunakan (opsional)" in form

    response = borrower.post(step_url(loan, "decline_reschedule"),
                             data=decline_form(wanted))
    assert response.status_code == 302
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert loan.status == S.DISPOSED and loan.cancellation_reason is None
    assert not loan.proposed_sessions and loan.hold_expires_at is None
    row = loan.history[-1]
    assert (row.action, row.from_status, row.to_status, row.note) == (
        "decline_reschedule", S.RESCHEDULE_PROPOSED, S.DISPOSED, REASON)
    assert [(a.starts_at, a.ends_at) for a in row.alternatives] == wanted

    # The Kasi sees it on the request's page, each time with its availability.
    page = visible_text(login_as("kasi").get(f"/loans/show/{loan.id}"))
    assert "Peminjam menolak usulan jadwal" in page and REASON in page
    assert page.count("Kosong") >= 2 and "Konfirmasi waktu ini" in page
    # ... and in the inbox, as a request waiting for them.
    assert loan.registration_number in visible_text(login_as("kasi").get("/tasks/"))

    # The Kasi is mailed, with the reason and the times; the borrower gets a receipt.
    kasi_mail = outbox.to("kasi@demo.pontianak.go.id")[-1]
    body = kasi_mail.get_content()
    assert "menunggu" in kasi_mail["Subject"] and REASON in body
    assert "Waktu pengganti yang dapat digunakan peminjam" in body
    receipt = outbox.to("peminjam1@demo.pontianak.go.id")[-1]
    assert "menolak usulan jadwal" in receipt["Subject"]
    assert "tidak dibatalkan" in receipt.get_content()


def test_the_reason_is_required(proposed, login_as):
    loan = proposed["loan"]
    before = stored_counts()
    response = login_as("peminjam1").post(step_url(loan, "decline_reschedule"),
                                          data=decline_form(reason=""))
    assert response.status_code == 200
    assert "Silakan isi alasannya." in field_errors(response.get_data(as_text=True), "reason")
    db.session.expire_all()
    assert db.session.get(LoanRequest, loan.id).status == S.RESCHEDULE_PROPOSED
    assert stored_counts() == before


@pytest.mark.parametrize("case", ["outside_hours", "weekend", "too_many", "ends_first"])
def test_a_bad_alternative_is_refused_in_indonesian_and_nothing_changes(
        proposed, login_as, case):
    loan, later = proposed["loan"], proposed["later"]
    saturday = later[0] + timedelta(days=(5 - later[0].weekday()) % 7)
    wanted, expected = {
        "outside_hours": ([(at(later[0], 17), at(later[0], 19))], "di luar jam kantor"),
        "weekend": ([(at(saturday, 9), at(saturday, 11))], "bukan hari kerja"),
        "too_many": ([(at(later[0], h), at(later[0], h + 1)) for h in (8, 10, 12, 14)],
                     "Paling banyak 3 waktu pengganti."),
        "ends_first": ([(at(later[0], 11), at(later[0], 9))], "Waktu pengganti 1:"),
    }[case]
    before = stored_counts()
    response = login_as("peminjam1").post(step_url(loan, "decline_reschedule"),
                                          data=decline_form(wanted))
    assert response.status_code == 200
    errors = field_errors(response.get_data(as_text=True), "alternatives")
    assert expected in errors, errors
    if case in ("outside_hours", "weekend"):
        assert "Waktu pengganti 1 (" in errors
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert loan.status == S.RESCHEDULE_PROPOSED and loan.proposed_sessions
    assert stored_counts() == before
    assert db.session.query(RescheduleAlternative).count() == 0


def test_a_request_of_several_sessions_gives_its_days_in_the_reason(app, login_as):
    days = office_days(30, 2)
    loan = submit_loan("peminjam1", sessions=[(at(d, 9), at(d, 11)) for d in days])
    take(loan, "dispose")
    take(loan, "propose_reschedule", sessions=[(at(d, 13), at(d, 15)) for d in days])
    db.session.commit()
    later = free_office_day(40)
    response = login_as("peminjam1").post(step_url(loan, "decline_reschedule"),
                                          data=decline_form([(at(later, 9), at(later, 11))]))
    assert "satu sesi" in field_errors(response.get_data(as_text=True), "alternatives")
    db.session.expire_all()
    assert db.session.get(LoanRequest, loan.id).status == S.RESCHEDULE_PROPOSED


# ---------------------------------------------------------------- the Kasi

def declined(proposed, wanted):
    loan = proposed["loan"]
    take(loan, "decline_reschedule", reason=REASON, alternatives=tuple(wanted))
    db.session.commit()
    return {a.starts_at: a for a in alternatives.current(loan)}


def test_the_kasi_confirms_an_alternative_in_one_click(proposed, login_as):
    loan, later = proposed["loan"], proposed["later"]
    chosen_time = (at(later[1], 13), at(later[1], 15))
    options = declined(proposed, [(at(later[0], 9), at(later[0], 11)), chosen_time])
    chosen = options[chosen_time[0]]
    kasi = login_as("kasi")
    page = kasi.get(f"/loans/show/{loan.id}").get_data(as_text=True)
    link = f"/loans/step/confirm/{loan.id}?alternative={chosen.id}"
    assert link in page
    form = kasi.get(link).get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*name="schedule"[^>]*value="{chosen.id}"', form)

    response = kasi.post(step_url(loan, "confirm"), data={
        "schedule": str(chosen.id), "pledge_checked": "y"})
    assert response.status_code == 302, visible_text(response)[-500:]
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert loan.status == S.CONFIRMED
    assert [(s.starts_at, s.ends_at) for s in loan.sessions] == [chosen_time]
    assert all(s.occupying for s in loan.sessions)
    # The Kasi's step is timed from the decline (mutu baku), as any return to them.
    decline, confirm = loan.history[-2:]
    assert (decline.action, confirm.action) == ("decline_reschedule", "confirm")
    assert confirm.waiting_since == decline.created_at
    assert confirm.standard_seconds == 15 * 60
    # Once confirmed, the alternatives are no longer offered.
    assert alternatives.current(loan) == []


def test_the_kasi_sees_each_times_availability_now(proposed, login_as):
    loan, later = proposed["loan"], proposed["later"]
    wanted = [(at(later[0], 9), at(later[0], 11)), (at(later[1], 9), at(later[1], 11)),
              (at(later[2], 9), at(later[2], 11))]
    options = declined(proposed, wanted)
    # Since then another request took the first time, and the office closed the second day.
    other = submit_loan("peminjam2", title="Pemegang", day=later[0])
    take(other, "dispose")
    take(other, "confirm")
    db.session.add(ClosedDate(day=later[1], reason="Rapat kerja daerah"))
    db.session.commit()

    states = {a.starts_at: state for a, state in
              alternatives.with_availability(loan, utcnow())}
    assert [states[s] for s, _e in wanted] == [alternatives.CLASH, alternatives.CLOSED,
                                               alternatives.FREE]
    page = visible_text(login_as("kasi").get(f"/loans/show/{loan.id}"))
    assert "Bentrok dengan peminjaman lain" in page
    assert "Hari libur atau kantor tutup" in page and "Kosong" in page

    # A closed day cannot be confirmed; a clash is refused with free times near it.
    kasi = login_as("kasi")
    before = stored_counts()
    response = kasi.post(step_url(loan, "confirm"), data={
        "schedule": str(options[wanted[1][0]].id), "pledge_checked": "y"})
    assert ("Waktu ini tidak dapat dikonfirmasi: Hari libur atau kantor tutup."
            in visible_text(response))
    response = kasi.post(step_url(loan, "confirm"), data={
        "schedule": str(options[wanted[0][0]].id), "pledge_checked": "y"})
    assert "Ruang sudah dipesan pada waktu tersebut" in visible_text(response)
    db.session.expire_all()
    assert db.session.get(LoanRequest, loan.id).status == S.DISPOSED
    assert stored_counts() == before


def test_the_kasi_may_propose_again(proposed):
    loan, later = proposed["loan"], proposed["later"]
    declined(proposed, [(at(later[0], 9), at(later[0], 11))])
    take(loan, "propose_reschedule", sessions=[(at(later[2], 13), at(later[2], 15))])
    db.session.commit()
    assert loan.status == S.RESCHEDULE_PROPOSED
    assert alternatives.current(loan) == []  # the old ones are not offered any more


# ---------------------------------------------------------------- the API

def test_the_api_declines_with_alternatives_and_confirms_one(proposed, client):
    loan, later = proposed["loan"], proposed["later"]
    borrower, kasi = api_token(client, "peminjam1"), api_token(client, "kasi")
    wanted = {"starts_at": f"{later[0]}T09:00", "ends_at": f"{later[0]}T11:00"}
    bad = {"starts_at": f"{later[1]}T18:00", "ends_at": f"{later[1]}T19:00"}
    before = stored_counts()
    response = client.post(f"{API}/{loan.id}/decline_reschedule", headers=borrower,
                           json={"reason": REASON, "alternatives": [wanted, bad]})
    assert response.status_code == 422
    assert "di luar jam kantor" in response.get_json()["errors"]["alternatives"][0]
    assert stored_counts() == before

    response = client.post(f"{API}/{loan.id}/decline_reschedule", headers=borrower,
                           json={"reason": REASON, "alternatives": [wanted]})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["result"]
    assert result["status"] == "disposed" and result["history"][-1]["note"] == REASON
    [offered] = result["alternatives"]
    assert (offered["starts_at"], offered["availability"],
            offered["availability_label"]) == (f"{later[0]}T09:00:00+07:00", "free",
                                               "Kosong")

    response = client.post(f"{API}/{loan.id}/confirm", headers=kasi,
                           json={"no_buffet_pledge": True, "alternative_id": 999999})
    assert response.status_code == 422
    assert response.get_json()["errors"]["alternative_id"] == [
        "Pilih salah satu waktu yang diajukan peminjam."]
    response = client.post(f"{API}/{loan.id}/confirm", headers=kasi,
                           json={"no_buffet_pledge": True, "alternative_id": offered["id"]})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["result"]
    assert result["status"] == "confirmed" and result["alternatives"] == []
    assert result["sessions"] == [{"starts_at": f"{later[0]}T09:00:00+07:00",
                                   "ends_at": f"{later[0]}T11:00:00+07:00"}]


# ---------------------------------------------------------------- the other borrower

def test_the_other_borrower_can_neither_decline_nor_see_it(proposed, login_as, client):
    loan, later = proposed["loan"], proposed["later"]
    before = stored_counts()
    other = login_as("peminjam2")
    response = other.post(step_url(loan, "decline_reschedule"),
                          data=decline_form([(at(later[0], 9), at(later[0], 11))]))
    assert response.status_code in (302, 403, 404)
    token = api_token(client, "peminjam2")
    response = client.post(f"{API}/{loan.id}/decline_reschedule", headers=token,
                           json={"reason": "Bukan milik saya."})
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(LoanRequest, loan.id).status == S.RESCHEDULE_PROPOSED
    assert stored_counts() == before

    declined(proposed, [(at(later[0], 9), at(later[0], 11))])
    assert other.get(f"/loans/show/{loan.id}").status_code in (403, 404)
    assert client.get(f"{API}/{loan.id}", headers=token).status_code in (403, 404)
    # The owner sees their own reason and times.
    own = visible_text(login_as("peminjam1").get(f"/loans/show/{loan.id}"))
    assert REASON in own and "Konfirmasi waktu ini" not in own


def test_cancelling_stays_a_separate_step_with_a_confirmation(proposed, login_as):
    loan = proposed["loan"]
    borrower = login_as("peminjam1")
    page = visible_text(borrower.get(step_url(loan, "cancel")))
    assert "Ya, batalkan permohonan ini. Pembatalan tidak dapat diurungkan" in page
    response = borrower.post(step_url(loan, "cancel"), data={"reason": "Acara batal."})
    assert "Centang kotak ini untuk membatalkan permohonan." in visible_text(response)
    db.session.expire_all()
    assert db.session.get(LoanRequest, loan.id).status == S.RESCHEDULE_PROPOSED
    response = borrower.post(step_url(loan, "cancel"),
                             data={"reason": "Acara batal.", "sure": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert loan.status == S.CANCELLED and loan.cancellation_reason == "Acara batal."
    assert db.session.query(StatusHistory).filter_by(
        loan_id=loan.id, action="decline_reschedule").count() == 0


def test_the_command_line_declines_with_times_and_the_history_keeps_them(
        app, proposed, login_as):
    loan, later = proposed["loan"], proposed["later"]
    result = app.test_cli_runner().invoke(
        args=["step", "decline_reschedule", loan.registration_number, "--as", "peminjam1",
              "--reason", REASON, "--session", f"{later[0]}T09:00/{later[0]}T11:00"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert loan.status == S.DISPOSED
    assert [(a.starts_at, a.ends_at) for a in alternatives.current(loan)] == [
        (at(later[0], 9), at(later[0], 11))]
    # The history keeps the times with the decline, also once the Kasi has acted.
    take(loan, "propose_reschedule", sessions=[(at(later[1], 13), at(later[1], 15))])
    db.session.commit()
    html = login_as("peminjam1").get(f"/loans/show/{loan.id}").get_data(as_text=True)
    entry = html.split("pontive-step-decline_reschedule", 1)[1].split("</li>", 1)[0]
    assert REASON in entry and "09.00–11.00 WIB" in entry


def test_an_alternative_is_confirmed_after_the_requested_time_has_passed(proposed):
    loan, day, later = proposed["loan"], proposed["day"], proposed["later"]
    options = declined(proposed, [(at(later[0], 9), at(later[0], 11))])
    [chosen] = options.values()
    after = at(day, 12)  # the time asked for is over; the alternative is ahead
    with pytest.raises(InputRefused) as refused:
        take(loan, "confirm", now=after)
    assert list(refused.value.errors) == ["alternative_id"]
    db.session.rollback()
    take(loan, "confirm", now=after, alternative_id=chosen.id)
    db.session.commit()
    assert loan.status == S.CONFIRMED
    assert [(s.starts_at, s.ends_at) for s in loan.sessions] == [
        (at(later[0], 9), at(later[0], 11))]
