"""The agenda page (month, week and day) and the calendar subscription.

The bookings come from :mod:`app.domain.agenda`, which decides what each user may
read; here they become cells of a month grid or blocks of a time grid. The
feed itself (``/calendar/feed/<token>.ics``) is public: its token is the
secret, and :mod:`app.domain.calendar_feed` decides what it holds.
"""
from datetime import datetime, time, timedelta

from flask import Response, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from app.documents import ical
from app.domain import agenda, calendar_feed
from app.domain.scheduling.availability import midnight, visible_rooms
from app.domain.scheduling.settings import ScheduleSettings
from app.models import Room
from app.platform.extensions import db
from app.platform.formatting import (
    format_clock,
    format_date,
    format_day,
    zone_abbreviation,
)
from app.platform.links import row_url_prefix
from app.platform.timeutil import from_local, to_local, utcnow
from app.security.scope import is_staff
from app.web.views.availability import can_request, request_form_url

FEED_NAME = _l("Pontive Center meeting room loans")


class AgendaView(BaseView):
    """The rooms' bookings by month, week or day, for every signed-in role."""

    route_base = "/agenda"
    default_view = "index"
    template = "agenda/index.html"
    title = _l("Agenda")

    @expose("/")
    @has_access
    def index(self):
        user, now = g.user, utcnow()
        staff = is_staff(user)
        today = to_local(now).date()
        warnings = []
        try:
            view = agenda.parse_view(request.args.get("view"))
        except agenda.AgendaError as error:
            warnings.append(str(error))
            view = agenda.MONTH
        try:
            day = agenda.parse_date(request.args.get("date"), today)
        except agenda.AgendaError as error:
            warnings.append(gettext("%(problem)s Showing today.", problem=error))
            day = today
        rooms = visible_rooms(staff)
        room = _chosen_room(request.args.get("room"), rooms, warnings)
        first, last = agenda.period(view, day)
        shown_rooms = [room] if room else rooms
        settings = ScheduleSettings.current()
        days = agenda.agenda_days(user, [r.id for r in shown_rooms], first, last, now,
                                  today, settings)
        names = {r.id: r.name for r in rooms} if len(shown_rooms) > 1 else {}
        links = _Links(view, day, room)
        free = (_free_slots(shown_rooms[0], days, now, settings)
                if view != agenda.MONTH and len(shown_rooms) == 1 else {})
        return self.render_template(
            self.template,
            title=self.title,
            heading=_heading(view, day, first, last),
            view=view,
            views=[(name, agenda.VIEW_LABELS[name], links.to(view=name))
                   for name in agenda.VIEWS],
            day_arg=day.isoformat(),
            rooms=rooms,
            room=room,
            warnings=warnings,
            navigation={
                "previous": links.step(-1), "next": links.step(+1),
                "today": links.to(date=today),
            },
            legend=[(state, agenda.STATE_LABELS[state]) for state in agenda.LEGEND
                    if not (staff and state == agenda.BUSY)],
            month=(_month(days, day, user, staff, names, links)
                   if view == agenda.MONTH else None),
            grid=(_grid(days, user, staff, names, links, settings, now, free)
                  if view != agenda.MONTH else None),
        )


class _Links:
    """URLs of the agenda that keep the view, date and room unless told."""

    def __init__(self, view, day, room):
        self.view, self.day, self.room = view, day, room

    def to(self, view=None, date=None):
        return url_for("AgendaView.index", view=view or self.view,
                       date=(date or self.day).isoformat(),
                       room=self.room.id if self.room else None)

    def step(self, direction):
        target = agenda.neighbour(self.view, self.day, direction)
        return self.to(date=target) if target else None


def _chosen_room(value, rooms, warnings):
    """The room asked for; None (all rooms) when none or not one of ``rooms``."""
    value = (value or "").strip()
    if not value:
        return None
    room = None
    if value.isdigit() and len(value) <= 10:
        room = next((r for r in rooms if r.id == int(value)), None)
    if room is None:
        warnings.append(gettext("That room is not in the list; showing all rooms."))
    return room


