"""Each SOP step through its form on the request's page, as each role does it."""
from datetime import datetime, time, timedelta

import pytest
from helpers import office_day, office_days, submit_loan, take, visible_text

from app.models import DamageReport, Equipment, EquipmentCondition, LoanStatus
from app.platform.extensions import db
from app.platform.timeutil import from_local

pytestmark = pytest.mark.date_sensitive


def step_url(loan, action):
    return f"/loans/step/{action}/{loan.id}"


def history_actions(loan):
    db.session.refresh(loan)
    return [row.action for row in loan.history]


def past_loan(username, steps, title="Rapat yang sudah lewat"):
    """A request whose session was a few office days ago, taken through
    ``steps`` at the times a person would have taken them."""
    day = office_day(-6)
    start = from_local(datetime.combine(day, time(9)))
    submitted = start - timedelta(days=10)
    loan = submit_loan(username, title=title, now=submitted,
                       sessions=[(start, start + timedelta(hours=3))])
    moment = submitted
    for action in steps:
        moment = max(moment + timedelta(minutes=10),
                     start - timedelta(minutes=20) if action == "prepare" else moment)
        take(loan, action, now=moment)
        db.session.commit()
    return loan


def test_kabid_disposes_with_a_preset_instruction_and_nature(app, login_as):
    loan = submit_loan("peminjam1")
    kabid = login_as("kabid")

    page = kabid.get(f"/loans/show/{loan.id}")
    assert step_url(loan, "dispose") in page.get_data(as_text=True)
    form = visible_text(kabid.get(step_url(loan, "dispose")))
    for preset in ("Tindak lanjuti", "Koordinasikan", "Untuk diketahui"):
        assert preset in form
    for nature in ("Biasa", "Segera", "Sangat segera"):
        assert nature in form

    response = kabid.post(step_url(loan, "dispose"), data={
        "instruction": "coordinate", "nature": "segera",
        "note": "Pastikan tidak bentrok dengan rapat Wali Kota."})
    assert response.status_code == 302
    db.session.refresh(loan)
    assert loan.status == LoanStatus.DISPOSED
    row = loan.history[-1]
    assert (row.action, row.instruction, row.nature, row.actor_role) == (
        "dispose", "coordinate", "segera", "Kabid TKPBET")
    shown = visible_text(kabid.get(f"/loans/show/{loan.id}"))
    assert "Koordinasikan" in shown and "Segera" in shown
    assert "Pastikan tidak bentrok dengan rapat Wali Kota." in shown
    assert "Disposisi telah dicatat" not in shown  # no leftover flash text check
    assert "standar 15 menit" in shown


