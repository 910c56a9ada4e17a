"""Helpers the tests share: logging in, finding demo data, making PDFs."""
import io
import os
import re
import socket

import sqlalchemy as sa

from app.platform.extensions import db

PASSWORD = "Pontive#2026"


def login(client, username, password=PASSWORD):
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302, f"login as {username} failed"
    return client


def api_token(client, username, password=PASSWORD):
    """Headers carrying a REST API token of ``username`` (FAB's JWT login)."""
    response = client.post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def user(username):
    from flask import current_app

    return current_app.appbuilder.sm.find_user(username=username)


# Who takes each SOP step in the tests, unless a test says otherwise.
STEP_TAKERS = {"dispose": "kabid", "confirm": "kasi", "propose_reschedule": "kasi",
               "reject": "kasi", "schedule": "adminpc", "prepare": "adminpc",
               "complete": "adminpc", "mark_no_show": "adminpc"}


def take(loan, action, username=None, now=None, **fields):
    """Take an SOP step with what a person would give (app.ops.demo.step_details);
    ``fields`` replace fields of that input. The caller commits."""
    from dataclasses import replace

    from app.domain import workflow
    from app.ops.demo import step_details

    username = username or STEP_TAKERS.get(action) or loan.borrower.username
    data = replace(step_details(action, loan), **fields)
    return workflow.apply(loan, action, user(username), data, now=now)


def loans_of(username):
    from app.models import LoanRequest

    return (db.session.query(LoanRequest)
            .filter_by(borrower_id=user(username).id)
            .order_by(LoanRequest.id).all())


def make_pdf(text="Surat permohonan"):
    from app.ops.demo import demo_letter_pdf

    return demo_letter_pdf(text, "001/TEST/2026")


def pdf_upload(data=None, name="surat.pdf"):
    return (io.BytesIO(make_pdf() if data is None else data), name)


def visible_text(response):
    """The page's text without tags, scripts and styles (what a user reads)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def national_holidays(first, last):
    """{date: Indonesian name} of holidays and cuti bersama, as the rules read them."""
    import holidays

    import config

    found = holidays.country_holidays(
        "ID", years=range(first.year, last.year + 1),
        categories=tuple(config.HOLIDAY_CATEGORIES), language="id")
    return {day: name for day, name in found.items() if first <= day <= last}


def today():
    """Today's date in office time, on the suite's clock (tests/clock.py)."""
    from app.platform.timeutil import to_local, utcnow

    return to_local(utcnow()).date()


def office_day(days_ahead):
    """An office day ``days_ahead`` days from today (local time), moved past
    weekends and national holidays (so tests pass whatever today is)."""
    from datetime import timedelta

    import config

    day = today() + timedelta(days=days_ahead)
    closed = national_holidays(day, day + timedelta(days=60))
    while day.weekday() not in config.OFFICE_DAYS or day in closed:
        day += timedelta(days=1)
    return day


def office_days(days_ahead, count):
    """``count`` different office days, the first ``days_ahead`` days from
    today (two offsets can fall on one office day after a long weekend)."""
    days = [office_day(days_ahead)]
    while len(days) < count:
        days.append(office_day((days[-1] - today()).days + 1))
    return days


def free_office_day(days_ahead, start=(9, 0), end=(12, 0), room=None):
    """The office day nearest ``days_ahead`` (looking further from today)
    whose ``start``-``end`` no request of ``room`` asks for: the demo's
    samples move with the clock and may hold any slot."""
    from datetime import datetime, time, timedelta

    import config
    from app.models import LoanSession, Room
    from app.platform.timeutil import from_local

    if room is None:
        room = db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()
    step = timedelta(days=-1 if days_ahead < 0 else 1)
    day = today() + timedelta(days=days_ahead)
    closed = national_holidays(min(day, day + 120 * step), max(day, day + 120 * step))

    def taken(day):
        return db.session.query(LoanSession).filter(
            LoanSession.room_id == room.id,
            LoanSession.starts_at < from_local(datetime.combine(day, time(*end))),
            LoanSession.blocked_until > from_local(datetime.combine(day, time(*start))),
        ).count()

    while day.weekday() not in config.OFFICE_DAYS or day in closed or taken(day):
        day += step
    return day


def submit_loan(username, title="Rapat uji", days_ahead=21, start=(9, 0), end=(12, 0),
                sessions=None, room=None, now=None, day=None):
    """A new submitted request of ``username``, stored the way the form stores it.

    ``sessions`` ((start, end) aware datetimes) replace the one session
    ``day`` (or ``days_ahead``)/``start``/``end`` describe; ``room``
    defaults to the first.
    """
    from datetime import datetime, time

    from app.domain import submission
    from app.models import Room
    from app.ops.demo import demo_letter_pdf
    from app.platform.timeutil import from_local, to_local, utcnow

    day = day or office_day(days_ahead)
    if room is None:
        room = db.session.query(Room).filter_by(is_active=True).order_by(Room.id).first()
    if sessions is None:
        sessions = [(from_local(datetime.combine(day, time(*start))),
                     from_local(datetime.combine(day, time(*end))))]
    data = submission.SubmitInput(
        kind="peminjaman", room_id=room.id, title=title, subject="Permohonan uji",
        letter_number=f"UJI/{title}", letter_date=to_local(utcnow()).date(),
        participants=10, contact_name="Kontak Uji", contact_phone="0812-1111-2222",
        no_buffet_pledge=True, sessions=sessions,
        letter_data=demo_letter_pdf(title, "UJI"), letter_name="surat.pdf",
    )
    loan = submission.submit(user(username), data, now=now)
    db.session.commit()
    return loan


def proposed_reschedule(username, title):
    """A request of ``username`` the Kabid has disposed and the Kasi has
    proposed another time for (later the same day), which notifies the
    borrower."""
    from datetime import timedelta

    loan = submit_loan(username, title=title,
                       day=free_office_day(25, start=(9, 0), end=(14, 0)))
    take(loan, "dispose")
    start = loan.sessions[0].starts_at
    take(loan, "propose_reschedule",
         sessions=((start + timedelta(hours=4), start + timedelta(hours=5)),))
    db.session.commit()
    return loan


def post_loan_form(client, data, **request_options):
    return client.post("/loans/add", data=data, content_type="multipart/form-data",
                       **request_options)


def loan_form_data(room, start, end, title="Seminar Kota Cerdas"):
    """The request form as a borrower fills it in: ``room``, one session from
    ``start`` to ``end`` (aware datetimes), every other field valid."""
    from app.platform.timeutil import to_local, utcnow

    def field(moment):
        return to_local(moment).strftime("%Y-%m-%dT%H:%M")

    return {
        "kind": "peminjaman", "room": str(room.id), "title": title, "participants": "20",
        "sessions-start": [field(start)], "sessions-end": [field(end)],
        "letter_number": "001/UNTAN/2026",
        "letter_date": to_local(utcnow()).date().isoformat(),
        "subject": "Permohonan", "letter": pdf_upload(),
        "contact_name": "Agus", "contact_phone": "0812-0000-1111", "no_buffet_pledge": "y",
    }


def stored_counts():
    """How many requests, sessions and history rows the database holds."""
    from app.models import LoanRequest, LoanSession, StatusHistory

    db.session.expire_all()
    return (db.session.query(LoanRequest).count(),
            db.session.query(LoanSession).count(),
            db.session.query(StatusHistory).count())


def field_block(html, name):
    """The form row of field ``name``: from its label to the next field's label."""
    start = html.index(f'<label for="{name}"')
    following = html.find("<label for=", start + 1)
    return html[start:following if following != -1 else len(html)]


