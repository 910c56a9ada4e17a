"""The figures of the Laporan Tahunan Operasional Pontive Center for one year.

Every figure is an aggregate the database computes (GROUP BY, COUNT, SUM, and
medians by window functions); Python only arranges the grouped rows. The
year runs from 1 January 00.00 to 31 December 24.00 in the office's zone (WIB).

How each figure is counted:

- A request belongs to the year, and the month, of its first session (its
  schedule, not the slot of a proposal still open), whatever its state.
  Per month and per kind of borrower the report counts all requests and,
  of them, the completed (terlaksana), not used, rejected, cancelled and
  still open ones, by their state now. The kind is the institution's.
- Room use: the hours of the sessions of completed requests that start in
  the year (start to end; the preparation time after a booking is not use),
  per room, and their share of the year's office hours: each office day of
  the year (OFFICE_DAYS, without holidays, cuti bersama and unavailable
  dates) times the office hours of a day.
- Clashes: requests of the year whose schedule overlaps, with the room's
  preparation time, the schedule of another request for the same room,
  whatever either request's state. A clash the Kasi resolved by a new
  schedule the borrower accepted no longer overlaps: it counts among the
  reschedules.
- Reschedules: propose_reschedule steps taken in the year, and the steps
  taken in the year that ended a proposal (accepted, declined, lapsed,
  rejected or cancelled by staff).
- Mutu baku: the history rows with a standard time of steps taken in the
  year, by SOP step; within the standard means elapsed <= standard (both as
  recorded with the step, in office time).
- Damage: equipment damage reports made in the year; repair time from
  reported to repaired in calendar time (reports still open have none).
- Rejected and cancelled: the requests of the year in those states, with
  the reason and the role that ended them.
- The appendix lists every request of the year by its first session:
  exactly the requests counted above. (The loan register, register_data.py,
  lists a loan in each period in which one of its sessions starts, so its
  year may differ for a request with sessions on both sides of New Year.)
"""
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from app.documents.annual_public_service_data import year_data as public_service_year
from app.domain import mutu_baku
from app.domain.scheduling import rules
from app.domain.scheduling.availability import midnight
from app.domain.scheduling.occupancy import meeting
from app.domain.scheduling.settings import ScheduleSettings
from app.models import (
    DamageReport,
    Equipment,
    Institution,
    InstitutionKind,
    LoanRequest,
    LoanSession,
    LoanStatus,
    NarrativeSection,
    ReportNarrative,
    Room,
    StatusHistory,
)
from app.platform.extensions import db
from app.platform.timeutil import to_local, utcnow

FIRST_YEAR = 2000
NARRATIVE_MAX_CHARS = 5000


class YearError(ValueError):
    """A year the report cannot be made for; ``str()`` is the user's message."""


def parse_year(text, now=None):
    """The year asked for (this year in WIB when none is given)."""
    this_year = to_local(now or utcnow()).year
    text = (text or "").strip()
    if not text:
        return this_year
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        raise YearError(_l("The year must be a number such as %(year)d.", year=this_year))
    year = int(text)
    if not FIRST_YEAR <= year <= this_year + 1:
        raise YearError(_l("The annual report covers the years %(first)d to %(last)d.",
                           first=FIRST_YEAR, last=this_year + 1))
    return year


def year_bounds(year):
    """[start, end) of ``year`` in the office's zone, as aware UTC datetimes."""
    return midnight(date(year, 1, 1)), midnight(date(year + 1, 1, 1))


def _month_starts(year):
    return [midnight(date(year, month, 1)) for month in range(1, 13)]


# ---------------------------------------------------------------- results

@dataclass(frozen=True)
class Tally:
    """Requests by their state now."""

    total: int = 0
    completed: int = 0
    no_show: int = 0
    rejected: int = 0
    cancelled: int = 0

    @property
    def open(self):
        """Not yet final: waiting, confirmed or scheduled."""
        return self.total - self.completed - self.no_show - self.rejected - self.cancelled

    @classmethod
    def of(cls, by_status):
        return cls(total=sum(by_status.values()),
                   completed=by_status.get(LoanStatus.COMPLETED, 0),
                   no_show=by_status.get(LoanStatus.NO_SHOW, 0),
                   rejected=by_status.get(LoanStatus.REJECTED, 0),
                   cancelled=by_status.get(LoanStatus.CANCELLED, 0))


