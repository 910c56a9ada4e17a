"""Equipment care: damage is reported by staff and followed by the Admin
Pontive Center to "Selesai Diperbaiki"; every step is a history row, the
item's condition follows, and the repair time can be read back."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from helpers import submit_loan, take, user, visible_text

from app.domain import equipment_care
from app.models import (
    DamageReport,
    DamageReportUpdate,
    DamageStatus,
    Equipment,
    EquipmentCondition,
    LoanStatus,
    Room,
)
from app.platform.extensions import db
from app.platform.timeutil import utcnow


@pytest.fixture
def projector(app):
    room = db.session.query(Room).order_by(Room.id).first()
    return next(item for item in room.equipment if item.name == "Proyektor")


def reported(item, description="Lampu proyektor mati.", now=None):
    report = equipment_care.report_damage(item, user("kasi"), description, now=now)
    db.session.commit()
    return report


def updates_of(report):
    db.session.expire_all()
    return [(u.status, u.actor.username, u.note)
            for u in db.session.query(DamageReportUpdate).filter_by(report_id=report.id)
            .order_by(DamageReportUpdate.id)]


def step(client, report, status, note):
    return client.post(f"/damage/step/{report.id}", data={"status": status, "note": note})


# ---------------------------------------------------------------- lifecycle

def test_staff_report_damage_from_the_equipment_list(app, login_as, projector):
    kasi = login_as("kasi")
    listing = kasi.get("/equipment/list/").get_data(as_text=True)
    link = f'href="/damage/add?equipment={projector.id}"'
    assert link in listing and "Laporkan kerusakan" in listing

    form = kasi.get(f"/damage/add?equipment={projector.id}").get_data(as_text=True)
    assert f'<option selected value="{projector.id}">' in form.replace(
        f'<option value="{projector.id}" selected>', f'<option selected value="{projector.id}">')

    response = kasi.post("/damage/add", data={"equipment": projector.id,
                                              "description": "Lampu proyektor mati."})
    assert response.status_code == 302
    [report] = db.session.query(DamageReport).all()
    assert response.headers["Location"].endswith(f"/damage/show/{report.id}")
    assert (report.equipment_id, report.status, report.reporter.username,
            report.loan_id) == (projector.id, DamageStatus.REPORTED, "kasi", None)
    assert updates_of(report) == [("reported", "kasi", "Lampu proyektor mati.")]
    assert db.session.get(Equipment, projector.id).condition == EquipmentCondition.DAMAGED
    assert "Rusak" in visible_text(kasi.get("/equipment/list/"))


def test_admin_pc_follows_a_report_to_repaired(app, login_as, projector):
    report = reported(projector)
    adminpc = login_as("adminpc")

    response = step(adminpc, report, "in_repair", "Dibawa ke teknisi, lampu dipesan.")
    assert response.status_code == 302
    db.session.expire_all()
    assert report.status == DamageStatus.IN_REPAIR and report.repaired_at is None
    assert projector.condition == EquipmentCondition.UNDER_REPAIR

    response = step(adminpc, report, "repaired", "Lampu diganti, proyektor menyala.")
    assert response.status_code == 302
    db.session.expire_all()
    assert updates_of(report) == [
        ("reported", "kasi", "Lampu proyektor mati."),
        ("in_repair", "adminpc", "Dibawa ke teknisi, lampu dipesan."),
        ("repaired", "adminpc", "Lampu diganti, proyektor menyala."),
    ]
    # The current state is the last step's: the annual report reads it.
    last = report.updates[-1]
    assert (report.status, report.repaired_at, report.repair_notes) == (
        DamageStatus.REPAIRED, last.created_at, "Lampu diganti, proyektor menyala.")
    assert report.reported_at == report.updates[0].created_at
    assert projector.condition == EquipmentCondition.GOOD

    page = visible_text(adminpc.get(f"/damage/show/{report.id}"))
    for text in ("Riwayat", "Dilaporkan", "Sedang Diperbaiki", "Selesai Diperbaiki",
                 "Dibawa ke teknisi, lampu dipesan.", "Kepala Seksi PK &amp; AI",
                 "Admin Pontive Center", "Selesai diperbaiki pada"):
        assert text in page, text
    assert "Langkah berikutnya" not in page  # nothing follows "repaired"


def test_a_quick_fix_goes_straight_to_repaired_and_records_the_repair_time(
        app, projector):
    reported_at = utcnow() - timedelta(days=2, hours=3)
    report = reported(projector, now=reported_at)
    equipment_care.advance(report, DamageStatus.REPAIRED, user("adminpc"),
                           "Kabel HDMI diganti.", now=reported_at + timedelta(hours=5))
    db.session.commit()
    db.session.expire_all()
    assert report.repaired_at - report.reported_at == timedelta(hours=5)
    assert [u.status for u in report.updates] == ["reported", "repaired"]
    assert projector.condition == EquipmentCondition.GOOD


def test_a_new_report_after_a_repair_opens_a_new_history(app, projector):
    first = reported(projector)
    equipment_care.advance(first, DamageStatus.REPAIRED, user("adminpc"), "Diperbaiki.")
    second = reported(projector, description="Remote hilang.")
    assert second.id != first.id and second.status == DamageStatus.REPORTED
    assert projector.condition == EquipmentCondition.DAMAGED
    assert first.status == DamageStatus.REPAIRED


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("done,status,message", [
    (["in_repair"], "in_repair",
     "Laporan yang Sedang Diperbaiki tidak dapat menjadi Sedang Diperbaiki."),
    (["repaired"], "in_repair",
     "Laporan yang Selesai Diperbaiki tidak dapat menjadi Sedang Diperbaiki."),
    (["in_repair", "repaired"], "repaired",
     "Laporan yang Selesai Diperbaiki tidak dapat menjadi Selesai Diperbaiki."),
    ([], "reported", "Laporan yang Dilaporkan tidak dapat menjadi Dilaporkan."),
    ([], "rusak_total", "Laporan yang Dilaporkan tidak dapat menjadi rusak_total."),
])
def test_a_step_that_does_not_follow_is_refused_and_changes_nothing(
        app, login_as, projector, done, status, message):
    report = reported(projector)
    for earlier in done:
        equipment_care.advance(report, earlier, user("adminpc"), "Langkah sebelumnya.")
    db.session.commit()
    before = (updates_of(report), report.status, report.repaired_at,
              db.session.get(Equipment, projector.id).condition)

    response = step(login_as("adminpc"), report, status, "Catatan.")
    assert response.status_code == 200
    assert message in visible_text(response)
    db.session.expire_all()
    assert (updates_of(report), report.status, report.repaired_at,
            db.session.get(Equipment, projector.id).condition) == before


def test_each_step_needs_a_note(app, login_as, projector):
    report = reported(projector)
    response = step(login_as("adminpc"), report, "in_repair", "   ")
    assert response.status_code == 200
    assert "Tulis catatan langkah ini" in visible_text(response)
    db.session.expire_all()
    assert report.status == DamageStatus.REPORTED and len(report.updates) == 1


def test_a_step_someone_else_took_meanwhile_is_refused(app, projector):
    report = reported(projector)
    # Another Admin Pontive Center starts the repair after this one read it.
    db.session.execute(sa.update(DamageReport).where(DamageReport.id == report.id)
                       .values(status=DamageStatus.IN_REPAIR)
                       .execution_options(synchronize_session=False))
    assert report.status == DamageStatus.REPORTED  # what this person saw
    with pytest.raises(equipment_care.DamageStepError):
        equipment_care.advance(report, DamageStatus.IN_REPAIR, user("adminpc"), "Juga.")
    db.session.rollback()
    assert len(updates_of(report)) == 1


def test_an_item_already_reported_is_pointed_to_its_open_report(app, login_as, projector):
    report = reported(projector)
    response = login_as("kabid").post("/damage/add", data={
        "equipment": projector.id, "description": "Proyektor tidak menyala."})
    assert response.status_code == 200
    assert "sudah dilaporkan" in visible_text(response)
    assert db.session.query(DamageReport).count() == 1
    # A checklist naming it again adds no second report either.
    assert equipment_care.report_damage(projector, user("adminpc"), "Lagi.") is report


def test_history_rows_are_append_only(app, projector):
    report = reported(projector)
    row = report.updates[0]
    row.note = "Diubah."
    with pytest.raises(ValueError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(DamageReportUpdate, row.id))
    with pytest.raises(ValueError):
        db.session.commit()
    db.session.rollback()


# ---------------------------------------------------------------- who may

@pytest.mark.parametrize("username,reads,reports,follows", [
    ("kabid", True, True, False),
    ("kasi", True, True, False),
    ("adminpc", True, True, True),
    ("admin", True, True, True),
    ("peminjam1", False, False, False),
])
def test_who_may_read_report_and_follow(app, login_as, projector, username, reads,
                                        reports, follows):
    report = reported(projector)
    client = login_as(username)
    expected = {True: 200, False: 403}
    assert client.get("/damage/list/").status_code == expected[reads]
    assert client.get(f"/damage/show/{report.id}").status_code == expected[reads]
    assert client.get(f"/damage/add?equipment={projector.id}").status_code == \
        expected[reports]
    ac = next(item for item in projector.room.equipment if item.name == "AC")
    response = client.post("/damage/add", data={"equipment": ac.id,
                                                "description": "AC bocor."})
    assert response.status_code == (302 if reports else 403)
    response = step(client, report, "in_repair", "Diperiksa.")
    assert response.status_code == (302 if follows else 403)
    db.session.expire_all()
    assert report.status == (DamageStatus.IN_REPAIR if follows else DamageStatus.REPORTED)
    show = client.get(f"/damage/show/{report.id}").get_data(as_text=True)
    if reads:
        assert ("/damage/step/" in show) is (follows and report.is_open)


# ---------------------------------------------------------------- where it shows

def test_the_list_shows_each_report_and_how_long_it_is_open(app, login_as, projector):
    reported(projector, now=utcnow() - timedelta(days=2, hours=3, minutes=5))
    page = visible_text(login_as("kabid").get("/damage/list/"))
    for text in ("Kerusakan Perlengkapan", "Proyektor", "Ruang Rapat Pontive Center",
                 "Lampu proyektor mati.", "Kepala Seksi PK &amp; AI", "Dilaporkan",
                 "Lama terbuka", "2 hari 3 jam"):
        assert text in page, text


def test_the_kasi_is_warned_when_a_request_needs_a_damaged_item(app, login_as, projector):
    loan = submit_loan("peminjam1", title="Presentasi dengan proyektor")
    loan.equipment_wanted.append(projector)
    take(loan, "dispose")
    db.session.commit()
    kasi = login_as("kasi")
    assert "pontive-wanted-damage" not in kasi.get(
        f"/loans/step/confirm/{loan.id}").get_data(as_text=True)

    reported(projector)
    page = visible_text(kasi.get(f"/loans/step/confirm/{loan.id}"))
    assert "Peralatan yang dibutuhkan permohonan ini sedang rusak" in page
    assert "Proyektor: Lampu proyektor mati. (Dilaporkan" in page
    db.session.refresh(loan)
    assert loan.status == LoanStatus.DISPOSED  # a warning, not a refusal
