"""The room availability page, and the schedule review on a request's page.

The queries live in :mod:`app.domain.scheduling.availability`; here they become
what each user may read. A borrower sees other borrowers' bookings only as
"busy" (their rows carry no request at all), staff see who holds the room.
"""
from datetime import datetime, timedelta

from flask import current_app, g, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.domain import workflow
from app.domain.scheduling import availability
from app.domain.scheduling.settings import ScheduleSettings
from app.models import LoanStatus
from app.platform.formatting import (
    format_clock,
    format_date,
    format_datetime,
    format_session,
    format_time_range,
)
from app.platform.timeutil import from_local, to_local, utcnow
from app.security.scope import is_staff


def can_request():
    """Whether the signed-in user may open the request form (a borrower)."""
    return current_app.appbuilder.sm.has_access("can_add", "LoanRequestView")


def request_form_url(room_id, starts_at, ends_at):
    """The request form filled with ``room_id`` and one session (the query
    arguments LoanRequestView.add reads); a slot running past midnight gets
    no end."""
    start, end = to_local(starts_at), to_local(ends_at)
    return url_for("LoanRequestView.add", room=room_id, date=start.date().isoformat(),
                   start=format_clock(starts_at, "en"),
                   end=format_clock(ends_at, "en") if end.date() == start.date() else "")


class AvailabilityView(BaseView):
    """Busy blocks and free slots of a room, per day, for every signed-in role."""

    route_base = "/availability"
    default_view = "index"
    template = "availability/index.html"
    title = _l("Room availability")

    @expose("/")
    @has_access
    def index(self):
        user, now = g.user, utcnow()
        staff = is_staff(user)
        today = to_local(now).date()
        rooms = availability.visible_rooms(staff)
        errors = []
        room = _chosen_room(request.args.get("room"), rooms, errors)
        try:
            first, last = availability.parse_period(
                request.args.get("start"), request.args.get("end"), today)
        except availability.PeriodError as error:
            errors.append(str(error))
            first = last = None
        days, navigation = [], {}
        settings = ScheduleSettings.current()
        if room is not None and not errors:
            link = can_request() and room.is_active
            days = [
                _day_view(day, user, staff, settings, room.id if link else None)
                for day in availability.room_availability(
                    room, first, last, now, include_pending=True, settings=settings)
            ]
            navigation = _navigation(room, first, last)
        page = self.render_template(
            self.template,
            title=self.title,
            rooms=rooms,
            room=room,
            start_arg=(request.args.get("start", "")[:40] if errors
                       else first.isoformat()),
            end_arg=(request.args.get("end", "")[:40] if errors else last.isoformat()),
            errors=errors,
            days=days,
            navigation=navigation,
            staff=staff,
            office_hours=format_time_range(
                from_local(datetime.combine(today, settings.office_start)),
                from_local(datetime.combine(today, settings.office_end))),
            min_notice_days=settings.min_notice.days,
            max_days=availability.MAX_RANGE_DAYS,
        )
        return page, 400 if errors else 200


def _chosen_room(value, rooms, errors):
    if not rooms:
        errors.append(gettext("There is no room to show yet."))
        return None
    if value in (None, ""):
        return rooms[0]
    value = value.strip()
    room = None
    if value.isdigit() and len(value) <= 10:
        room = next((r for r in rooms if r.id == int(value)), None)
    if room is None:
        errors.append(gettext("Choose a room from the list."))
    return room


def _navigation(room, first, last):
    length = last - first + timedelta(days=1)
    return {
        "previous": url_for("AvailabilityView.index", room=room.id,
                            start=(first - length).isoformat(),
                            end=(first - timedelta(days=1)).isoformat()),
        "next": url_for("AvailabilityView.index", room=room.id,
                        start=(last + timedelta(days=1)).isoformat(),
                        end=(last + length).isoformat()),
    }


def _clipped(start, end, day_start, day_end):
    start, end = max(start, day_start), min(end, day_end)
    return format_time_range(start, end) if end > start else None


