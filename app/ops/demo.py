"""Demo accounts and sample requests, so a newcomer can try every role.

Idempotent: accounts and requests that exist already are left as they are.
"""
import io
from datetime import datetime, time, timedelta

from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from app.domain import submission, workflow
from app.domain.equipment_care import EquipmentCheck
from app.domain.scheduling.occupancy import meeting, session_for
from app.domain.scheduling.rules import closed_days
from app.domain.scheduling.settings import ScheduleSettings
from app.domain.step_inputs import (
    CompleteInput,
    ConfirmInput,
    DeclineInput,
    DisposeInput,
    PrepareInput,
    ReasonInput,
)
from app.models import (
    BorrowerProfile,
    DispositionInstruction,
    DispositionNature,
    Institution,
    InstitutionKind,
    LoanRequest,
    LoanSession,
)
from app.ops.setup import seed_reference_data
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local, utcnow
from app.security.roles import ADMIN, ADMIN_PC, KABID, KASI, PEMINJAM

DEMO_PASSWORD = "Pontive#2026"

INSTITUTIONS = {
    "disdikbud": ("Dinas Pendidikan dan Kebudayaan Kota Pontianak", InstitutionKind.OPD),
    "untan": ("Universitas Tanjungpura", InstitutionKind.UNIVERSITAS),
}

# username, role, first name, last name, institution key, position
ACCOUNTS = [
    ("admin", ADMIN, "Administrator", "Sistem", None, None),
    ("kabid", KABID, "Kepala Bidang", "TKPBET", None, None),
    ("kasi", KASI, "Kepala Seksi", "PK & AI", None, None),
    ("adminpc", ADMIN_PC, "Admin", "Pontive Center", None, None),
    ("peminjam1", PEMINJAM, "Rina", "Wulandari", "disdikbud", "Kepala Subbagian Umum"),
    ("peminjam2", PEMINJAM, "Agus", "Pratama", "untan", "Staf Humas"),
]

# letter number (the sample's key), borrower, title, days ahead, steps taken
SAMPLES = [
    ("001/DEMO/2026", "peminjam1", "Rapat Koordinasi Kurikulum Merdeka", 7, []),
    ("002/DEMO/2026", "peminjam1", "Bimbingan Teknis Operator Dapodik", 10,
     [("kabid", "dispose")]),
    ("003/DEMO/2026", "peminjam1", "Sosialisasi Aplikasi Sekolah", 14,
     [("kabid", "dispose"), ("kasi", "confirm"), ("adminpc", "schedule")]),
    ("004/DEMO/2026", "peminjam2", "Seminar Kota Cerdas", 8, []),
    ("005/DEMO/2026", "peminjam2", "Kunjungan Mahasiswa Informatika", 12,
     [("kabid", "reject")]),
    ("006/DEMO/2026", "peminjam2", "Lokakarya Data Terbuka", -14,
     [("kabid", "dispose"), ("kasi", "confirm"), ("adminpc", "schedule"),
      ("adminpc", "prepare"), ("adminpc", "complete")]),
]


