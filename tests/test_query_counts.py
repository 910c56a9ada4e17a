"""Every main page runs a constant number of SQL statements, at most ten,
whatever the number of rows it shows or could show.

The pages are counted twice for each role: with a few rows of everything,
then again after many more requests (with several sessions and a long
history each), rooms, equipment, institutions, unavailable dates, borrower
accounts and damage reports were added. The two counts must be equal and
no more than MAX_QUERIES.
"""
from datetime import date, datetime, time, timedelta

import pytest
from flask import current_app
from helpers import (
    PASSWORD,
    Statements,
    login,
    national_holidays,
    office_day,
    submit_loan,
    take,
    user,
)

from app.domain import equipment_care
from app.models import (
    BorrowerProfile,
    ClosedDate,
    Equipment,
    Institution,
    InstitutionKind,
    Room,
)
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local, utcnow
from app.security.roles import PEMINJAM

MAX_QUERIES = 10

STAFF = ("admin", "kabid", "kasi", "adminpc")
EVERYONE = STAFF + ("peminjam1",)
SOP_PEOPLE = ("kabid", "kasi", "adminpc", "peminjam1")
ANONYMOUS = "anonymous"


# ------------------------------------------------------------------ the data

def _local(day, hour, minute=0):
    return from_local(datetime.combine(day, time(hour, minute)))


class Slots:
    """Distinct future office-hour slots, so that no two sessions clash."""

    HOURS = ((8, 9), (10, 11), (13, 14))

    def __init__(self, first_days_ahead):
        self.day = office_day(first_days_ahead)
        self.hour = 0

    def next_day(self):
        """Go on from the next day (the first free slot of a state's rows)."""
        if self.hour:
            self.hour = 0
            self.day = office_day((self.day - to_local(utcnow()).date()).days + 1)
        return self.day

    def take(self, count=1):
        sessions = []
        for _ in range(count):
            start, end = self.HOURS[self.hour]
            sessions.append((_local(self.day, start), _local(self.day, end)))
            self.hour += 1
            if self.hour == len(self.HOURS):
                self.hour = 0
                self.day = office_day((self.day - to_local(utcnow()).date()).days + 1)
        return sessions


def _loan(username, slots, steps=(), sessions=1, title="Rapat"):
    loan = submit_loan(username, title=title, sessions=slots.take(sessions))
    for action in steps:
        take(loan, action)
    db.session.commit()
    return loan


_used_past_days = set()


def _past_office_day(days_back):
    """An office day at least ``days_back`` days ago, not used before."""
    day = to_local(utcnow()).date() - timedelta(days=days_back)
    holidays = national_holidays(day - timedelta(days=60), day)
    while day.weekday() > 4 or day in holidays or day in _used_past_days:
        day -= timedelta(days=1)
    _used_past_days.add(day)
    return day


def _past_prepared_loan(username, days_back, sessions=1):
    """A request whose sessions have passed, prepared: ready to be completed."""
    day = _past_office_day(days_back)
    times = [(_local(day, 8 + 2 * i), _local(day, 9 + 2 * i)) for i in range(sessions)]
    submitted = times[0][0] - timedelta(days=14)
    loan = submit_loan(username, title="Rapat lalu", sessions=times, now=submitted)
    moment = submitted
    for action in ("dispose", "confirm", "schedule"):
        moment += timedelta(minutes=10)
        take(loan, action, now=moment)
    take(loan, "prepare", now=times[0][0] - timedelta(minutes=30))
    db.session.commit()
    return loan


def _targets(slots, sessions, days_back):
    """Requests in each state whose step forms and pages are counted."""
    return {
        "show": _loan("peminjam1", slots, ("dispose", "confirm", "schedule"),
                      sessions=sessions),
        "submitted": _loan("peminjam1", slots, sessions=sessions),
        "disposed": _loan("peminjam1", slots, ("dispose",), sessions=sessions),
        "confirmed": _loan("peminjam1", slots, ("dispose", "confirm"),
                           sessions=sessions),
        "proposed": _propose(_loan("peminjam1", slots, ("dispose",),
                                   sessions=sessions), slots, sessions),
        "prepared": _past_prepared_loan("peminjam1", days_back, sessions=sessions),
        "waiting": _waiting_behind(slots, sessions),
    }


def _waiting_behind(slots, sessions):
    """A request waiting for the Kasi whose time another request has since
    been confirmed for: its page lists the clash and looks for free times."""
    times = slots.take(sessions)
    loan = _loan_at("peminjam1", times, ("dispose",), "Rapat menunggu")
    _loan_at("peminjam2", times, ("dispose", "confirm"), "Rapat lebih dulu")
    return loan