def field_errors(html, name):
    """The inline error texts at field ``name``, as HTML (entities kept)."""
    return " ".join(
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m)).strip()
        for m in re.findall(r'<div class="alert alert-danger">(.*?)</div>',
                            field_block(html, name), flags=re.S)
    )


def with_changes(data, changes):
    """``data`` with ``changes`` applied: a value replaces, None drops the field."""
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


class Statements(list):
    """The SQL statements run while the context is open; ``parameters`` holds
    each one's parameters, in the same order."""

    def __enter__(self):
        self.parameters = []
        sa.event.listen(db.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.append(statement)
        self.parameters.append(parameters)


REDIS = ("127.0.0.1", 6379)


def shared_store_settings():
    """Settings of an app counting attempts in the Redis on 127.0.0.1:6379,
    under a key prefix of its own (other runs cannot interfere); skips the
    test when that Redis is not there (fails it in CI)."""
    import uuid

    import pytest

    try:
        with socket.create_connection(REDIS, timeout=1):
            pass
    except OSError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable on 127.0.0.1:6379 in CI")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return {"RATELIMIT_STORAGE_URI": "redis://{}:{}".format(*REDIS),
            "RATELIMIT_KEY_PREFIX": f"pontive-test-{uuid.uuid4().hex}",
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": False}


def lapsed_proposal_time(now=None):
    """When a reschedule proposal must have been made for its hold
    (RESCHEDULE_HOLD_HOURS of office time) to have lapsed an office minute
    before ``now``: a week or more back, as weekends and holidays do not count."""
    from datetime import timedelta

    from flask import current_app

    from app.domain.mutu_baku import OfficeClock
    from app.platform.timeutil import to_local, utcnow

    now = now or utcnow()
    day = to_local(now).date()
    hold = current_app.config["RESCHEDULE_HOLD_HOURS"] * 3600 + 60
    return OfficeClock(day - timedelta(days=60), day).overdue_before(hold, now)
