"""Email about the SOP's steps: who gets what, in Indonesian, once a step is committed.

Mail goes through the real SMTP server of the ``outbox`` fixture. The demo
accounts' addresses are <username>@demo.pontianak.go.id.
"""
import logging
import socket
from datetime import datetime, time, timedelta

import pytest
from flask_babel import force_locale
from helpers import (
    PASSWORD,
    lapsed_proposal_time,
    loans_of,
    office_day,
    post_loan_form,
    submit_loan,
    take,
)
from test_loan_form import form as submission_form

from app.models import (
    DispositionInstruction,
    DispositionNature,
    LoanRequest,
    LoanStatus,
)
from app.platform.extensions import db
from app.platform.formatting import format_datetime, format_session
from app.platform.timeutil import from_local

pytestmark = pytest.mark.date_sensitive

KABID, KASI, ADMIN_PC, BORROWER = (
    f"{name}@demo.pontianak.go.id" for name in ("kabid", "kasi", "adminpc", "peminjam1")
)
INSTITUTION = "Dinas Pendidikan dan Kebudayaan Kota Pontianak"
FOOTER = "Email ini dikirim otomatis"


def step(loan, action, username, **fields):
    take(loan, action, username, **fields)
    db.session.commit()


def dispose(loan, **fields):
    step(loan, "dispose", "kabid", instruction=DispositionInstruction.FOLLOW_UP,
         nature=DispositionNature.URGENT, note="Mohon dikoordinasikan.", **fields)


def recipients(outbox):
    return sorted(message["To"] for message in outbox)


def only_mail(outbox, address):
    """(subject, body) of the one mail to ``address``. A long subject may be
    folded onto the header's next line: the leading space that leaves is not
    part of what a mail program shows."""
    [message] = outbox.to(address)
    return (message["Subject"].strip(),
            message.get_content().replace("\r\n", "\n"))


def indonesian(format_function, *args):
    with force_locale("id"):
        return str(format_function(*args))


def at(day, hour):
    return from_local(datetime.combine(day, time(hour, 0)))


def test_a_submission_tells_every_active_kabid_and_gives_the_borrower_a_receipt(
        app, outbox):
    sm = app.appbuilder.sm
    kabid_role = sm.find_role("Kabid TKPBET")
    sm.add_user("kabid2", "Budi", "Santoso", "budi@pontianak.go.id", kabid_role,
                password=PASSWORD)
    retired = sm.add_user("kabid3", "Lama", "Pensiun", "lama@pontianak.go.id",
                          kabid_role, password=PASSWORD)
    retired.active = False
    sm.add_user("kabid4", "Tanpa", "Surel", "", kabid_role, password=PASSWORD)
    db.session.commit()

    loan = submit_loan("peminjam1", title="Rapat Koordinasi Guru")

    number = loan.registration_number
    assert recipients(outbox) == sorted([KABID, "budi@pontianak.go.id", BORROWER])
    subject, body = only_mail(outbox, KABID)
    assert subject == f"[Pontive Center] Permohonan {number} menunggu tindak lanjut Anda"
    assert body.startswith("Yth. Bapak/Ibu Kepala Bidang TKPBET,")
    assert "Sebuah permohonan kini menunggu tindak lanjut Anda sebagai Kabid TKPBET." \
        in body
    assert f"Nomor registrasi: {number}" in body
    assert "Kegiatan: Rapat Koordinasi Guru" in body
    assert f"Instansi: {INSTITUTION}" in body
    assert "Peminjam: Rina Wulandari" in body
    session = loan.sessions[0]
    schedule = indonesian(format_session, session.starts_at, session.ends_at)
    assert f"  - {schedule}" in body and schedule.endswith("WIB")
    assert "Status: Diajukan" in body
    assert "Langkah oleh: Rina Wulandari (Peminjam)" in body
    # Outside a web request the link uses APP_BASE_URL.
    assert f"Buka permohonan: http://localhost:5000/loans/show/{loan.id}" in body
    assert FOOTER in body

    subject, body = only_mail(outbox, "budi@pontianak.go.id")
    assert body.startswith("Yth. Bapak/Ibu Budi Santoso,")

    subject, body = only_mail(outbox, BORROWER)
    assert subject == f"[Pontive Center] Permohonan {number} diterima"
    assert body.startswith("Yth. Bapak/Ibu Rina Wulandari,")
    assert "Permohonan Anda telah diterima" in body


