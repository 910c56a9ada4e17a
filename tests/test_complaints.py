"""Complaints (pengaduan): numbers that restart each year, the response
standard in working days, the staff's inbox, answers the borrower reads,
mail, and a borrower kept to their own complaints."""
import threading
from datetime import date, datetime, time, timedelta

import pytest
from helpers import loans_of, user, visible_text

from app.domain import complaints
from app.models import Complaint, ComplaintHistory, ComplaintStatus, ComplaintTopic
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local, utcnow

BORROWER, OTHER = "peminjam1@demo.pontianak.go.id", "peminjam2@demo.pontianak.go.id"
KASI, ADMIN_PC = "kasi@demo.pontianak.go.id", "adminpc@demo.pontianak.go.id"


def form(**changes):
    return {"kind": "pengaduan", "topic": "sarana", "subject": "Proyektor redup",
            "description": "Proyektor sulit terbaca dari belakang.", "loan_id": "",
            **changes}


def file_one(username="peminjam1", now=None, **changes):
    data = complaints.ComplaintInput(**{**form(), "loan_id": None, **changes})
    complaint = complaints.file(user(username), data, now=now)
    db.session.commit()
    return complaint


def wib(year, month, day, hour=10):
    return from_local(datetime(year, month, day, hour))


# ---------------------------------------------------------------- filing

def test_a_borrower_files_a_complaint_and_staff_are_told(app, login_as, outbox):
    loan = loans_of("peminjam1")[0]
    response = login_as("peminjam1").post("/complaints/add", data=form(
        loan_id=str(loan.id)), follow_redirects=True)
    assert response.status_code == 200
    complaint = db.session.query(Complaint).one()
    year = to_local(utcnow()).year
    assert complaint.number == f"ADU/{year}/0001"
    assert f"Pengaduan ADU/{year}/0001 telah diterima" in visible_text(response)
    assert complaint.loan_id == loan.id and complaint.status == ComplaintStatus.SUBMITTED
    assert complaint.standard_days == 5
    assert [row.action for row in complaint.history] == ["file"]

    receipt = outbox.to(BORROWER)[-1]
    assert receipt["Subject"] == f"[Pontive Center] Pengaduan ADU/{year}/0001 diterima"
    assert "Batas waktu tanggapan" in receipt.get_content()
    for address in (KASI, ADMIN_PC):
        assert any("menunggu tanggapan Anda" in m["Subject"] for m in outbox.to(address))
    assert not outbox.to("kabid@demo.pontianak.go.id")


def test_numbers_run_on_within_a_year_and_restart_the_next(app):
    first = file_one(now=wib(2026, 12, 30))
    second = file_one(now=wib(2026, 12, 31))
    third = file_one(now=wib(2027, 1, 4))
    assert [c.number for c in (first, second, third)] == [
        "ADU/2026/0001", "ADU/2026/0002", "ADU/2027/0001"]


def test_complaints_filed_at_once_get_consecutive_numbers(app):
    """Four borrowers' requests at the same moment, each in its own session
    and connection: no number is given twice, none is skipped."""
    borrower_id = user("peminjam1").id
    errors, barrier = [], threading.Barrier(4)

    def file_in_thread():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                borrower = db.session.get(type(user("peminjam1")), borrower_id)
                complaints.file(borrower, complaints.ComplaintInput(
                    kind="saran", topic="lainnya", subject="Serentak",
                    description="Diajukan bersamaan."))
                db.session.commit()
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=file_in_thread) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    sequences = sorted(c.sequence for c in db.session.query(Complaint))
    assert sequences == [1, 2, 3, 4]


@pytest.mark.parametrize(("filed", "due"), [
    # Monday 10.00 -> the fifth office day after: the next Monday, at closing.
    (datetime(2026, 11, 16, 10), datetime(2026, 11, 23, 16, 0)),
    # Friday evening: Monday to Friday of the next week.
    (datetime(2026, 11, 20, 19), datetime(2026, 11, 27, 16, 0)),
    # Christmas (25 December) and cuti bersama (24 December) are not counted.
    (datetime(2026, 12, 21, 9), datetime(2026, 12, 30, 16, 0)),
])
def test_the_response_standard_counts_working_days(app, filed, due):
    assert to_local(complaints.deadline(from_local(filed), 5)).replace(tzinfo=None) == due


