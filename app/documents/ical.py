"""Bookings as iCalendar (RFC 5545): the private feeds and a request's .ics file.

Times carry the office's zone (TZID=Asia/Pontianak, with its VTIMEZONE), each
session is one event whose UID stays the same for its life, so a subscribed
calendar updates it in place. Texts are in the panel's default language
(Indonesian), whatever language asked for them.
"""
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from icalendar import Calendar, Event, vDuration

from app.domain import agenda
from app.models import LoanStatus
from app.platform.timeutil import to_local

PRODID = "-//Pemerintah Kota Pontianak//Peminjaman Ruang Rapat Pontive Center//ID"
REFRESH = timedelta(hours=1)  # how often a subscribed calendar should look again
STATUS = {agenda.PENDING: "TENTATIVE", agenda.PROPOSED: "TENTATIVE",
          agenda.CANCELLED: "CANCELLED"}


def request_file_ready(loan):
    """Whether a request's own calendar file is offered: once it is confirmed,
    while it holds the room."""
    return loan.status in LoanStatus.OCCUPYING


def session_uid(session_id):
    return f"session-{session_id}@pontive"


def calendar_bytes(bookings, rooms, name, now):
    """The iCalendar text of ``bookings`` (:class:`app.domain.agenda.Booking` with
    their request); ``rooms`` maps room ids to rooms."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "id")):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", str(name))
        calendar.add("x-wr-timezone", to_local(now).tzinfo.key)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
        for booking in bookings:
            calendar.add_component(_event(booking, rooms.get(booking.room_id), now))
        if bookings:
            calendar.add_missing_timezones(
                first_date=to_local(min(b.starts_at for b in bookings)).date()
                - timedelta(days=1),
                last_date=to_local(max(b.ends_at for b in bookings)).date()
                + timedelta(days=1))
        return calendar.to_ical()


def _event(booking, room, now):
    loan = booking.loan
    event = Event()
    event.add("uid", session_uid(booking.session_id))
    event.add("dtstamp", now)
    event.add("dtstart", to_local(booking.starts_at))
    event.add("dtend", to_local(booking.ends_at))
    summary = loan.title
    if booking.state not in LoanStatus.OCCUPYING:  # waiting, proposed, or called off
        state = (loan.status_label if booking.state == agenda.CANCELLED
                 else booking.state_label)
        summary = gettext("%(title)s (%(state)s)", title=loan.title, state=state)
    event.add("summary", summary)
    if room is not None:
        event.add("location", room.name)
    event.add("description", _description(booking))
    event.add("status", STATUS.get(booking.state, "CONFIRMED"))
    event.add("url", url_for("LoanRequestView.show", pk=loan.id, _external=True))
    event.add("created", loan.created_at)
    event.add("last-modified", loan.updated_at)
    return event


def _description(booking):
    loan = booking.loan
    lines = [
        (gettext("Registration number"), loan.registration_number),
        (gettext("Institution"), loan.institution),
        (gettext("Status"), loan.status_label),
        (gettext("Participants"), loan.participants),
        (gettext("Contact person"), f"{loan.contact_name} ({loan.contact_phone})"),
    ]
    text = "\n".join(f"{label}: {value}" for label, value in lines)
    return text + "\n\n" + gettext("Details: %(url)s", url=url_for(
        "LoanRequestView.show", pk=loan.id, _external=True))