def _loan_at(username, times, steps, title):
    loan = submit_loan(username, title=title, sessions=times)
    for action in steps:
        take(loan, action)
    db.session.commit()
    return loan


def _propose(loan, slots, sessions):
    take(loan, "propose_reschedule", sessions=slots.take(sessions))
    db.session.commit()
    return loan


def _damage(room, count, reporter="adminpc"):
    items = (db.session.query(Equipment).filter_by(room_id=room.id)
             .order_by(Equipment.id).all())
    for item in items[:count]:
        equipment_care.report_damage(item, user(reporter), "Tidak menyala")
    db.session.commit()


def _this_week(rooms, number):
    """A confirmed booking in each of ``rooms`` in the coming days (what the
    dashboards list), booked a month ago (notice)."""
    day = office_day(2)
    for room in rooms:
        sessions = [(_local(day, 8 + 2 * number), _local(day, 9 + 2 * number))]
        loan = submit_loan("peminjam2", title=f"Minggu ini {room.name}", room=room,
                           sessions=sessions, now=utcnow() - timedelta(days=30))
        take(loan, "dispose")
        take(loan, "confirm")
    db.session.commit()


def _few(app, slots):
    room = db.session.query(Room).order_by(Room.id).first()
    _damage(room, 1)
    _this_week([room], 0)
    busy = slots.next_day()
    return {"room": room.id, "busy": busy,
            **{k: v.id for k, v in _targets(slots, 1, 20).items()}}


def _many(app, slots):
    """Many more rows of everything a page lists."""
    room = db.session.query(Room).order_by(Room.id).first()
    for number in range(30):
        db.session.add(Equipment(name=f"Perangkat {number}", room_id=room.id))
        db.session.add(Institution(name=f"Instansi {number}",
                                   kind=InstitutionKind.OPD))
        db.session.add(ClosedDate(day=date(2030, 1, 1) + timedelta(days=number),
                                  reason=f"Kegiatan kota {number}"))
    extra_rooms = [Room(name=f"Ruang Tambahan {number}", capacity=20)
                   for number in range(5)]
    db.session.add_all(extra_rooms)
    db.session.commit()
    _this_week(extra_rooms, 1)
    institution = db.session.query(Institution).order_by(Institution.id).first()
    sm = current_app.appbuilder.sm
    for number in range(30):
        account = sm.add_user(
            username=f"peminjam_banyak{number}", first_name="Peminjam",
            last_name=str(number), email=f"banyak{number}@example.id",
            role=sm.find_role(PEMINJAM), password=PASSWORD)
        db.session.add(BorrowerProfile(user_id=account.id,
                                       institution_id=institution.id,
                                       position="Staf", phone="0561-000000"))
    db.session.commit()
    _damage(room, 20)

    busy = slots.next_day()
    steps = ((), ("dispose",), ("dispose", "confirm"),
             ("dispose", "confirm", "schedule"), ("reject",), ("cancel",))
    for number in range(60):
        username = "peminjam1" if number % 5 else "peminjam2"
        _loan(username, slots, steps[number % len(steps)], sessions=2,
              title=f"Kegiatan {number}")
    # More requests waiting for the Kabid than a page of Tugas Saya shows.
    for number in range(30):
        _loan("peminjam1", slots, title=f"Antre {number}")
    for number in range(10):
        _past_prepared_loan("peminjam2", 30 + number, sessions=2)
    return {"room": room.id, "busy": busy,
            **{k: v.id for k, v in _targets(slots, 4, 10).items()}}


# ------------------------------------------------------------------ the pages

def _list(path, view, size=25, page=0):
    return f"{path}?psize_{view}={size}&page_{view}={page}"