def test_a_disposition_tells_the_kasi_with_the_instruction(app, outbox):
    loan = submit_loan("peminjam1")
    outbox.clear()

    dispose(loan)

    assert recipients(outbox) == [KASI]
    subject, body = only_mail(outbox, KASI)
    assert subject == (f"[Pontive Center] Permohonan {loan.registration_number} "
                       "menunggu tindak lanjut Anda")
    assert body.startswith("Yth. Bapak/Ibu Kepala Seksi PK & AI,")
    assert "sebagai Kasi PK & AI" in body
    assert "Status: Didisposisikan" in body
    instruction = indonesian(DispositionInstruction.label,
                             DispositionInstruction.FOLLOW_UP)
    nature = indonesian(DispositionNature.label, DispositionNature.URGENT)
    assert f"Isi disposisi: {instruction}" in body
    assert f"Sifat: {nature}" in body
    assert "Catatan: Mohon dikoordinasikan." in body
    assert "Langkah oleh: Kepala Bidang TKPBET (Kabid TKPBET)" in body


def test_a_confirmation_tells_the_admin_and_the_borrower(app, outbox):
    loan = submit_loan("peminjam1")
    dispose(loan)
    outbox.clear()

    step(loan, "confirm", "kasi")

    assert recipients(outbox) == sorted([ADMIN_PC, BORROWER])
    number = loan.registration_number
    subject, body = only_mail(outbox, ADMIN_PC)
    assert subject == f"[Pontive Center] Permohonan {number} menunggu tindak lanjut Anda"
    assert "sebagai Admin Pontive Center" in body
    subject, body = only_mail(outbox, BORROWER)
    assert subject == f"[Pontive Center] Permohonan {number} dikonfirmasi"
    assert "Permohonan Anda telah dikonfirmasi" in body
    assert "makanan prasmanan" in body
    assert "Status: Dikonfirmasi" in body


def test_a_step_that_leaves_the_request_with_the_same_role_mails_nobody(app, outbox):
    loan = submit_loan("peminjam1")
    dispose(loan)
    step(loan, "confirm", "kasi")
    outbox.clear()

    step(loan, "schedule", "adminpc")  # the Admin PC prepares the room next

    assert loan.status == LoanStatus.SCHEDULED
    assert outbox == []


def test_a_reschedule_proposal_mails_the_borrower_the_slot_and_how_long_it_is_held(
        app, outbox):
    loan = submit_loan("peminjam1")
    dispose(loan)
    outbox.clear()
    day = office_day(28)

    step(loan, "propose_reschedule", "kasi", sessions=[(at(day, 13), at(day, 15))])

    assert recipients(outbox) == [BORROWER]
    subject, body = only_mail(outbox, BORROWER)
    assert subject == (f"[Pontive Center] Usulan jadwal ulang untuk permohonan "
                       f"{loan.registration_number}")
    proposed = indonesian(format_session, at(day, 13), at(day, 15))
    held_until = indonesian(format_datetime, loan.hold_expires_at)
    assert f"Usulan jadwal:\n  - {proposed}" in body
    assert f"Ditahan untuk Anda sampai: {held_until}" in body
    assert "pukul" in held_until
    assert "Status: Usulan Jadwal Ulang" in body
    assert "menerima atau menolaknya" in body


def test_a_rejection_mails_the_borrower_the_reason(app, outbox):
    loan = submit_loan("peminjam1")
    outbox.clear()

    step(loan, "reject", "kabid", reason="Ruang dipakai untuk acara Wali Kota.")

    assert recipients(outbox) == [BORROWER]
    subject, body = only_mail(outbox, BORROWER)
    assert subject == f"[Pontive Center] Permohonan {loan.registration_number} ditolak"
    assert "Permohonan Anda ditolak." in body
    assert "Status: Ditolak" in body
    assert "Alasan: Ruang dipakai untuk acara Wali Kota." in body


def test_a_rejection_by_the_kabid_tells_the_kasi_it_left_their_inbox(app, outbox):
    loan = submit_loan("peminjam1")
    dispose(loan)
    outbox.clear()

    step(loan, "reject", "kabid", reason="Surat tidak lengkap.")

    assert recipients(outbox) == sorted([KASI, BORROWER])
    subject, body = only_mail(outbox, KASI)
    assert subject == (f"[Pontive Center] Permohonan {loan.registration_number} "
                       "tidak lagi menunggu Anda")
    assert "Alasan: Surat tidak lengkap." in body


def test_a_cancellation_by_staff_mails_the_borrower_the_reason_and_who(app, outbox):
    loan = submit_loan("peminjam1")
    dispose(loan)
    step(loan, "confirm", "kasi")
    outbox.clear()

    step(loan, "cancel", "kasi", reason="Ruang sedang direnovasi.")

    # The Admin PC had it to enter into the agenda: told it no longer waits.
    assert recipients(outbox) == sorted([ADMIN_PC, BORROWER])
    subject, body = only_mail(outbox, BORROWER)
    assert subject == f"[Pontive Center] Permohonan {loan.registration_number} dibatalkan"
    assert "Permohonan Anda dibatalkan." in body
    assert "Status: Dibatalkan" in body
    assert "Alasan: Ruang sedang direnovasi." in body
    assert "Langkah oleh: Kepala Seksi PK & AI (Kasi PK & AI)" in body
    subject, body = only_mail(outbox, ADMIN_PC)
    assert "tidak lagi menunggu Anda" in subject
    assert "sebagai Admin Pontive Center, telah ditutup" in body