def test_a_disposition_without_an_instruction_is_refused_inline(app, login_as):
    loan = submit_loan("peminjam1")
    kabid = login_as("kabid")

    response = kabid.post(step_url(loan, "dispose"), data={"instruction": "",
                                                           "note": "Catatan saya"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Catatan saya" in html  # what was typed is kept
    assert "has-error" in html
    db.session.refresh(loan)
    assert loan.status == LoanStatus.SUBMITTED
    assert history_actions(loan) == ["submit"]


def test_kasi_must_tick_the_no_buffet_check_to_confirm(app, login_as):
    loan = submit_loan("peminjam1")
    take(loan, "dispose")
    db.session.commit()
    kasi = login_as("kasi")

    response = kasi.post(step_url(loan, "confirm"), data={"note": "Sudah ditelepon."})
    assert response.status_code == 200
    assert "makanan prasmanan" in visible_text(response)
    db.session.refresh(loan)
    assert loan.status == LoanStatus.DISPOSED

    response = kasi.post(step_url(loan, "confirm"), data={"pledge_checked": "y",
                                                          "note": "Sudah ditelepon."})
    assert response.status_code == 302
    db.session.refresh(loan)
    assert loan.status == LoanStatus.CONFIRMED
    assert loan.history[-1].note == "Sudah ditelepon."


@pytest.mark.parametrize("who", ["kabid", "kasi"])
def test_staff_reject_only_with_a_reason_the_borrower_then_reads(app, login_as, who):
    loan = submit_loan("peminjam1")
    if who == "kasi":
        take(loan, "dispose")
        db.session.commit()
    staff = login_as(who)

    response = staff.post(step_url(loan, "reject"), data={"reason": "  "})
    assert response.status_code == 200
    assert "Silakan isi alasannya." in visible_text(response)
    db.session.refresh(loan)
    assert loan.status != LoanStatus.REJECTED

    staff.post(step_url(loan, "reject"), data={"reason": "Ruang dipakai acara Wali Kota."})
    db.session.refresh(loan)
    assert loan.status == LoanStatus.REJECTED
    seen = visible_text(login_as("peminjam1").get(f"/loans/show/{loan.id}"))
    assert "Ditolak" in seen and "Ruang dipakai acara Wali Kota." in seen


def test_a_step_from_the_wrong_state_is_refused_with_a_message(app, login_as):
    loan = submit_loan("peminjam1")
    kasi = login_as("kasi")

    response = kasi.get(step_url(loan, "confirm"), follow_redirects=True)
    assert "Langkah ini tidak dapat dilakukan" in visible_text(response)
    response = kasi.post(step_url(loan, "confirm"), data={"pledge_checked": "y"},
                         follow_redirects=True)
    assert "Langkah ini tidak dapat dilakukan" in visible_text(response)
    db.session.refresh(loan)
    assert loan.status == LoanStatus.SUBMITTED


def test_an_unknown_step_is_not_found(app, login_as):
    loan = submit_loan("peminjam1")
    assert login_as("kabid").get(step_url(loan, "teleport")).status_code == 404


def test_the_page_offers_only_the_steps_of_this_user_now(app, login_as):
    loan = submit_loan("peminjam1")

    def offered(username):
        html = login_as(username).get(f"/loans/show/{loan.id}").get_data(as_text=True)
        return {action for action in ("dispose", "confirm", "reject", "cancel",
                                      "schedule", "propose_reschedule")
                if step_url(loan, action) in html}

    assert offered("kabid") == {"dispose", "reject", "cancel"}
    assert offered("kasi") == {"reject", "cancel"}
    assert offered("adminpc") == set()
    assert offered("peminjam1") == {"cancel"}


def test_borrower_cancels_with_an_optional_reason(app, login_as):
    loan = submit_loan("peminjam1")
    borrower = login_as("peminjam1")

    # A confirmation first: without the tick nothing happens.
    response = borrower.post(step_url(loan, "cancel"), data={"reason": ""})
    assert response.status_code == 200
    assert "Centang kotak ini untuk membatalkan permohonan." in visible_text(response)
    db.session.refresh(loan)
    assert loan.status == LoanStatus.SUBMITTED
    response = borrower.post(step_url(loan, "cancel"), data={"reason": "", "sure": "y"})
    assert response.status_code == 302
    db.session.refresh(loan)
    assert loan.status == LoanStatus.CANCELLED


def test_admin_pc_prepares_with_the_checklist_and_a_damaged_item_opens_a_report(
        app, login_as):
    loan = past_loan("peminjam1", ["dispose", "confirm", "schedule"])
    items = loan.room.equipment
    assert len(items) >= 2, "the seeded room has its equipment"
    adminpc = login_as("adminpc")

    form = visible_text(adminpc.get(step_url(loan, "prepare")))
    for item in items:
        assert item.name in form
    data = {f"item_{item.id}": "ready" for item in items}
    broken = items[0]
    data[f"item_{broken.id}"] = "damaged"

    response = adminpc.post(step_url(loan, "prepare"), data=data)
    assert response.status_code == 200, "a damaged item needs a description"
    assert "Jelaskan kerusakan" in visible_text(response)
    assert db.session.query(DamageReport).count() == 0

    data[f"damage_{broken.id}"] = "Lampu proyektor mati."
    response = adminpc.post(step_url(loan, "prepare"), data=data)
    assert response.status_code == 302
    db.session.refresh(loan)
    assert loan.status == LoanStatus.PREPARED
    [report] = db.session.query(DamageReport).all()
    assert (report.equipment_id, report.loan_id, report.description) == (
        broken.id, loan.id, "Lampu proyektor mati.")
    assert db.session.get(Equipment, broken.id).condition == EquipmentCondition.DAMAGED
    shown = visible_text(adminpc.get(f"/loans/show/{loan.id}"))
    assert "Lampu proyektor mati." in shown


def test_every_item_must_be_checked_to_prepare(app, login_as):
    loan = past_loan("peminjam1", ["dispose", "confirm", "schedule"])
    items = loan.room.equipment
    adminpc = login_as("adminpc")

    response = adminpc.post(step_url(loan, "prepare"),
                            data={f"item_{items[0].id}": "ready"})
    assert response.status_code == 200
    db.session.refresh(loan)
    assert loan.status == LoanStatus.SCHEDULED


def test_a_room_is_not_prepared_before_the_day(app, login_as):
    loan = submit_loan("peminjam1", days_ahead=10)
    for action in ("dispose", "confirm", "schedule"):
        take(loan, action)
    db.session.commit()

    response = login_as("adminpc").get(step_url(loan, "prepare"), follow_redirects=True)
    assert "Ruang disiapkan pada hari pelaksanaan kegiatan." in visible_text(response)


def test_admin_pc_completes_with_attendance_and_equipment_condition(app, login_as):
    loan = past_loan("peminjam1", ["dispose", "confirm", "schedule", "prepare"])
    adminpc = login_as("adminpc")
    data = {f"item_{item.id}": "ready" for item in loan.room.equipment}

    response = adminpc.post(step_url(loan, "complete"), data={**data,
                                                             "actual_participants": ""})
    assert response.status_code == 200
    assert "Isi jumlah peserta yang benar-benar hadir." in visible_text(response)

    response = adminpc.post(step_url(loan, "complete"), data={
        **data, "actual_participants": "18", "note": "Berjalan lancar."})
    assert response.status_code == 302
    db.session.refresh(loan)
    assert (loan.status, loan.actual_participants, loan.outcome_notes) == (
        LoanStatus.COMPLETED, 18, "Berjalan lancar.")
    seen = visible_text(login_as("peminjam1").get(f"/loans/show/{loan.id}"))
    assert "Selesai" in seen and "Berjalan lancar." in seen


def test_admin_pc_marks_a_booking_not_used(app, login_as):
    loan = past_loan("peminjam1", ["dispose", "confirm", "schedule"])
    response = login_as("adminpc").post(step_url(loan, "mark_no_show"),
                                        data={"note": "Peminjam tidak datang."})
    assert response.status_code == 302
    db.session.refresh(loan)
    assert loan.status == LoanStatus.NO_SHOW


def test_admin_pc_enters_several_confirmed_requests_into_the_agenda_at_once(
        app, login_as):
    days = office_days(20, 3)
    first = submit_loan("peminjam1", title="Rapat A", day=days[0])
    second = submit_loan("peminjam2", title="Rapat B", day=days[1])
    pending = submit_loan("peminjam2", title="Rapat C", day=days[2])
    for loan in (first, second):
        take(loan, "dispose")
        take(loan, "confirm")
    db.session.commit()

    response = login_as("adminpc").post("/loans/action_post", data={
        "action": "schedule_selected",
        "rowid": [str(first.id), str(second.id), str(pending.id)]},
        follow_redirects=True)
    text = visible_text(response)
    for loan in (first, second, pending):
        db.session.refresh(loan)
    assert first.status == second.status == LoanStatus.SCHEDULED
    assert pending.status == LoanStatus.SUBMITTED  # re-checked, refused, unchanged
    assert pending.registration_number in text


def test_only_admin_pc_has_the_bulk_agenda_action(app, login_as):
    loan = submit_loan("peminjam1")
    for username in ("kabid", "kasi", "peminjam1"):
        response = login_as(username).post("/loans/action_post", data={
            "action": "schedule_selected", "rowid": [str(loan.id)]})
        assert response.status_code == 403, username


def test_kasi_proposes_another_schedule_and_the_borrower_accepts_it(app, login_as):
    loan = submit_loan("peminjam1", title="Perlu Jadwal Lain", days_ahead=30)
    holder = submit_loan("peminjam2", title="Pemegang Jadwal", days_ahead=30)
    take(holder, "dispose")
    take(holder, "confirm")  # submitted later, confirmed first: the slot is taken
    take(loan, "dispose")
    db.session.commit()
    day = office_day(31)
    kasi = login_as("kasi")

    form = visible_text(kasi.get(step_url(loan, "propose_reschedule")))
    # The clash panel shows the Kasi what holds the slot, and free times.
    assert "Pemegang Jadwal" in form and "Waktu kosong terdekat" in form
    response = kasi.post(step_url(loan, "propose_reschedule"), data={
        "sessions-start": f"{day.isoformat()}T13:00",
        "sessions-end": f"{day.isoformat()}T15:00",
        "note": "Pagi hari sudah dipakai."})
    assert response.status_code == 302
    db.session.refresh(loan)
    assert loan.status == LoanStatus.RESCHEDULE_PROPOSED

    borrower = login_as("peminjam1")
    page = visible_text(borrower.get(f"/loans/show/{loan.id}"))
    assert "pukul 13.00–15.00 WIB" in page and "Jawab sebelum" in page
    assert "Perlu Jadwal Lain" in visible_text(borrower.get("/tasks/"))
    response = borrower.post(step_url(loan, "accept_reschedule"), data={"note": ""})
    assert response.status_code == 302
    db.session.refresh(loan)
    assert loan.status == LoanStatus.CONFIRMED
    assert [(s.starts_at, s.ends_at) for s in loan.sessions] == [
        (from_local(datetime.combine(day, time(13))),
         from_local(datetime.combine(day, time(15))))]


def test_a_proposal_on_a_taken_slot_is_refused_and_the_input_kept(app, login_as):
    holder = submit_loan("peminjam2", title="Pemegang Jadwal", days_ahead=30)
    take(holder, "dispose")
    take(holder, "confirm")
    loan = submit_loan("peminjam1", title="Perlu Jadwal Lain", days_ahead=30,
                       start=(13, 0), end=(15, 0))
    take(loan, "dispose")
    db.session.commit()
    day = holder.sessions[0].starts_at

    from app.platform.timeutil import to_local
    local_day = to_local(day).date().isoformat()
    response = login_as("kasi").post(step_url(loan, "propose_reschedule"), data={
        "sessions-start": f"{local_day}T09:00", "sessions-end": f"{local_day}T11:00"})
    assert response.status_code == 200
    text = visible_text(response)
    assert "Ruang sudah dipesan pada waktu tersebut" in text
    assert f'value="{local_day}T09:00"' in response.get_data(as_text=True)
    db.session.refresh(loan)
    assert loan.status == LoanStatus.DISPOSED and not loan.proposed_sessions


def test_the_borrower_declines_a_proposal_and_it_returns_to_the_kasi(app, login_as):
    loan = submit_loan("peminjam1", days_ahead=30)
    take(loan, "dispose")
    day = office_day(33)
    take(loan, "propose_reschedule", sessions=[
        (from_local(datetime.combine(day, time(13))),
         from_local(datetime.combine(day, time(15))))])
    db.session.commit()

    response = login_as("peminjam1").post(step_url(loan, "decline_reschedule"),
                                          data={"reason": "Tanggal itu kami ada ujian."})
    assert response.status_code == 302
    db.session.refresh(loan)
    assert loan.status == LoanStatus.DISPOSED
    assert loan.cancellation_reason is None
    assert loan.history[-1].note == "Tanggal itu kami ada ujian."
    assert not loan.proposed_sessions


def test_the_history_shows_who_did_what_as_which_role_and_against_the_standard(
        app, login_as):
    loan = submit_loan("peminjam1")
    take(loan, "dispose", note="Mohon segera dikoordinasikan.")
    take(loan, "confirm", note="Sudah dikonfirmasi lewat telepon.")
    db.session.commit()

    def entries_seen_by(username):
        page = login_as(username).get(f"/loans/show/{loan.id}")
        return [visible_text_of(html) for html in
                page.get_data(as_text=True).split('class="pontive-timeline-entry')[1:]]

    entries = entries_seen_by("kasi")
    assert len(entries) == 3
    submitted, disposed, confirmed = entries
    assert "Permohonan diajukan" in submitted and "Rina Wulandari (Peminjam)" in submitted
    assert "Disposisikan" in disposed
    assert "Kepala Bidang TKPBET (Kabid TKPBET)" in disposed
    assert "Tindak lanjuti" in disposed and "Biasa" in disposed
    assert "Mohon segera dikoordinasikan." in disposed
    assert "standar 15 menit" in disposed
    assert "Kepala Seksi PK & AI (Kasi PK & AI)" in confirmed
    assert "Sudah dikonfirmasi lewat telepon." in confirmed
    # The borrower: where the request stood, who moved it, the notes for them.
    submitted, disposed, confirmed = entries_seen_by("peminjam1")
    assert "Sedang ditelaah oleh Kepala Bidang" in submitted
    assert "Rina Wulandari" in submitted and "(Peminjam)" not in submitted
    assert "Kepala Bidang TKPBET" in disposed and "Kabid TKPBET" not in disposed
    assert "Tindak lanjuti" not in disposed and "Mohon segera" not in disposed
    assert "standar" not in disposed
    assert "Disetujui; sedang dicatat dalam agenda ruang" in confirmed
    assert "Sudah dikonfirmasi lewat telepon." in confirmed


def visible_text_of(html):
    import re
    from html import unescape
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