def test_the_standard_comes_from_the_setting_and_stays_with_the_complaint(app):
    app.config["COMPLAINT_RESPONSE_DAYS"] = 2
    complaint = file_one(now=wib(2026, 11, 16))
    app.config["COMPLAINT_RESPONSE_DAYS"] = 10
    db.session.expire_all()
    assert complaint.standard_days == 2
    assert to_local(complaint.due_at).replace(tzinfo=None) == datetime(2026, 11, 18, 16)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"subject": "  "}, "subject", "Kolom ini wajib diisi."),
    ({"description": ""}, "description", "Kolom ini wajib diisi."),
    ({"subject": "x" * 201}, "subject", "Paling banyak 200 karakter."),
    ({"topic": "gosip"}, "topic", "Pilih salah satu pilihan."),
    ({"kind": ""}, "kind", "Pilih salah satu pilihan."),
    ({"loan_id": "abc"}, "loan_id", "Pilih salah satu permohonan Anda sendiri"),
    ({"loan_id": "99999999999"}, "loan_id", "Pilih salah satu permohonan Anda sendiri"),
])
def test_bad_input_is_refused_with_a_message_and_stores_nothing(
        app, login_as, changes, field, message):
    response = login_as("peminjam1").post("/complaints/add", data=form(**changes))
    assert response.status_code == 400
    assert message in visible_text(response)
    assert db.session.query(Complaint).count() == 0


def test_staff_do_not_file_complaints(app, login_as):
    assert login_as("kasi").post("/complaints/add", data=form()).status_code == 403
    with pytest.raises(complaints.ComplaintError):
        file_one("kasi")
    db.session.rollback()
    assert db.session.query(Complaint).count() == 0


# ---------------------------------------------------------------- scope

def test_a_borrower_cannot_complain_about_another_borrowers_request(app, login_as):
    theirs = loans_of("peminjam2")[0]
    response = login_as("peminjam1").post("/complaints/add", data=form(
        loan_id=str(theirs.id)))
    assert response.status_code == 400
    assert "Pilih salah satu permohonan Anda sendiri" in visible_text(response)
    assert db.session.query(Complaint).count() == 0
    # Nor is it offered.
    page = login_as("peminjam1").get("/complaints/add").get_data(as_text=True)
    assert theirs.registration_number not in page


def test_a_borrower_sees_only_their_own_complaints(app, login_as):
    mine = file_one("peminjam1", subject="Keluhan saya")
    theirs = file_one("peminjam2", subject="Keluhan orang lain")
    client = login_as("peminjam1")
    listing = visible_text(client.get("/complaints/"))
    assert "Keluhan saya" in listing and "Keluhan orang lain" not in listing
    assert client.get(f"/complaints/show/{mine.id}").status_code == 200
    assert client.get(f"/complaints/show/{theirs.id}").status_code == 404
    for action in ("answer", "close"):
        assert client.post(f"/complaints/step/{action}/{theirs.id}",
                           data={"text": "x"}).status_code in (403, 404)
    db.session.expire_all()
    assert theirs.status == ComplaintStatus.SUBMITTED and theirs.answer is None


def test_a_borrower_cannot_answer_their_own_complaint(app, login_as):
    mine = file_one("peminjam1")
    response = login_as("peminjam1").post(f"/complaints/step/answer/{mine.id}",
                                          data={"text": "Sudah beres sendiri."})
    assert response.status_code == 403
    db.session.expire_all()
    assert mine.status == ComplaintStatus.SUBMITTED


def test_every_staff_role_reads_complaints_but_only_kasi_and_admin_pc_answer(
        app, login_as):
    complaint = file_one()
    for username in ("admin", "kabid", "kasi", "adminpc"):
        client = login_as(username)
        assert client.get(f"/complaints/show/{complaint.id}").status_code == 200
        assert "Proyektor redup" in visible_text(client.get("/complaints/"))
    for username in ("admin", "kabid"):
        assert login_as(username).post(f"/complaints/step/answer/{complaint.id}",
                                       data={"text": "Ya."}).status_code == 403
    db.session.expire_all()
    assert complaint.status == ComplaintStatus.SUBMITTED


# ---------------------------------------------------------------- handling

