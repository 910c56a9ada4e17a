"""The annual report's breakdowns add up to their totals, over generated years.

A seeded generator stores a year of requests straight into the tables (with
some on either side of the year): every status and kind, visits and loans,
participants planned and attended, reschedule proposals with every outcome
(some made in the year before or answered in the next, some unanswered),
timed SOP steps, damage reports. It keeps its own count of each figure; the
report's figures must equal them, and each breakdown must sum to its total
(the months, the kinds, the outcomes of the proposals, the participants, the
damage, the rejections and cancellations, the appendix).
"""
import io
import random
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import pypdf
import pytest
from helpers import user

from app.documents import annual
from app.documents.annual_data import annual_data
from app.domain import mutu_baku
from app.models import (
    DamageReport,
    Equipment,
    Institution,
    InstitutionKind,
    LoanKind,
    LoanRequest,
    LoanSession,
    LoanStatus,
    Room,
    StatusHistory,
)
from app.platform.extensions import db

YEAR = 2030
WIB = timezone(timedelta(hours=7))
OUTCOMES = {"accept_reschedule": "accepted", "decline_reschedule": "declined",
            "hold_lapsed": "lapsed", "reject": "ended", "cancel": "ended"}


def moment(rng, year):
    """A random WIB office-hour moment in ``year``, as UTC."""
    day = datetime(year, 1, 1, tzinfo=WIB) + timedelta(days=rng.randrange(365))
    return (day + timedelta(hours=rng.randrange(8, 15), minutes=rng.choice((0, 30)))
            ).astimezone(timezone.utc)


class Year:
    """What the generator stored, counted as the report should count it."""

    def __init__(self):
        self.statuses = Counter()
        self.loans = 0
        self.outcomes = Counter()
        self.attendance = {kind: [0, 0, 0] for kind in LoanKind.codes()}
        self.held_sessions = 0
        self.timed = 0
        self.damage = Counter()


def _history(loan, rng, at, action, from_status, to_status, **fields):
    db.session.add(StatusHistory(loan=loan, action=action, from_status=from_status,
                                 to_status=to_status, actor_role="Kasi PK & AI",
                                 created_at=at, note="", **fields))


def _proposals(loan, rng, start, counted, expected):
    """A chain of proposals, each ended (or, the last, still open)."""
    at = start
    for number in range(rng.randrange(1, 4)):
        at += timedelta(days=rng.randrange(1, 40))
        _history(loan, rng, at, "propose_reschedule", LoanStatus.DISPOSED,
                 LoanStatus.RESCHEDULE_PROPOSED)
        last = number == 2 or rng.random() < 0.3
        action = rng.choice([*OUTCOMES, None]) if last else rng.choice(
            ["decline_reschedule", "hold_lapsed"])
        if counted(at):
            expected.outcomes[OUTCOMES.get(action, "pending")] += 1
        if action is None:
            return
        at += timedelta(hours=rng.randrange(1, 96))  # answered in the next year, maybe
        target = {"accept_reschedule": LoanStatus.CONFIRMED,
                  "reject": LoanStatus.REJECTED,
                  "cancel": LoanStatus.CANCELLED}.get(action, LoanStatus.DISPOSED)
        _history(loan, rng, at, action, LoanStatus.RESCHEDULE_PROPOSED, target)
        if target != LoanStatus.DISPOSED:
            return