def _heading(view, day, first, last):
    if view == agenda.MONTH:
        return format_day(day, "LLLL y")
    if view == agenda.WEEK:
        return f"{format_day(first, 'd MMMM')} – {format_day(last, 'd MMMM y')}"
    return format_date(day)


class _Texts:
    """What the entries of a page share, worked out once per page: a month
    holds a thousand bookings, and looking up the language, translating and
    building a URL for each took most of the page's time (bench/run.py)."""

    def __init__(self):
        self.locale = str(get_locale() or "id")
        self.time_range = gettext("%(start)s–%(end)s %(zone)s")
        self.busy = gettext("Busy")
        self.own = gettext("Your request")
        self.labels = {state: str(label) for state, label in agenda.STATE_LABELS.items()}
        self.show_prefix = row_url_prefix("LoanRequestView.show")


def _entry(booking, user, staff, names, texts):
    """What ``user`` reads of one booking (nothing of another borrower's)."""
    loan = booking.loan
    start = format_clock(booking.starts_at, texts.locale)
    end = format_clock(booking.ends_at, texts.locale)
    entry = {
        "state": booking.state,
        "state_label": texts.labels[booking.state],
        "start": start,
        "hours": f"{start}–{end}",
        "time": texts.time_range % {"start": start, "end": end,
                                    "zone": zone_abbreviation(booking.ends_at)},
        "room": names.get(booking.room_id),
        "title": texts.busy,
        "url": None,
        "details": [],
    }
    if loan is not None:
        own = not staff and loan.borrower_id == user.id
        entry.update(
            title=loan.title,
            url=f"{texts.show_prefix}{loan.id}",
            details=([texts.own, loan.registration_number] if own
                     else [loan.registration_number, loan.institution]),
        )
    parts = [entry["time"], entry["title"], *entry["details"], entry["state_label"],
             entry["room"]]
    entry["tooltip"] = " · ".join(dict.fromkeys(p for p in parts if p))
    return entry


def _day_head(entry, links):
    return {
        "date": entry.day,
        "number": entry.day.day,
        "weekday": format_day(entry.day, "EEE"),
        "label": format_date(entry.day),
        "today": entry.today,
        "office_day": entry.office_day,
        "closed": entry.closed,
        "url": links.to(view=agenda.DAY, date=entry.day),
    }


def _month(days, day, user, staff, names, links):
    texts = _Texts()
    cells = [
        {**_day_head(entry, links), "in_month": entry.day.month == day.month,
         "bookings": [_entry(b, user, staff, names, texts) for b in entry.bookings]}
        for entry in days
    ]
    return {
        "weekdays": [c["weekday"] for c in cells[:7]],
        "weeks": [cells[i:i + 7] for i in range(0, len(cells), 7)],
    }


def _free_slots(room, days, now, settings):
    """{day: [(start, end, url)]} of the free times a borrower may request in
    ``room``, each opening the request form filled with it; {} for others."""
    if not room.is_active or not can_request():
        return {}
    return {day: [(slot.starts_at, slot.ends_at,
                   request_form_url(room.id, slot.starts_at, slot.ends_at))
                  for slot in slots]
            for day, slots in agenda.free_times(room, days, now, settings).items()}