@dataclass(frozen=True)
class RoomUse:
    room: str
    sessions: int
    hours: float


@dataclass(frozen=True)
class Reschedules:
    proposed: int = 0
    accepted: int = 0
    declined: int = 0
    lapsed: int = 0
    ended_by_staff: int = 0  # rejected or cancelled while proposed


@dataclass(frozen=True)
class StepFigures:
    step: object  # mutu_baku.Step
    standard_minutes: int
    count: int
    within: int
    median_seconds: float | None
    worst_seconds: int | None


@dataclass(frozen=True)
class EquipmentDamage:
    equipment: str
    room: str
    reported: int
    repaired: int
    worst_repair_seconds: float | None


@dataclass(frozen=True)
class Damage:
    reported: int = 0
    repaired: int = 0
    median_repair_seconds: float | None = None
    worst_repair_seconds: float | None = None
    by_equipment: tuple = ()

    @property
    def open(self):
        return self.reported - self.repaired


@dataclass(frozen=True)
class Ending:
    """A rejected or cancelled request."""

    number: str
    institution: str
    title: str
    first_start: datetime
    status: str
    role: str
    reason: str


@dataclass(frozen=True)
class LoanLine:
    number: str
    first_start: datetime
    first_end: datetime
    sessions: int
    institution: str
    kind: str
    title: str
    participants: int
    status: str


@dataclass(frozen=True)
class AnnualData:
    year: int
    total: Tally
    months: tuple  # 12 Tally, January first
    kinds: tuple  # (InstitutionKind code, Tally), in InstitutionKind order
    office_days: int
    office_hours: float
    room_use: tuple
    clashing_requests: int
    reschedules: Reschedules
    mutu_baku: tuple
    damage: Damage
    endings: tuple
    ending_counts: dict  # {(status, role): count}
    loans: tuple
    narratives: dict = field(default_factory=dict)  # {section: text}
    # The survey index and complaints (annual_public_service_data.py).
    public_service: object = None

    @property
    def room_hours(self):
        return sum(use.hours for use in self.room_use)

    @property
    def is_empty(self):
        return not (self.total.total or self.mutu_baku_count or self.damage.reported
                    or self.reschedules.proposed)

    @property
    def mutu_baku_count(self):
        return sum(figures.count for figures in self.mutu_baku)

    @property
    def mutu_baku_within(self):
        return sum(figures.within for figures in self.mutu_baku)


# ---------------------------------------------------------------- SQL pieces

def _dialect():
    return db.session.get_bind().dialect.name


def _seconds_between(start, end):
    """``end - start`` in seconds, as the database computes it."""
    if _dialect() == "postgresql":
        return sa.extract("epoch", end - start)
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400