# name: (usernames, url of the page given the state's targets and its name)
PAGES = {
    "dashboard": (EVERYONE, lambda t, s: "/"),
    "loans p1 25": (EVERYONE, lambda t, s: _list("/loans/list/", "LoanRequestView")),
    "loans p1 100": (EVERYONE, lambda t, s: _list("/loans/list/", "LoanRequestView",
                                                  100)),
    "loans deep": (EVERYONE, lambda t, s: _list("/loans/list/", "LoanRequestView",
                                                25, 2 if s == "many" else 0)),
    "loan show": (EVERYONE, lambda t, s: f"/loans/show/{t['show']}"),
    "loan show waiting": (EVERYONE, lambda t, s: f"/loans/show/{t['waiting']}"),
    "step dispose": (("kabid",), lambda t, s: f"/loans/step/dispose/{t['submitted']}"),
    "step reject": (("kabid", "kasi"),
                    lambda t, s: f"/loans/step/reject/{t['disposed']}"),
    "step confirm": (("kasi",), lambda t, s: f"/loans/step/confirm/{t['disposed']}"),
    "step propose": (("kasi",),
                     lambda t, s: f"/loans/step/propose_reschedule/{t['disposed']}"),
    "step schedule": (("adminpc",),
                      lambda t, s: f"/loans/step/schedule/{t['confirmed']}"),
    "step complete": (("adminpc",),
                      lambda t, s: f"/loans/step/complete/{t['prepared']}"),
    "step cancel": (("kasi", "peminjam1"),
                    lambda t, s: f"/loans/step/cancel/{t['confirmed']}"),
    "step accept": (("peminjam1",),
                    lambda t, s: f"/loans/step/accept_reschedule/{t['proposed']}"),
    "step decline": (("peminjam1",),
                     lambda t, s: f"/loans/step/decline_reschedule/{t['proposed']}"),
    "tasks": (SOP_PEOPLE, lambda t, s: "/tasks/"),
    "agenda month": (EVERYONE, lambda t, s: f"/agenda/?view=month&date={t['busy']}"),
    "agenda week": (EVERYONE, lambda t, s: f"/agenda/?view=week&date={t['busy']}"),
    "agenda day": (EVERYONE, lambda t, s: f"/agenda/?view=day&date={t['busy']}"),
    "availability": (EVERYONE, lambda t, s: f"/availability/?start={t['busy']}"),
    "damage": (STAFF, lambda t, s: "/damage/list/"),
    "register": (STAFF, lambda t, s: "/reports/loan-register/"),
    "annual report": (STAFF, lambda t, s: "/reports/annual/"),
    "calendar": (EVERYONE, lambda t, s: "/calendar/"),
    "about": (EVERYONE, lambda t, s: "/sop/"),
    "rooms": (EVERYONE, lambda t, s: "/rooms/list/"),
    "equipment": (STAFF, lambda t, s: "/equipment/list/"),
    "institutions": (STAFF, lambda t, s: "/institutions/list/"),
    "closed dates": (STAFF, lambda t, s: "/closed-dates/list/"),
    "borrower accounts": (("admin", "kasi", "adminpc"),
                          lambda t, s: "/borrower-accounts/list/"),
    "login": ((ANONYMOUS,), lambda t, s: "/login/"),
    "registration": ((ANONYMOUS,), lambda t, s: "/register/"),
}
API_PAGES = {
    "api loans": (EVERYONE, lambda t, s: "/api/v1/loans/"),
    "api loan": (EVERYONE, lambda t, s: f"/api/v1/loans/{t['show']}"),
}

CASES = [(name, username) for pages in (PAGES, API_PAGES)
         for name, (usernames, _) in pages.items() for username in usernames]


def _count(client, url, headers=None):
    with Statements() as statements:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    statements.text = response.get_data(as_text=True)  # what the page showed
    return statements


def _jwt(client, username):
    response = client.post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"})
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


def _count_all(app, targets, state):
    counts = {}
    clients = {name: login(app.test_client(), name) for name in EVERYONE}
    clients[ANONYMOUS] = app.test_client()
    api = app.test_client()
    tokens = {name: _jwt(api, name) for name in EVERYONE}
    for name, (usernames, url) in PAGES.items():
        for username in usernames:
            counts[name, username] = _count(clients[username], url(targets, state))
    for name, (usernames, url) in API_PAGES.items():
        for username in usernames:
            counts[name, username] = _count(api, url(targets, state),
                                            headers=tokens[username])
    return counts


@pytest.fixture(scope="module")
def counts(module_app):
    app = module_app
    app.config["HOLIDAYS_ENABLED"] = True
    slots = Slots(25)  # after the demo requests
    few = _count_all(app, _few(app, slots), "few")
    many = _count_all(app, _many(app, slots), "many")
    return few, many