def generate(seed):
    rng = random.Random(seed)
    expected = Year()
    room = db.session.query(Room).order_by(Room.id).first()
    institutions = []
    for kind in InstitutionKind.codes():
        institutions.append(Institution(name=f"Instansi {kind} {seed}", kind=kind))
    db.session.add_all(institutions)
    borrower = user("peminjam1")

    def in_year(at):
        return at.astimezone(WIB).year == YEAR

    for number in range(rng.randrange(40, 70)):
        first = moment(rng, rng.choice((YEAR - 1, YEAR, YEAR, YEAR, YEAR + 1)))
        status = rng.choice(LoanStatus.codes())
        kind = rng.choice(LoanKind.codes())
        participants = rng.randrange(1, 30)
        attended = rng.randrange(0, 35) if status == LoanStatus.COMPLETED else None
        loan = LoanRequest(
            registration_number=f"PC/{seed}/{number:05d}", kind=kind,
            borrower_id=borrower.id, institution=rng.choice(institutions),
            room_id=room.id, letter_number=f"S-{number}", letter_date=first.date(),
            subject="Permohonan", title=f"Kegiatan {seed}-{number}",
            participants=participants, actual_participants=attended,
            contact_name="Kontak", contact_phone="0812", no_buffet_pledge=True,
            status=status, created_at=first - timedelta(days=20),
            rejection_reason="Alasan" if status == LoanStatus.REJECTED else None,
            cancellation_reason="Alasan" if status == LoanStatus.CANCELLED else None)
        sessions = rng.randrange(1, 4)
        loan.sessions = [
            LoanSession(room_id=room.id, starts_at=first + timedelta(days=k),
                        ends_at=first + timedelta(days=k, hours=2),
                        blocked_until=first + timedelta(days=k, hours=3),
                        occupying=False, proposed=False)
            for k in range(sessions)]
        db.session.add(loan)
        submitted = first - timedelta(days=20)
        _history(loan, rng, submitted, "submit", None, LoanStatus.SUBMITTED)
        if rng.random() < 0.4:
            _proposals(loan, rng, submitted, in_year, expected)
        if status in (LoanStatus.REJECTED, LoanStatus.CANCELLED):
            _history(loan, rng, first - timedelta(days=1),
                     "reject" if status == LoanStatus.REJECTED else "cancel",
                     LoanStatus.DISPOSED, status)
        for step in mutu_baku.STEPS:
            if rng.random() < 0.5:
                at = moment(rng, rng.choice((YEAR, YEAR, YEAR + 1)))
                _history(loan, rng, at, "step", step.waits_in, LoanStatus.CONFIRMED,
                         standard_seconds=900, elapsed_seconds=rng.randrange(0, 3600))
                expected.timed += in_year(at)
        if in_year(first):
            expected.loans += 1
            expected.statuses[status] += 1
            if status == LoanStatus.COMPLETED:
                figures = expected.attendance[kind]
                figures[0] += 1
                figures[1] += participants
                figures[2] += attended
                expected.held_sessions += sum(
                    in_year(session.starts_at) for session in loan.sessions)
    for item in db.session.query(Equipment).filter_by(room_id=room.id):
        for _report in range(rng.randrange(0, 4)):
            reported = moment(rng, rng.choice((YEAR, YEAR, YEAR - 1)))
            repaired = (reported + timedelta(hours=rng.randrange(1, 120))
                        if rng.random() < 0.6 else None)
            db.session.add(DamageReport(equipment_id=item.id, reporter_id=borrower.id,
                                        description="Rusak", reported_at=reported,
                                        repaired_at=repaired,
                                        status="repaired" if repaired else "reported"))
            if in_year(reported):
                expected.damage["reported"] += 1
                expected.damage["repaired"] += repaired is not None
    db.session.commit()
    return expected


def fields(tally):
    return (tally.total, tally.completed, tally.no_show, tally.rejected,
            tally.cancelled, tally.open)


@pytest.mark.parametrize("seed", [7, 2030, 41])
def test_every_breakdown_sums_to_its_total(app, seed):
    expected = generate(seed)
    data = annual_data(YEAR)
    total = data.total

    # The requests: by status, month and kind, each adding up to the total.
    assert total.total == expected.loans == len(data.loans)
    assert (total.completed, total.no_show, total.rejected, total.cancelled) == (
        expected.statuses[LoanStatus.COMPLETED], expected.statuses[LoanStatus.NO_SHOW],
        expected.statuses[LoanStatus.REJECTED], expected.statuses[LoanStatus.CANCELLED])
    for breakdown in (data.months, [tally for _kind, tally in data.kinds]):
        assert tuple(map(sum, zip(*map(fields, breakdown)))) == fields(total)
        assert all(tally.open >= 0 for tally in breakdown)

    # Each proposal of the year once, by how it ended.
    plan = data.reschedules
    assert (plan.accepted, plan.declined, plan.lapsed, plan.ended, plan.pending) == (
        expected.outcomes["accepted"], expected.outcomes["declined"],
        expected.outcomes["lapsed"], expected.outcomes["ended"],
        expected.outcomes["pending"])
    assert plan.proposed == sum(expected.outcomes.values())

    # Participants planned and attended, and visitors.
    for kind, figures in data.attendance:
        assert [figures.held, figures.planned, figures.attended] == \
            expected.attendance[kind], kind
    people = data.attendance_total
    assert people.held == total.completed
    assert data.visitors == expected.attendance[LoanKind.VISIT][2]
    completed = [line for line in data.loans if line.status == LoanStatus.COMPLETED]
    assert sum(line.participants for line in completed) == people.planned
    assert sum(line.attended for line in completed) == people.attended

    # Room use, mutu baku, damage, the rejected and cancelled.
    assert sum(use.sessions for use in data.room_use) == expected.held_sessions
    assert data.mutu_baku_count == expected.timed
    assert all(figures.within <= figures.count for figures in data.mutu_baku)
    damage = data.damage
    assert (damage.reported, damage.repaired) == (expected.damage["reported"],
                                                  expected.damage["repaired"])
    assert damage.reported == damage.repaired + damage.open
    assert sum(row.reported for row in damage.by_equipment) == damage.reported
    assert sum(data.ending_counts.values()) == len(data.endings) == \
        total.rejected + total.cancelled

    # And as printed: the proposals' rows add up to the proposals.
    pages = pypdf.PdfReader(io.BytesIO(annual.render(data))).pages
    text = "\n".join(page.extract_text(extraction_mode="layout") for page in pages)
    clashes = text[text.rindex("BENTROK JADWAL"):]
    proposed = int(re.search(r"Usulan jadwal lain oleh Kasi +(\d+)", clashes).group(1))
    rows = clashes[:clashes.index("Bentrok yang")]
    outcomes = [int(count) for count in re.findall(r"^ *— [^\n]*? {2,}(\d+) *$", rows,
                                                     flags=re.MULTILINE)]
    assert len(outcomes) == 5 and sum(outcomes) == proposed == plan.proposed
