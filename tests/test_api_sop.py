"""The SOP walked through the REST API alone, as five tokens: the borrower
submits and sends the letter, the Kabid disposes, the Kasi proposes another
time, the borrower accepts it, the Admin Pontive Center enters it into the
agenda, prepares the room on the day and completes it afterwards; and the
shorter paths (rejected, cancelled, declined, not used).

Only the workflow's clock is moved (the ``clock`` fixture) so that the event's
day comes without waiting for it; everything else is an API call.
"""
import io
from datetime import datetime, time, timedelta

import pytest
from helpers import make_pdf, office_day
from test_api_loans import (  # noqa: F401 (fixtures)
    API,
    clock,
    create,
    ok,
    step,
    step_body,
    tokens,
)

from app.platform.timeutil import from_local

pytestmark = pytest.mark.date_sensitive


def at(day, hour):
    return from_local(datetime.combine(day, time(hour)))


def test_the_whole_sop_through_the_api(client, tokens, clock):
    day, other_day = office_day(40), office_day(45)
    borrower = tokens["peminjam1"]

    # The borrower submits (times without an offset are WIB) and sends the letter.
    loan = create(client, borrower, day, title="Rapat Evaluasi Program")
    number = loan["registration_number"]
    assert loan["status"] == "submitted" and loan["status_label"] == "Diajukan"
    assert loan["sessions"] == [{"starts_at": f"{day}T09:00:00+07:00",
                                 "ends_at": f"{day}T12:00:00+07:00"}]
    assert not loan["has_letter"]
    letter = make_pdf("Surat permohonan lewat API")
    response = client.post(f"{API}/{loan['id']}/letter", headers=borrower,
                           data={"letter": (io.BytesIO(letter), "surat.pdf")})
    assert ok(response, "submitted")["has_letter"]
    download = client.get(f"{API}/{loan['id']}/letter", headers=tokens["kabid"])
    assert download.status_code == 200 and download.data == letter
    assert download.mimetype == "application/pdf"

    # The Kabid disposes to the Kasi.
    disposed = ok(step(client, tokens["kabid"], loan["id"], "dispose",
                       instruction="coordinate", nature="segera",
                       note="Mohon dikoordinasikan."), "disposed")
    assert disposed["history"][-1]["instruction"] == "coordinate"
    assert disposed["history"][-1]["nature"] == "segera"
    # The disposition sheet is the staff's; the borrower gets none.
    sheet = client.get(f"{API}/{loan['id']}/disposition.pdf", headers=tokens["kasi"])
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")
    refused = client.get(f"{API}/{loan['id']}/disposition.pdf", headers=borrower)
    assert refused.status_code == 403
    # The letter cannot be replaced once the request is being processed.
    response = client.post(f"{API}/{loan['id']}/letter", headers=borrower,
                           data={"letter": (io.BytesIO(letter), "surat.pdf")})
    assert response.status_code == 409

    # The Kasi proposes another time (given with its offset); the borrower
    # sees it and accepts.
    proposed = ok(step(client, tokens["kasi"], loan["id"], "propose_reschedule",
                       sessions=[{"starts_at": f"{other_day}T13:00:00+07:00",
                                  "ends_at": f"{other_day}T15:00:00+07:00"}],
                       note="Ruang terpakai pada pagi itu."), "reschedule_proposed")
    assert proposed["proposed_sessions"] == [
        {"starts_at": f"{other_day}T13:00:00+07:00",
         "ends_at": f"{other_day}T15:00:00+07:00"}]
    assert proposed["hold_expires_at"].endswith("+07:00")
    mine = client.get(f"{API}/{loan['id']}", headers=borrower).get_json()["result"]
    assert mine["allowed_actions"] == ["accept_reschedule", "decline_reschedule",
                                       "cancel"]
    confirmed = ok(step(client, borrower, loan["id"], "accept_reschedule"),
                   "confirmed")
    assert confirmed["sessions"] == proposed["proposed_sessions"]
    assert confirmed["proposed_sessions"] == []
    assert confirmed["confirmation_available"]
    letter_pdf = client.get(f"{API}/{loan['id']}/confirmation.pdf", headers=borrower)
    assert letter_pdf.status_code == 200 and letter_pdf.data.startswith(b"%PDF")
    assert letter_pdf.mimetype == "application/pdf"

    # The Admin Pontive Center enters it into the agenda...
    ok(step(client, tokens["adminpc"], loan["id"], "schedule"), "scheduled")
    # ...prepares the room on the day (not before)...
    response = step(client, tokens["adminpc"], loan["id"], "prepare",
                    **step_body("prepare", loan["id"]))
    assert response.status_code == 409
    assert response.get_json()["code"] == "invalid_transition"
    clock(at(other_day, 13) - timedelta(minutes=30))
    ok(step(client, tokens["adminpc"], loan["id"], "prepare",
            **step_body("prepare", loan["id"])), "prepared")
    # ...and completes it once it has taken place.
    clock(at(other_day, 15) + timedelta(minutes=30))
    done = ok(step(client, tokens["adminpc"], loan["id"], "complete",
                   **step_body("complete", loan["id"])), "completed")
    assert done["actual_participants"] == 12
    assert done["outcome_notes"] == "Berjalan lancar."
    assert done["status_label"] == "Selesai"
    assert done["registration_number"] == number

    # Its history, as each role left it; nothing is left to do.
    assert [(h["action"], h["role"]) for h in done["history"]] == [
        ("submit", "Peminjam"), ("dispose", "Kabid TKPBET"),
        ("propose_reschedule", "Kasi PK & AI"), ("accept_reschedule", "Peminjam"),
        ("schedule", "Admin Pontive Center"), ("prepare", "Admin Pontive Center"),
        ("complete", "Admin Pontive Center")]
    assert [h["to_status"] for h in done["history"]][-1] == "completed"
    for username in ("kabid", "kasi", "adminpc", "peminjam1"):
        result = client.get(f"{API}/{loan['id']}",
                            headers=tokens[username]).get_json()["result"]
        assert result["allowed_actions"] == []
    # The other borrower never saw it.
    assert client.get(f"{API}/{loan['id']}",
                      headers=tokens["peminjam2"]).status_code == 404


