"""Every form of the panel answers bad input in Indonesian.

Each form is sent with wrong values by someone who may use it, in the default
language (Indonesian). The messages the page then shows (field errors and
flashed refusals) must be there, and none may be English: none is one of
WTForms' own messages (its English catalogue) or one of the app's and
Flask-AppBuilder's msgids whose Indonesian differs.
"""
import html
import os
import re
import time as clock
from datetime import datetime, time, timedelta

import pytest
import wtforms
from babel.messages.pofile import read_po
from helpers import free_office_day, login, office_day, submit_loan, take, user

from app import PROJECT_DIR
from app.domain import equipment_care
from app.models import Equipment, Room
from app.platform.extensions import db
from app.platform.timeutil import from_local
from app.security import registration_guard

pytestmark = pytest.mark.date_sensitive

CATALOG = os.path.join(PROJECT_DIR, "translations", "id", "LC_MESSAGES", "messages.po")
WTFORMS_CATALOG = os.path.join(os.path.dirname(wtforms.__file__), "locale",
                               "wtforms.pot")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _pattern(msgid):
    parts = PLACEHOLDER.split(msgid)
    # split keeps the group: every other item is a placeholder's name
    text = "".join(re.escape(part.replace("%%", "%")) if index % 2 == 0 else ".+?"
                   for index, part in enumerate(p for p in parts if p is not None))
    return re.compile(text)


def _msgids(path, differing_only):
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string if isinstance(message.string, str) else (
            message.string[0] if message.string else "")
        if msgid and (not differing_only or string.strip() != msgid.strip()):
            yield msgid


WTFORMS_ENGLISH = [_pattern(m) for m in _msgids(WTFORMS_CATALOG, False)]
APP_ENGLISH = [_pattern(m) for m in _msgids(CATALOG, True)
               if len(m) > 3]  # "OK", "Ya": the same words in both


def test_the_catalogues_are_read():
    assert len(WTFORMS_ENGLISH) > 30
    assert any(p.fullmatch("Number must be between 1 and 100000.")
               for p in WTFORMS_ENGLISH)
    assert any(p.fullmatch("Passwords must match") for p in APP_ENGLISH)


def shown_messages(response):
    """The field errors and flashed refusals a page shows, as text."""
    page = response.get_data(as_text=True)
    found = re.findall(r'<div class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', page,
                       flags=re.S)
    found += re.findall(r'<span class="help-(?:block pontive-field-error|inline)">'
                        r'(.*?)</span>', page, flags=re.S)
    texts = (html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m))).strip()
             for m in found)
    return [t.strip("×[] ") for t in texts if t.strip("×[] ")]


def english_in(messages):
    return [m for m in messages
            if any(p.search(m) for p in WTFORMS_ENGLISH)
            or any(p.fullmatch(m) for p in APP_ENGLISH)]


# ---------------------------------------------------------------- the forms


def _local(day, hour):
    return f"{day.isoformat()}T{hour:02d}:00"


def _past_prepared(days_back=6, title="Rapat lalu (formulir)", hour=9):
    """A request whose session was a few office days ago, prepared."""
    day = free_office_day(-days_back, start=(hour, 0), end=(hour + 3, 0))
    start = from_local(datetime.combine(day, time(hour)))
    submitted = start - timedelta(days=10)
    loan = submit_loan("peminjam1", title=title, now=submitted,
                       sessions=[(start, start + timedelta(hours=3))])
    moment = submitted
    for action in ("dispose", "confirm", "schedule"):
        moment += timedelta(minutes=10)
        take(loan, action, now=moment)
    take(loan, "prepare", now=start - timedelta(minutes=20))
    db.session.commit()
    return loan


@pytest.fixture(scope="module")
def rows(module_app):
    submitted = submit_loan("peminjam1", title="Formulir diajukan", days_ahead=30)
    disposed = submit_loan("peminjam1", title="Formulir disposisi", days_ahead=31)
    take(disposed, "dispose")
    proposed = submit_loan("peminjam1", title="Formulir usulan", days_ahead=32)
    take(proposed, "dispose")
    day = office_day(33)
    take(proposed, "propose_reschedule", sessions=[(
        from_local(datetime.combine(day, time(13))),
        from_local(datetime.combine(day, time(15))))])
    db.session.commit()
    room = db.session.query(Room).order_by(Room.id).first()
    item = Equipment(room_id=room.id, name="Mikrofon (formulir)", quantity=1)
    db.session.add(item)
    db.session.flush()
    report = equipment_care.report_damage(item, user("adminpc"), "Tidak menyala.")
    db.session.commit()
    completed = _past_prepared(days_back=12, title="Rapat selesai (formulir)", hour=13)
    take(completed, "complete", actual_participants=12)
    db.session.commit()
    return {"submitted": submitted.id, "disposed": disposed.id, "proposed": proposed.id,
            "prepared": _past_prepared(), "completed": completed.id, "room": room.id,
            "report": report.id, "user": user("peminjam2").id}