def test_a_submission_on_the_web_is_mailed_in_indonesian_with_the_pages_address(
        app, outbox, login_as):
    borrower = login_as("peminjam1")
    assert borrower.get("/lang/en").status_code == 302  # the panel in English
    app.config["APP_BASE_URL"] = "https://ruang.pontianak.go.id"

    # The request names another host (the borrower's cookie sent along): the
    # links must not follow it.
    borrower.set_cookie("session", borrower.get_cookie("session").value,
                        domain="evil.example")
    response = post_loan_form(borrower, submission_form(title="Rapat Kurikulum"),
                              headers={"Host": "evil.example"})

    assert response.status_code == 302
    [loan] = [x for x in loans_of("peminjam1") if x.title == "Rapat Kurikulum"]
    assert recipients(outbox) == sorted([KABID, BORROWER])
    for address in (KABID, BORROWER):
        subject, body = only_mail(outbox, address)
        number = loan.registration_number
        assert subject.startswith(f"[Pontive Center] Permohonan {number} ")
        assert "Request" not in subject + body and "Submitted" not in body
        assert "Status: Diajukan" in body
        # Within a web request too, the link is the panel's configured address.
        assert (f"Buka permohonan: https://ruang.pontianak.go.id/loans/show/{loan.id}"
                in body)
        assert "evil.example" not in body


def test_a_lapsed_hold_released_by_the_cli_tells_the_kasi_and_the_borrower(
        app, outbox):
    start = lapsed_proposal_time() - timedelta(minutes=20)
    loan = submit_loan("peminjam1", now=start)
    dispose(loan, now=start + timedelta(minutes=10))
    day = office_day(28)
    step(loan, "propose_reschedule", "kasi", sessions=[(at(day, 13), at(day, 15))],
         now=start + timedelta(minutes=20))
    outbox.clear()
    app.config["APP_BASE_URL"] = "https://ruang.pontianak.go.id/pontive"

    result = app.test_cli_runner().invoke(args=["release-holds"])

    assert result.exit_code == 0 and result.output.startswith("1 ")
    assert recipients(outbox) == sorted([KASI, BORROWER])
    subject, body = only_mail(outbox, KASI)
    assert "menunggu tindak lanjut Anda" in subject
    assert "Status: Didisposisikan" in body
    assert "Langkah oleh: Sistem" in body
    link = f"https://ruang.pontianak.go.id/pontive/loans/show/{loan.id}"
    assert f"Buka permohonan: {link}" in body
    subject, body = only_mail(outbox, BORROWER)
    assert subject == (f"[Pontive Center] Usulan jadwal permohonan "
                       f"{loan.registration_number} berakhir")
    assert link in body


def test_a_rolled_back_step_sends_nothing(app, outbox):
    loan = submit_loan("peminjam1")
    outbox.clear()

    take(loan, "dispose")
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # a later commit does not send the discarded step

    assert outbox == []
    assert db.session.get(LoanRequest, loan.id).status == LoanStatus.SUBMITTED
    dispose(loan)
    assert recipients(outbox) == [KASI]


def test_a_step_in_a_rolled_back_savepoint_sends_nothing(app, outbox):
    loan = submit_loan("peminjam1")
    outbox.clear()

    savepoint = db.session.begin_nested()
    take(loan, "dispose")
    savepoint.rollback()
    db.session.commit()

    assert outbox == []
    assert db.session.get(LoanRequest, loan.id).status == LoanStatus.SUBMITTED


def test_without_a_mail_server_the_step_is_saved_and_the_mail_logged(
        app, outbox, caplog):
    app.config["MAIL_SERVER"] = ""
    loan = submit_loan("peminjam1")

    with caplog.at_level(logging.INFO, logger="app.notifications.mail"):
        dispose(loan)

    assert outbox == []
    db.session.expire_all()
    assert db.session.get(LoanRequest, loan.id).status == LoanStatus.DISPOSED
    assert "MAIL_SERVER is not set" in caplog.text
    assert KASI in caplog.text


def test_an_unreachable_mail_server_does_not_undo_the_step(app, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    loan = submit_loan("peminjam1")

    with caplog.at_level(logging.ERROR, logger="app.notifications.mail"):
        dispose(loan)

    db.session.expire_all()
    assert db.session.get(LoanRequest, loan.id).status == LoanStatus.DISPOSED
    assert [row.action for row in db.session.get(LoanRequest, loan.id).history] == [
        "submit", "dispose"]
    assert "Could not send" in caplog.text