def test_tugas_saya_answer_and_close(app, login_as, outbox):
    complaint = file_one(now=utcnow())
    kasi = login_as("kasi")
    tasks = kasi.get("/tasks/").get_data(as_text=True)
    assert f'data-complaint="{complaint.id}"' in tasks
    assert "Tanggapi pengaduan" in tasks
    # The Kabid's inbox holds no complaint.
    assert "data-complaint=" not in login_as("kabid").get("/tasks/").get_data(as_text=True)

    # An answer cannot be empty.
    empty = kasi.post(f"/complaints/step/answer/{complaint.id}", data={"text": " "})
    assert empty.status_code == 400 and "Kolom ini wajib diisi." in visible_text(empty)
    kasi.post(f"/complaints/step/answer/{complaint.id}",
              data={"text": "Proyektor sudah diganti lampunya."})
    db.session.expire_all()
    assert complaint.status == ComplaintStatus.ANSWERED
    assert complaint.within_standard is True
    mail = outbox.to(BORROWER)[-1]
    assert "telah ditanggapi" in mail["Subject"]
    assert "Proyektor sudah diganti lampunya." in mail.get_content()

    page = visible_text(login_as("peminjam1").get(f"/complaints/show/{complaint.id}"))
    assert "Proyektor sudah diganti lampunya." in page
    # Answered once: the Admin Pontive Center cannot answer again, only close.
    admin_pc = login_as("adminpc")
    again = admin_pc.post(f"/complaints/step/answer/{complaint.id}",
                          data={"text": "Lagi"}, follow_redirects=True)
    assert "langkah ini tidak dapat dilakukan sekarang" in visible_text(again)
    admin_pc.post(f"/complaints/step/close/{complaint.id}", data={"text": ""})
    db.session.expire_all()
    assert complaint.status == ComplaintStatus.CLOSED
    history = db.session.query(ComplaintHistory).filter_by(
        complaint_id=complaint.id).order_by(ComplaintHistory.id).all()
    assert [(h.action, h.actor_role) for h in history] == [
        ("file", "Peminjam"), ("answer", "Kasi PK & AI"),
        ("close", "Admin Pontive Center")]
    assert "data-complaint=" not in kasi.get("/tasks/").get_data(as_text=True)


def test_an_overdue_complaint_is_marked_in_the_inbox_and_dashboard(app, login_as):
    complaint = file_one(now=utcnow() - timedelta(days=30))
    assert complaint.overdue_at(utcnow())
    assert complaints.waiting_counts(user("kasi")) == (1, 1)
    assert complaints.waiting_counts(user("kabid")) == (0, 0)
    dashboard = visible_text(login_as("adminpc").get("/"))
    assert "Pengaduan : 1 menunggu Anda, 1 melewati waktu standar" in dashboard


def test_a_step_is_refused_in_the_wrong_state(app):
    complaint = file_one()
    with pytest.raises(complaints.ComplaintError):
        complaints.take(complaint, "close", user("kasi"))
    with pytest.raises(complaints.ComplaintError):
        complaints.take(complaint, "reopen", user("kasi"))
    db.session.rollback()
    assert complaint.status == ComplaintStatus.SUBMITTED


def test_a_bad_page_number_is_a_400(app, login_as):
    assert login_as("kasi").get("/complaints/?page=²").status_code == 400


# ---------------------------------------------------------------- a year

def test_the_years_figures(app):
    kasi = user("kasi")
    quick = file_one(now=wib(2025, 3, 3), topic=ComplaintTopic.FACILITIES)  # Monday
    complaints.take(quick, "answer", kasi, "Segera.", now=wib(2025, 3, 4))  # 1 day
    late = file_one(now=wib(2025, 6, 2), topic=ComplaintTopic.FACILITIES, kind="saran")
    complaints.take(late, "answer", kasi, "Maaf.", now=wib(2025, 6, 12))  # 10 days
    middle = file_one(now=wib(2025, 8, 4), topic=ComplaintTopic.STAFF)
    complaints.take(middle, "answer", kasi, "Baik.", now=wib(2025, 8, 7))  # 3 days
    file_one(now=wib(2025, 9, 1), topic=ComplaintTopic.OTHER)  # not answered
    file_one(now=wib(2024, 9, 2))  # another year
    db.session.commit()

    figures = complaints.year_figures(2025)
    assert (figures.total, figures.complaints, figures.suggestions) == (4, 3, 1)
    assert figures.by_topic == (("petugas", 1), ("sarana", 2), ("lainnya", 1))
    assert (figures.answered, figures.within_standard, figures.unanswered) == (3, 2, 1)
    assert figures.median_response_seconds == 3 * 86400
    assert figures.standard_days == (5,)
    assert complaints.year_figures(2023).total == 0


def test_the_annual_report_has_the_public_service_sections(app, login_as):
    import io

    import pypdf

    from app.models import SurveyResponse

    year = to_local(utcnow()).year
    complaint = file_one(now=from_local(datetime.combine(date(year, 2, 2), time(10))))
    complaints.take(complaint, "answer", user("kasi"), "Ditindaklanjuti.",
                    now=from_local(datetime.combine(date(year, 2, 3), time(10))))
    db.session.add(SurveyResponse(year=year, month=2, gender="l", education="s1",
                                  occupation="pns", age_group="25_34", suggestion="",
                                  **{f"u{n}": 3 for n in range(1, 10)}))
    db.session.commit()
    response = login_as("kabid").get(f"/reports/annual/download?year={year}")
    text = "\n".join(page.extract_text() for page in
                     pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "SURVEI KEPUASAN MASYARAKAT" in text
    assert "75,00" in text  # every score 3: NI 3, IKM 75,00 (C)
    assert "PENGADUAN DAN SARAN" in text
    assert "Ditanggapi sesuai standar (5 hari kerja)" in text
