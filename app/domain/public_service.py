"""What the public service page shows without login (UU 25/2009 asks a public
service to publish its standard): the service standard's figures, the rooms
and their equipment, and each room's schedule for the coming weeks as busy
and free blocks only.

The schedule is built from plain times: a busy block carries nothing of the
request behind it (no title, institution, number or status), requests still
waiting for a decision are not shown at all (they hold nothing), and a day
the office is closed says only that it is closed (an unavailable date's
reason is the staff's note).
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy.orm import selectinload

from app.domain import mutu_baku, sop
from app.domain.complaints import standard_days
from app.domain.scheduling import availability
from app.domain.scheduling.settings import ScheduleSettings
from app.models import Room
from app.platform.extensions import db
from app.platform.timeutil import to_local


@dataclass(frozen=True)
class Free:
    starts_at: object
    ends_at: object
    requestable: bool  # the notice and horizon rules allow a request then


@dataclass(frozen=True)
class Day:
    day: object
    closed: bool  # a holiday, cuti bersama or unavailable date
    busy: tuple  # (starts_at, ends_at), merged where they touch
    free: tuple  # Free


@dataclass(frozen=True)
class RoomSchedule:
    room_id: int
    days: tuple  # office days only


def rooms():
    """The rooms that can be booked, with their equipment."""
    return (db.session.query(Room).filter(Room.is_active.is_(True))
            .options(selectinload(Room.equipment)).order_by(Room.name).all())


def _merged(spans):
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def schedule(room, now, days=None, settings=None):
    """``room``'s office days from today for PUBLIC_SCHEDULE_DAYS days."""
    settings = settings or ScheduleSettings.current()
    days = days or current_app.config["PUBLIC_SCHEDULE_DAYS"]
    first = to_local(now).date()
    entries = availability.room_availability(
        room, first, first + timedelta(days=days - 1), now, settings=settings)
    shown = []
    for entry in entries:
        if entry.day.weekday() not in settings.office_days:
            continue
        start = availability.midnight(entry.day)
        end = start + timedelta(days=1)
        shown.append(Day(
            day=entry.day, closed=not entry.office_day,
            busy=_merged((max(b.starts_at, start), min(b.ends_at, end))
                         for b in entry.busy if not b.pending and b.ends_at > start),
            free=tuple(Free(slot.starts_at, slot.ends_at, slot.requestable)
                       for slot in entry.free)))
    return RoomSchedule(room.id, tuple(shown))


@dataclass(frozen=True)
class Standard:
    """The figures of the service standard that come from the app's settings."""

    steps: list  # sop.FlowStep, in order
    total_minutes: int  # the timed steps' standards added up
    min_notice_days: int
    max_horizon_days: int
    complaint_days: int


def standard():
    settings = ScheduleSettings.current()
    steps = sop.flowchart()
    return Standard(
        steps=steps,
        total_minutes=sum(int(mutu_baku.standard(step).total_seconds()) // 60
                          for step in mutu_baku.STEPS),
        min_notice_days=settings.min_notice.days,
        max_horizon_days=settings.max_horizon.days,
        complaint_days=standard_days())