def demo_letter_pdf(title, letter_number):
    """A one-page request letter, standing in for the borrower's scan."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, 770, f"Nomor: {letter_number}")
    pdf.drawString(72, 750, "Perihal: Permohonan Peminjaman Ruang Rapat Pontive Center")
    pdf.drawString(72, 720, f"Kegiatan: {title}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def office_day(days_ahead):
    """The first office day, not a holiday, ``days_ahead`` from today on."""
    return _office_day_from(to_local(utcnow()).date() + timedelta(days=days_ahead))


def _office_day_from(day):
    """The first office day, not a holiday, from ``day`` on."""
    settings = ScheduleSettings.current()
    closed = closed_days(day, day + timedelta(days=31), settings)
    while day.weekday() not in settings.office_days or day in closed:
        day += timedelta(days=1)
    return day


def _free_slot(room, days_ahead, hours):
    """``hours`` (start, end) on the first office day from ``days_ahead`` on
    that no other request asks the room for: whatever the date, no sample
    clashes with another (a confirmed one holds its slot)."""
    day = office_day(days_ahead)
    while True:
        starts = from_local(datetime.combine(day, time(hours[0], 0)))
        ends = from_local(datetime.combine(day, time(hours[1], 0)))
        wanted = session_for(room, starts, ends)
        if not db.session.query(LoanSession).filter(
                LoanSession.room_id == room.id,
                meeting(starts, wanted.blocked_until)).count():
            return starts, ends
        day = _office_day_from(day + timedelta(days=1))


def _ensure_accounts():
    sm = current_app.appbuilder.sm
    users = {}
    for username, role_name, first, last, institution_key, position in ACCOUNTS:
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(
                username=username, first_name=first, last_name=last,
                email=f"{username}@demo.pontianak.go.id",
                role=sm.find_role(role_name), password=DEMO_PASSWORD,
            )
        users[username] = user
        if institution_key:
            name, kind = INSTITUTIONS[institution_key]
            institution = db.session.query(Institution).filter_by(name=name).one_or_none()
            if institution is None:
                institution = Institution(name=name, kind=kind)
                db.session.add(institution)
                db.session.flush()
            if submission.borrower_profile(user) is None:
                db.session.add(BorrowerProfile(
                    user_id=user.id, institution_id=institution.id,
                    position=position, phone="0561-000000",
                ))
    db.session.commit()
    return users


def _ensure_sample(users, room, letter_number, borrower, title, days_ahead, steps):
    if db.session.query(LoanRequest).filter_by(letter_number=letter_number).count():
        return False
    starts, ends = _free_slot(room, days_ahead, (13, 15) if steps else (9, 12))
    submitted_at = min(utcnow(), starts) - timedelta(days=3)
    data = submission.SubmitInput(
        kind="peminjaman", room_id=room.id, title=title,
        subject="Permohonan Peminjaman Ruang Rapat Pontive Center",
        letter_number=letter_number, letter_date=to_local(submitted_at).date(),
        participants=20, contact_name=users[borrower].first_name,
        contact_phone="0812-0000-0000", no_buffet_pledge=True,
        sessions=[(starts, ends)], description="Data contoh (demo).",
        letter_data=demo_letter_pdf(title, letter_number),
        letter_name="surat-permohonan.pdf",
    )
    loan = submission.submit(users[borrower], data, now=submitted_at)
    moment = submitted_at
    for actor, action in steps:
        moment = moment + timedelta(minutes=10)
        if action == "prepare":
            moment = max(moment, starts - timedelta(minutes=30))
        if action == "complete":
            moment = max(moment, ends)
        workflow.apply(loan, action, users[actor], step_details(action, loan),
                       now=moment)
    db.session.commit()
    return True


def step_details(action, loan):
    """The input of each sample step, as a person taking it would give it
    (the tests take steps with these too)."""
    checklist = tuple(EquipmentCheck(item.id, ready=True) for item in loan.room.equipment)
    details = {
        "dispose": DisposeInput(instruction=DispositionInstruction.FOLLOW_UP,
                                nature=DispositionNature.ORDINARY,
                                note="Mohon dikoordinasikan dengan peminjam."),
        "confirm": ConfirmInput(no_buffet_checked=True),
        "reject": ReasonInput(reason="Jadwal bertepatan dengan kegiatan dinas."),
        "decline_reschedule": DeclineInput(reason="Jadwal usulan bertepatan dengan "
                                                  "kegiatan kami."),
        "prepare": PrepareInput(checklist=checklist),
        "complete": CompleteInput(checklist=checklist, actual_participants=18),
    }
    return details.get(action) or workflow.TRANSITIONS[action].input()


def load_demo():
    """Create what is missing; return how many sample requests were added."""
    room = seed_reference_data()
    users = _ensure_accounts()
    return sum(_ensure_sample(users, room, *sample) for sample in SAMPLES)