def _window_start(start):
    """``start`` minus the overlap search window (ScheduleSettings.SEARCH_WINDOW),
    as the database computes it: it bounds the index range scan."""
    hours = int(ScheduleSettings.SEARCH_WINDOW.total_seconds() // 3600)
    if _dialect() == "postgresql":
        return start - sa.literal_column(f"interval '{hours} hours'")
    return sa.func.datetime(start, f"-{hours} hours")


def _in_year(column, year):
    start, end = year_bounds(year)
    return sa.and_(column >= start, column < end)


def _scheduled_in(year, session=LoanSession):
    """Sessions of a schedule (not of a proposal) that start in ``year``.
    Naming every room lets the index (room_id, starts_at, ends_at) bound the
    scan to the year."""
    return sa.and_(session.room_id.in_(sa.select(Room.id)), session.proposed.is_(False),
                   _in_year(session.starts_at, year))


def _first_sessions(year):
    """The first session (start, end) and the number of sessions of each
    request with a session in ``year``; the caller keeps those whose first
    session is in the year."""
    return (sa.select(LoanSession.loan_id,
                      sa.func.min(LoanSession.starts_at).label("first_start"),
                      # A request's sessions never overlap: the first ends first.
                      sa.func.min(LoanSession.ends_at).label("first_end"),
                      sa.func.count(LoanSession.id).label("sessions"))
            .where(LoanSession.proposed.is_(False),
                   LoanSession.loan_id.in_(sa.select(LoanSession.loan_id)
                                           .where(_scheduled_in(year))))
            .group_by(LoanSession.loan_id)
            .subquery("first_sessions"))


def _medians(key, value, *conditions):
    """{key: median of value} over the rows meeting ``conditions`` (``key``
    None: {None: the one median}).

    The middle row (or the mean of the two middle rows) by ROW_NUMBER within
    each key: the same SQL on SQLite (3.25+) and PostgreSQL.
    """
    partition = {"partition_by": key} if key is not None else {}
    columns = [key.label("key")] if key is not None else []
    ranked = (sa.select(*columns, value.label("value"),
                        sa.func.row_number().over(order_by=value, **partition)
                        .label("position"),
                        sa.func.count().over(**partition).label("rows"))
              .where(*conditions).subquery("ranked"))
    middle = sa.or_(ranked.c.position == (ranked.c.rows + 1) // 2,
                    ranked.c.position == (ranked.c.rows + 2) // 2)
    median = sa.func.avg(ranked.c.value)
    if key is None:
        found = db.session.execute(sa.select(median).where(middle)).scalar()
        return {None: float(found)} if found is not None else {}
    statement = sa.select(ranked.c.key, median).where(middle).group_by(ranked.c.key)
    return {key: float(found) for key, found in db.session.execute(statement)}


# ---------------------------------------------------------------- figures

def _tallies(year):
    """Requests of the year by month of their first session and by kind."""
    first = _first_sessions(year)
    month = sa.case(*[(first.c.first_start < bound, number)
                      for number, bound in enumerate(_month_starts(year)[1:], start=1)],
                    else_=12)
    statement = (sa.select(month, Institution.kind, LoanRequest.status,
                           sa.func.count(LoanRequest.id))
                 .join(first, first.c.loan_id == LoanRequest.id)
                 .join(Institution, Institution.id == LoanRequest.institution_id)
                 .where(_in_year(first.c.first_start, year))
                 .group_by(month, Institution.kind, LoanRequest.status))
    by_month = {number: {} for number in range(1, 13)}
    kinds = InstitutionKind.codes()
    by_kind = {kind: {} for kind in kinds}
    everything = {}
    for number, kind, status, count in db.session.execute(statement):
        kind = kind if kind in by_kind else InstitutionKind.LAINNYA
        for bucket in (by_month[number], by_kind[kind], everything):
            bucket[status] = bucket.get(status, 0) + count
    return (Tally.of(everything),
            tuple(Tally.of(by_month[number]) for number in range(1, 13)),
            tuple((kind, Tally.of(by_kind[kind])) for kind in kinds))


def office_time(year, settings=None):
    """(office days, office hours) of ``year``: OFFICE_DAYS without closed days."""
    settings = settings or ScheduleSettings.current()
    first, last = date(year, 1, 1), date(year, 12, 31)
    closed = rules.closed_days(first, last, settings)
    days = sum(1 for day in rules.days_between(first, last)
               if day.weekday() in settings.office_days and day not in closed)
    opens = datetime.combine(first, settings.office_start)
    closes = datetime.combine(first, settings.office_end)
    return days, days * max(0.0, (closes - opens).total_seconds() / 3600)


def _room_use(year):
    seconds = sa.func.sum(_seconds_between(LoanSession.starts_at, LoanSession.ends_at))
    statement = (sa.select(Room.name, sa.func.count(LoanSession.id), seconds)
                 .select_from(LoanSession)
                 .join(LoanRequest, LoanRequest.id == LoanSession.loan_id)
                 .join(Room, Room.id == LoanSession.room_id)
                 .where(_scheduled_in(year), LoanRequest.status == LoanStatus.COMPLETED)
                 .group_by(Room.id, Room.name).order_by(Room.name))
    return tuple(RoomUse(name, sessions, round(float(total or 0)) / 3600)
                 for name, sessions, total in db.session.execute(statement))


def _clashing_requests(year):
    mine, other = aliased(LoanSession), aliased(LoanSession)
    statement = (sa.select(sa.func.count(sa.distinct(mine.loan_id)))
                 .select_from(mine)
                 .join(other, sa.and_(
                     other.room_id == mine.room_id,
                     other.loan_id != mine.loan_id,
                     other.proposed.is_(False),
                     meeting(mine.starts_at, mine.blocked_until,
                             after=_window_start(mine.starts_at), session=other)))
                 .where(_scheduled_in(year, mine)))
    return db.session.execute(statement).scalar() or 0


def _reschedules(year):
    proposal = LoanStatus.RESCHEDULE_PROPOSED
    statement = (sa.select(StatusHistory.action, sa.func.count(StatusHistory.id))
                 .where(_in_year(StatusHistory.created_at, year),
                        sa.or_(StatusHistory.action == "propose_reschedule",
                               StatusHistory.from_status == proposal))
                 .group_by(StatusHistory.action))
    counts = dict(db.session.execute(statement).all())
    return Reschedules(
        proposed=counts.get("propose_reschedule", 0),
        accepted=counts.get("accept_reschedule", 0),
        declined=counts.get("decline_reschedule", 0),
        lapsed=counts.get("hold_lapsed", 0),
        ended_by_staff=counts.get("reject", 0) + counts.get("cancel", 0),
    )


def _mutu_baku(year):
    timed = (StatusHistory.standard_seconds.isnot(None),
             StatusHistory.elapsed_seconds.isnot(None),
             StatusHistory.from_status.in_(list(mutu_baku.STEP_BY_STATE)),
             _in_year(StatusHistory.created_at, year))
    within = sa.case((StatusHistory.elapsed_seconds <= StatusHistory.standard_seconds, 1),
                     else_=0)
    statement = (sa.select(StatusHistory.from_status, sa.func.count(StatusHistory.id),
                           sa.func.sum(within), sa.func.max(StatusHistory.elapsed_seconds))
                 .where(*timed).group_by(StatusHistory.from_status))
    figures = {state: (count, int(inside or 0), worst)
               for state, count, inside, worst in db.session.execute(statement)}
    medians = _medians(StatusHistory.from_status, StatusHistory.elapsed_seconds, *timed)
    rows = []
    for step in mutu_baku.STEPS:
        count, inside, worst = figures.get(step.waits_in, (0, 0, None))
        rows.append(StepFigures(
            step=step, standard_minutes=int(mutu_baku.standard(step).total_seconds() // 60),
            count=count, within=inside, median_seconds=medians.get(step.waits_in),
            worst_seconds=worst))
    return tuple(rows)


def _damage(year):
    reported = _in_year(DamageReport.reported_at, year)
    repair = _seconds_between(DamageReport.reported_at, DamageReport.repaired_at)
    repaired = DamageReport.repaired_at.isnot(None)
    statement = (sa.select(Equipment.name, Room.name, sa.func.count(DamageReport.id),
                           sa.func.count(DamageReport.repaired_at), sa.func.max(repair))
                 .select_from(DamageReport)
                 .join(Equipment, Equipment.id == DamageReport.equipment_id)
                 .join(Room, Room.id == Equipment.room_id)
                 .where(reported)
                 .group_by(Equipment.id, Equipment.name, Room.name)
                 .order_by(sa.func.count(DamageReport.id).desc(), Equipment.name))
    rows = tuple(EquipmentDamage(name, room, count, done,
                                 float(worst) if worst is not None else None)
                 for name, room, count, done, worst in db.session.execute(statement))
    if not rows:
        return Damage()
    median = _medians(None, repair, reported, repaired).get(None)
    worst = [row.worst_repair_seconds for row in rows if row.worst_repair_seconds is not None]
    return Damage(reported=sum(row.reported for row in rows),
                  repaired=sum(row.repaired for row in rows),
                  median_repair_seconds=median,
                  worst_repair_seconds=max(worst) if worst else None,
                  by_equipment=rows)


ENDED = (LoanStatus.REJECTED, LoanStatus.CANCELLED)


def _endings(year):
    first = _first_sessions(year)
    reason = sa.case((LoanRequest.status == LoanStatus.REJECTED,
                      LoanRequest.rejection_reason),
                     else_=LoanRequest.cancellation_reason)
    # The step that ended the request: the one history row into its final state.
    ending = (sa.select(StatusHistory.loan_id, StatusHistory.to_status,
                        sa.func.max(StatusHistory.id).label("id"))
              .where(StatusHistory.to_status.in_(ENDED))
              .group_by(StatusHistory.loan_id, StatusHistory.to_status)
              .subquery("ending"))
    step = aliased(StatusHistory)
    base = (sa.select()
            .select_from(LoanRequest)
            .join(first, first.c.loan_id == LoanRequest.id)
            .join(ending, sa.and_(ending.c.loan_id == LoanRequest.id,
                                  ending.c.to_status == LoanRequest.status))
            .join(step, step.id == ending.c.id)
            .where(LoanRequest.status.in_(ENDED), _in_year(first.c.first_start, year)))
    counts = {(status, role): count for status, role, count in db.session.execute(
        base.add_columns(LoanRequest.status, step.actor_role, sa.func.count(LoanRequest.id))
        .group_by(LoanRequest.status, step.actor_role))}
    rows = db.session.execute(
        base.add_columns(LoanRequest.registration_number, Institution.name,
                         LoanRequest.title, first.c.first_start, LoanRequest.status,
                         step.actor_role, reason)
        .join(Institution, Institution.id == LoanRequest.institution_id)
        .order_by(first.c.first_start, LoanRequest.id))
    return tuple(Ending(*row) for row in rows), counts


def loan_lines(year):
    """Every request of the year, by its first session (the appendix)."""
    first = _first_sessions(year)
    statement = (sa.select(LoanRequest.registration_number, first.c.first_start,
                           first.c.first_end, first.c.sessions, Institution.name,
                           Institution.kind, LoanRequest.title, LoanRequest.participants,
                           LoanRequest.status)
                 .join(first, first.c.loan_id == LoanRequest.id)
                 .join(Institution, Institution.id == LoanRequest.institution_id)
                 .where(_in_year(first.c.first_start, year))
                 .order_by(first.c.first_start, LoanRequest.id))
    return tuple(LoanLine(*row) for row in db.session.execute(statement))


def narrative_rows(year):
    """{section: ReportNarrative} of the sections saved for ``year``."""
    rows = (db.session.query(ReportNarrative).options(joinedload(ReportNarrative.author))
            .filter(ReportNarrative.year == year))
    return {row.section: row for row in rows}


def narratives(year):
    """{section: text} of the sections written for ``year`` (empty ones left out)."""
    return {section: row.text for section, row in narrative_rows(year).items()
            if row.text.strip()}


def first_year_with_data(now=None):
    """The year of the earliest session on record (this year when none)."""
    earliest = db.session.execute(sa.select(sa.func.min(LoanSession.starts_at))).scalar()
    return to_local(earliest or now or utcnow()).year


def annual_data(year):
    """Everything the report of ``year`` prints."""
    total, months, kinds = _tallies(year)
    office_days, office_hours = office_time(year)
    endings, ending_counts = _endings(year)
    return AnnualData(
        year=year, total=total, months=months, kinds=kinds,
        office_days=office_days, office_hours=office_hours,
        room_use=_room_use(year),
        clashing_requests=_clashing_requests(year),
        reschedules=_reschedules(year),
        mutu_baku=_mutu_baku(year),
        damage=_damage(year),
        endings=endings, ending_counts=ending_counts,
        loans=loan_lines(year),
        narratives=narratives(year),
        public_service=public_service_year(year),
    )


# ---------------------------------------------------------------- narratives

class NarrativeError(ValueError):
    """Narratives that cannot be saved; ``str()`` is the user's message."""


def save_narratives(year, texts, user, now=None):
    """Write the sections of ``texts`` ({section: text}) for ``year``; the
    caller commits. A section left empty keeps an empty row (not printed)."""
    now = now or utcnow()
    for section, text in texts.items():
        if section not in NarrativeSection.codes():
            raise NarrativeError(_l("Unknown section."))
        if len(text) > NARRATIVE_MAX_CHARS:
            raise NarrativeError(_l("%(section)s is longer than %(limit)d characters.",
                                    section=NarrativeSection.label(section),
                                    limit=NARRATIVE_MAX_CHARS))
    existing = {row.section: row for row in db.session.query(ReportNarrative)
                .filter(ReportNarrative.year == year).with_for_update()}
    for section, text in texts.items():
        row = existing.get(section)
        text = text.strip()
        if row is None:
            db.session.add(ReportNarrative(year=year, section=section, text=text,
                                           author_id=user.id, updated_at=now))
        elif row.text != text:
            row.text, row.author_id, row.updated_at = text, user.id, now
    try:
        db.session.flush()
    except IntegrityError as error:  # someone saved the same year at once
        raise NarrativeError(_l("Someone else has just saved these sections; "
                                "reload the page and try again.")) from error