def _grid(days, user, staff, names, links, settings, now, free):
    """Columns of days on a time axis from the office's opening to its closing
    hour, widened to any booking outside them; ``free`` ({day: [(start, end,
    url)]}) are drawn as links to the request form."""
    first_hour, last_hour = settings.office_start.hour, -(-_minutes(
        settings.office_end) // 60)
    for entry in days:
        day_start = midnight(entry.day)
        for booking in entry.bookings:
            start = max(booking.starts_at, day_start)
            end = min(booking.ends_at, day_start + timedelta(days=1))
            first_hour = min(first_hour, int((start - day_start).total_seconds() // 3600))
            last_hour = max(last_hour, -(-int((end - day_start).total_seconds()) // 3600))
    span = (last_hour - first_hour) * 3600
    texts = _Texts()
    columns = []
    for entry in days:
        axis_start = from_local(datetime.combine(entry.day, time(first_hour)))
        day_end = midnight(entry.day + timedelta(days=1))
        blocks = []
        for booking, lane, lanes in agenda.lanes(entry.bookings):
            start = max(booking.starts_at, axis_start)
            end = min(booking.ends_at, day_end)
            blocks.append({
                **_entry(booking, user, staff, names, texts),
                "top": _percent((start - axis_start).total_seconds(), span),
                "height": _percent((end - start).total_seconds(), span),
                "left": _percent(lane, lanes),
                "width": _percent(1, lanes),
            })
        axis_end = axis_start + timedelta(seconds=span)
        free_blocks = [{
            "hours": f"{format_clock(start, texts.locale)}–{format_clock(end, texts.locale)}",
            "url": url,
            "top": _percent((start - axis_start).total_seconds(), span),
            "height": _percent((end - start).total_seconds(), span),
        } for start, end, url in free.get(entry.day, ())]
        columns.append({
            **_day_head(entry, links), "blocks": blocks, "free": free_blocks,
            "now": (_percent((now - axis_start).total_seconds(), span)
                    if axis_start <= now < axis_end else None),
        })
    first_midnight = midnight(days[0].day)
    return {
        "hours": [format_clock(first_midnight + timedelta(hours=h))
                  for h in range(first_hour, last_hour)],
        "columns": columns,
    }


def _minutes(clock):
    return clock.hour * 60 + clock.minute


def _percent(part, whole):
    return round(100 * part / whole, 3) if whole else 0


# ---------------------------------------------------------------- calendar files

def ics_response(body, filename, attachment=True):
    """An iCalendar file (never cached: app/platform/headers.py)."""
    disposition = "attachment" if attachment else "inline"
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'{disposition}; filename="{filename}"',
    })


def loan_calendar_file(loan):
    """The sessions of a confirmed request as a calendar file; None before."""
    if not ical.request_file_ready(loan):
        return None
    body = ical.calendar_bytes(agenda.loan_bookings(loan), {loan.room_id: loan.room},
                               loan.title, utcnow())
    number = loan.registration_number.replace("/", "-")
    return ics_response(body, f"peminjaman-{number}.ics")


class CalendarFeedView(BaseView):
    """The user's private calendar address, and the feed it opens."""

    route_base = "/calendar"
    default_view = "index"
    template = "agenda/calendar_feed.html"
    title = _l("Calendar subscription")

    @expose("/")
    @has_access
    def index(self):
        return self._page()

    @expose("/renew", methods=["POST"])
    @has_access
    @permission_name("index")  # each user manages their own feed
    def renew(self):
        token = calendar_feed.renew(g.user)
        db.session.commit()
        # The address is shown this once (no page is stored: app/platform/headers.py).
        return self._page(feed_url=url_for(".feed", token=token, _external=True))

    @expose("/revoke", methods=["POST"])
    @has_access
    @permission_name("index")
    def revoke(self):
        if calendar_feed.revoke(g.user):
            flash(gettext("Your calendar address no longer works. Calendars "
                          "subscribed to it stop updating."), "success")
        db.session.commit()
        return redirect(url_for(".index"))

    @expose("/feed/<string:token>.ics")
    def feed(self, token):
        """Public: the token is the secret. Anything else is a bare 404."""
        user = calendar_feed.owner_of(token)
        if user is None:
            return Response("404 Not Found\n", status=404, mimetype="text/plain")
        now = utcnow()
        rooms = {room.id: room for room in db.session.query(Room)}
        body = ical.calendar_bytes(calendar_feed.feed_bookings(user, now), rooms,
                                   FEED_NAME, now)
        return ics_response(body, "pontive.ics", attachment=False)

    def _page(self, feed_url=None):
        user = g.user
        return self.render_template(
            self.template,
            title=self.title,
            feed=calendar_feed.active_feed(user),
            feed_url=feed_url,
            webcal_url=(feed_url.replace("https://", "webcal://", 1)
                        .replace("http://", "webcal://", 1) if feed_url else None),
            staff=is_staff(user),
            past_days=calendar_feed.PAST.days,
        )