BAD_ACCOUNT = {
    "first_name": "", "last_name": "x" * 300, "position": "", "phone": "abc",
    "email": "bukan-email", "institution": "zzz", "new_institution_name": "",
    "new_institution_kind": "zzz", "username": "a b", "password": "a",
    "password_repeat": "b",
}
BAD_SESSIONS = {"sessions-start": ["kemarin"], "sessions-end": ["2026-02-30T25:00"]}


def _complete(rows):
    loan = rows["prepared"]
    return {"actual_participants": "0",
            **{f"item_{item.id}": "zzz" for item in loan.room.equipment}}


# name: (username or None, url given the rows, data given the rows)
FORMS = {
    "loan add": ("peminjam1", lambda r: "/loans/add", lambda r: {
        "kind": "zzz", "room": "abc", "title": "", "participants": "abc",
        "letter_date": "kemarin", "no_buffet_pledge": "", **BAD_SESSIONS}),
    "loan edit": ("peminjam1", lambda r: f"/loans/edit/{r['submitted']}", lambda r: {
        "title": "", "participants": "abc", "letter_date": "kemarin"}),
    "step dispose": ("kabid", lambda r: f"/loans/step/dispose/{r['submitted']}",
                     lambda r: {"instruction": "zzz", "nature": "zzz"}),
    "step confirm": ("kasi", lambda r: f"/loans/step/confirm/{r['disposed']}",
                     lambda r: {"pledge_checked": ""}),
    "step propose": ("kasi",
                     lambda r: f"/loans/step/propose_reschedule/{r['disposed']}",
                     lambda r: BAD_SESSIONS),
    "step reject": ("kasi", lambda r: f"/loans/step/reject/{r['disposed']}",
                    lambda r: {"reason": ""}),
    "step cancel": ("kasi", lambda r: f"/loans/step/cancel/{r['proposed']}",
                    lambda r: {"reason": ""}),
    "step complete": ("adminpc", lambda r: f"/loans/step/complete/{r['prepared'].id}",
                      _complete),
    "damage add": ("adminpc", lambda r: "/damage/add",
                   lambda r: {"equipment": "abc", "description": ""}),
    "damage step": ("adminpc", lambda r: f"/damage/step/{r['report']}",
                    lambda r: {"status": "zzz", "note": ""}),
    "annual narratives": ("kabid", lambda r: "/reports/annual/narratives?year=2001",
                          lambda r: {"kendala": "x" * 100_000}),
    "registration": (None, lambda r: "/register/", lambda r: {
        **BAD_ACCOUNT, "website": "",
        "form_stamp": registration_guard.form_stamp(clock.time() - 10)}),
    "borrower account add": ("kasi", lambda r: "/borrower-accounts/add",
                             lambda r: BAD_ACCOUNT),
    "room add": ("admin", lambda r: "/rooms/add", lambda r: {
        "name": "", "capacity": "abc", "prep_buffer_minutes": "-5"}),
    "room edit": ("admin", lambda r: f"/rooms/edit/{r['room']}", lambda r: {
        "name": "Ruang", "capacity": "0", "prep_buffer_minutes": "99999"}),
    "equipment add": ("admin", lambda r: "/equipment/add", lambda r: {
        "room": "abc", "name": "", "quantity": "0"}),
    "institution add": ("admin", lambda r: "/institutions/add", lambda r: {
        "name": "", "kind": "zzz"}),
    "closed date add": ("kasi", lambda r: "/closed-dates/add", lambda r: {
        "day": "kemarin", "reason": ""}),
    "user add": ("admin", lambda r: "/users/add", lambda r: {
        "first_name": "", "last_name": "", "username": "", "email": "",
        "roles": "abc", "password": "a", "conf_password": "b"}),
    "user edit": ("admin", lambda r: f"/users/edit/{r['user']}", lambda r: {
        "first_name": "", "last_name": "", "username": "", "email": ""}),
    "role add": ("admin", lambda r: "/roles/add", lambda r: {"name": ""}),
    "reset a password": ("admin", lambda r: f"/resetpassword/form?pk={r['user']}",
                         lambda r: {"password": "a", "conf_password": "b"}),
    "reset my password": ("peminjam1", lambda r: "/resetmypassword/form",
                          lambda r: {"password": "a", "conf_password": "b"}),
    "my details": ("peminjam1", lambda r: "/userinfoeditview/form",
                   lambda r: {"first_name": "", "last_name": ""}),
    "login": (None, lambda r: "/login/", lambda r: {"username": "", "password": ""}),
    "complaint": ("peminjam1", lambda r: "/complaints/add", lambda r: {
        "kind": "zzz", "topic": "zzz", "subject": "", "description": "",
        "loan_id": "abc"}),
    "survey": ("peminjam1", lambda r: f"/survey/answer/{r['completed']}",
               lambda r: {"suggestion": "x" * 100_000}),
}


@pytest.mark.parametrize("name", FORMS)
def test_bad_input_is_answered_in_indonesian(module_app, rows, name):
    username, url, data = FORMS[name]
    client = (login(module_app.test_client(), username) if username
              else module_app.test_client())
    response = client.post(url(rows), data=data(rows),
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code in (200, 400), response.status_code
    messages = shown_messages(response)
    assert messages, f"{name}: no message at all"
    assert not english_in(messages), english_in(messages)