def test_rejected_cancelled_declined_and_not_used(client, tokens, clock):
    borrower = tokens["peminjam2"]
    days = [office_day(40 + 3 * n) for n in range(4)]

    rejected = create(client, borrower, days[0])
    done = ok(step(client, tokens["kabid"], rejected["id"], "reject",
                   reason="Ruang dipakai kegiatan Wali Kota."), "rejected")
    assert done["rejection_reason"] == "Ruang dipakai kegiatan Wali Kota."
    assert done["status_label"] == "Ditolak"

    cancelled = create(client, borrower, days[1])
    ok(step(client, tokens["kabid"], cancelled["id"], "dispose",
            instruction="follow_up"), "disposed")
    done = ok(step(client, borrower, cancelled["id"], "cancel",
                   reason="Kegiatan ditunda."), "cancelled")
    assert done["cancellation_reason"] == "Kegiatan ditunda."
    # A final request takes no more steps.
    response = step(client, borrower, cancelled["id"], "cancel")
    assert response.status_code == 409
    assert response.get_json()["code"] == "invalid_transition"

    declined = create(client, borrower, days[2])
    ok(step(client, tokens["kabid"], declined["id"], "dispose",
            instruction="follow_up"), "disposed")
    ok(step(client, tokens["kasi"], declined["id"], "propose_reschedule",
            **step_body("propose_reschedule", declined["id"], day=days[3])),
       "reschedule_proposed")
    done = ok(step(client, borrower, declined["id"], "decline_reschedule",
                   reason="Jadwal usulan tidak cocok."), "disposed")
    assert done["proposed_sessions"] == [] and done["cancellation_reason"] is None

    unused = create(client, borrower, days[3], start=(8, 0), end=(10, 0))
    for action, who in [("dispose", "kabid"), ("confirm", "kasi"),
                        ("schedule", "adminpc")]:
        ok(step(client, tokens[who], unused["id"], action,
                **step_body(action, unused["id"])), "disposed" if action == "dispose"
           else "confirmed" if action == "confirm" else "scheduled")
    response = step(client, tokens["adminpc"], unused["id"], "mark_no_show")
    assert response.status_code == 409  # not before it starts
    clock(at(days[3], 10) + timedelta(minutes=30))
    done = ok(step(client, tokens["adminpc"], unused["id"], "mark_no_show",
                   note="Peminjam tidak datang."), "no_show")
    assert done["history"][-1]["note"] == "Peminjam tidak datang."