def _day_view(entry, user, staff, settings, request_room_id=None):
    """One day's rows; with ``request_room_id`` each free slot that may be
    requested links to the request form filled with it."""
    day_start = availability.midnight(entry.day)
    day_end = day_start + timedelta(days=1)
    return {
        "label": format_date(entry.day),
        "office_day": entry.office_day,
        "closed": entry.closed,
        "busy": [
            {
                "time": _clipped(block.starts_at, block.ends_at, day_start, day_end),
                "preparation": _clipped(block.ends_at, block.blocked_until,
                                        day_start, day_end),
                "pending": block.pending,
                **_who(block, user, staff),
            }
            for block in entry.busy
            if availability.shown_to(block, user.id, staff)
        ],
        "free": [
            {"time": format_time_range(slot.starts_at, slot.ends_at),
             "refused": _refusal(slot.refused, settings),
             "url": (request_form_url(request_room_id, slot.starts_at, slot.ends_at)
                     if request_room_id is not None and slot.requestable else None)}
            for slot in entry.free
        ],
    }


def _refusal(reason, settings):
    if reason == availability.TOO_SOON:
        return gettext("less than %(days)d days ahead: too late to request",
                       days=settings.min_notice.days)
    if reason == availability.TOO_FAR:
        return gettext("more than %(days)d days ahead: too early to request",
                       days=settings.max_horizon.days)
    return None


def _who(block, user, staff):
    """What ``user`` may read of the request behind a busy block."""
    loan = block.loan
    if staff:
        return {
            "label": loan.registration_number,
            "url": url_for("LoanRequestView.show", pk=loan.id),
            "details": [loan.institution, loan.title, loan.status_label],
        }
    if loan.borrower_id == user.id:
        return {
            "label": loan.title,
            "url": url_for("LoanRequestView.show", pk=loan.id),
            "details": [gettext("Your request"), loan.registration_number,
                        loan.status_label],
        }
    # Another borrower's booking: its time only, nothing that tells whose.
    return {"label": None, "url": None, "details": []}


# ---------------------------------------------------------------- request page

def clash_panel(loan, user, now=None, closed=None, allowed=None):
    """What the staff see on a request's page about its schedule, or None.

    The other requests it clashes with (occupying bookings, which block
    confirming it, and pending requests, the earlier one having priority),
    and, when it is disposed and its slot is taken, the nearest free
    alternatives the Kasi may propose with one click. ``closed`` and
    ``allowed`` are the page's own when it has them: its
    :class:`rules.ClosedDays` and the steps ``user`` may take now.
    """
    if not is_staff(user) or loan.is_final:
        return None
    now = now or utcnow()
    clashes = availability.request_clashes(loan, now)
    occupying = [c for c in clashes if c.occupying]
    pending = [c for c in clashes if not c.occupying]
    suggestions = []
    if loan.status == LoanStatus.DISPOSED and occupying:
        suggestions = availability.suggest_slots(
            loan.room, availability.loan_slots(loan), now, exclude_loan_id=loan.id,
            closed=closed)
    if allowed is None:
        allowed = workflow.allowed_actions(loan, user, now)
    return {
        "occupying": [_clash_row(c) for c in occupying],
        "pending": [_clash_row(c) for c in pending],
        "first_in_line": bool(pending) and availability.has_priority_over_all(
            loan, clashes),
        "taken": bool(occupying),
        "disposed": loan.status == LoanStatus.DISPOSED,
        "suggestions": [
            {"text": availability.describe_suggestion(s),
             "sessions": [(start.isoformat(), end.isoformat()) for start, end in s]}
            for s in suggestions
        ],
        "can_propose": "propose_reschedule" in allowed,
        "search_days": availability.SUGGEST_DAYS,
    }


def _clash_row(clash):
    loan = clash.loan
    return {
        "number": loan.registration_number,
        "url": url_for("LoanRequestView.show", pk=loan.id),
        "institution": loan.institution.name,
        "title": loan.title,
        "status": loan.status_label,
        "submitted": format_datetime(loan.created_at),
        "times": [format_session(s.starts_at, s.ends_at) for s in clash.sessions],
        "priority": clash.has_priority,
    }


def proposed_sessions(form):
    """The (start, end) pairs a "propose this schedule" button posts, or None
    when they cannot be read (what they must be, the workflow says)."""
    starts, ends = form.getlist("start"), form.getlist("end")
    if len(starts) != len(ends):
        return None
    sessions = [(_aware(start), _aware(end)) for start, end in zip(starts, ends)]
    if any(start is None or end is None for start, end in sessions):
        return None
    return sessions


def _aware(text):
    try:
        value = datetime.fromisoformat(text.strip()) if len(text) <= 40 else None
    except ValueError:
        return None
    if value is None or value.tzinfo is None:
        return None
    first, last = availability.FIRST_DAY, availability.LAST_DAY
    return value if first.year <= value.year <= last.year else None