def test_the_pages_counted_show_the_many_rows(counts):
    """The counts above are of pages full of rows, not of empty ones."""
    many = counts[1]
    assert many["loans p1 100", "kasi"].text.count("/loans/show/") >= 70
    assert many["loans p1 100", "peminjam1"].text.count("/loans/show/") >= 50
    assert many["loans deep", "kasi"].text.count("/loans/show/") >= 25
    for view in ("month", "week", "day"):
        assert "Kegiatan 1" in many[f"agenda {view}", "kasi"].text, view
    assert many["borrower accounts", "admin"].text.count("peminjam_banyak") >= 20
    assert many["damage", "kabid"].text.count("Perangkat ") >= 20
    assert many["equipment", "kabid"].text.count("Perangkat ") >= 20
    assert many["api loans", "kasi"].text.count('"registration_number"') >= 20
    assert many["tasks", "kabid"].text.count('<tr class="pontive-task ') == 25
    assert many["dashboard", "kabid"].text.count('<tr class="pontive-task ') == 5
    for number in range(5):  # the coming week's bookings, in every room
        assert f"Ruang Tambahan {number}" in many["dashboard", "adminpc"].text


@pytest.mark.parametrize("page,username", CASES)
def test_queries_are_few_and_do_not_grow_with_the_rows(counts, page, username):
    few, many = (c[page, username] for c in counts)
    assert len(few) == len(many) <= MAX_QUERIES, (len(few), len(many),
                                                  "\n".join(many))


# The request's page against the panels a user would pick instead
# (docs/performance.md): at most six statements, whatever it shows.
REQUEST_PAGE_QUERIES = 6


@pytest.mark.parametrize("page,username", [
    (page, username) for page in ("loan show", "loan show waiting")
    for username in PAGES[page][0]])
def test_a_requests_page_takes_at_most_six_statements(counts, page, username):
    few, many = (c[page, username] for c in counts)
    assert len(few) == len(many) <= REQUEST_PAGE_QUERIES, (len(few), len(many),
                                                           "\n".join(many))


def test_the_waiting_requests_page_shows_its_clash_and_free_times(counts):
    """The count of the waiting request's page is of a page that looked for
    free times (the most it reads); its borrower sees neither panel."""
    for state in counts:
        staff = state["loan show waiting", "kasi"].text
        assert "Rapat lebih dulu" in staff and "pontive-suggestion" in staff
        assert "pontive-clashes" not in state["loan show waiting", "peminjam1"].text



# ------------------------------------------------- permissions, per request

def _stored_role(app, name, grants):
    """A role kept in the database (not in FAB_ROLES) with ``grants``."""
    sm = app.appbuilder.sm
    role = sm.add_role(name)
    for permission, view in grants:
        sm.add_permission_role(role, sm.add_permission_view_menu(permission, view))
    db.session.commit()
    return role


def _revoke(app, role, permission, view):
    sm = app.appbuilder.sm
    sm.del_permission_role(role, sm.find_permission_view_menu(permission, view))
    db.session.commit()


def test_a_changed_role_holds_from_the_next_request(app, login_as):
    client = login_as("peminjam1")
    assert client.get("/damage/list/").status_code == 403
    account = user("peminjam1")
    account.roles.append(app.appbuilder.sm.find_role("Kasi PK & AI"))
    db.session.commit()
    assert client.get("/damage/list/").status_code == 200
    account.roles = [r for r in account.roles if r.name == PEMINJAM]
    db.session.commit()
    assert client.get("/damage/list/").status_code == 403


def test_a_stored_roles_permissions_are_read_once_and_change_next_request(app,
                                                                         login_as):
    role = _stored_role(app, "Pengamat Kerusakan", [
        ("can_list", "DamageReportView"), ("menu_access", "Equipment Damage"),
        ("menu_access", "Master Data")])
    account = user("peminjam1")
    account.roles.append(role)
    db.session.commit()
    client = login_as("peminjam1")
    with Statements() as statements:
        response = client.get("/damage/list/")
    assert response.status_code == 200
    assert 'href="/damage/list/"' in response.get_data(as_text=True)  # the menu
    # The role's permissions in one statement, whatever the page asks.
    assert sum("ab_permission_view" in s for s in statements) == 1, statements
    _revoke(app, role, "can_list", "DamageReportView")
    assert client.get("/damage/list/").status_code == 403


def test_the_api_reads_a_revoked_permission_on_the_next_call(app, client):
    role = _stored_role(app, "Pembaca API", [("can_get", "LoanRequestApi")])
    sm = app.appbuilder.sm
    sm.add_user(username="pembaca", first_name="Pembaca", last_name="API",
                email="pembaca@example.id", role=role, password=PASSWORD)
    db.session.commit()
    headers = _jwt(client, "pembaca")
    assert client.get("/api/v1/loans/", headers=headers).status_code == 200
    _revoke(app, role, "can_get", "LoanRequestApi")
    assert client.get("/api/v1/loans/", headers=headers).status_code == 403
