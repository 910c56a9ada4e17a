"""Every free text is bounded by what it is for (app/domain/text_limits.py).

The form states the limit ("Paling banyak 2.000 karakter" and a maxlength the
browser keeps), the domain refuses a longer text with that message wherever
it comes from (a form, the API per field with 422, the CLI), and nothing is
stored. A one-line text holds no line break, and no text a control
character.
"""
import re
from datetime import timedelta

import pytest
from helpers import (
    api_token,
    loans_of,
    login,
    post_loan_form,
    stored_counts,
    submit_loan,
    take,
    user,
)
from test_api_loans import request_body
from test_loan_form import DAY, form

from app.domain import equipment_care, workflow
from app.domain.refusals import InputRefused
from app.domain.text_limits import (
    CLOSED_DATE,
    DAMAGE_DESCRIPTION,
    DAMAGE_NOTE,
    EQUIPMENT,
    INSTITUTION,
    LOAN_REQUEST,
    ROOM,
    STEP,
)
from app.models import DamageReport, Equipment, LoanRequest, LoanStatus, Room
from app.platform.extensions import db


def stated(limit):
    """The limit as the Indonesian form states it (thousands with a dot)."""
    return f"Paling banyak {limit.max_chars:,} karakter".replace(",", ".")


def over(limit):
    return "x" * (limit.max_chars + 1)


def exactly(limit):
    return "x" * limit.max_chars


def control(html, name):
    """Field ``name``'s input or textarea tag, and the page after it up to
    the next field (its help text and errors)."""
    tag = re.search(rf'<(input|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    assert tag, f"no field {name}"
    rest = html[tag.end():]
    following = re.search(r"<(input|textarea|select|button)\b", rest)
    return tag.group(0), rest[:following.start() if following else None]


def assert_states(html, name, limit):
    tag, after = control(html, name)
    assert f'maxlength="{limit.max_chars}"' in tag, (name, tag)
    assert stated(limit) in after, name


def assert_refused(html, name, limit):
    """The field's error states the limit (and so does its help text)."""
    _tag, after = control(html, name)
    assert after.count(stated(limit)) == 2, (name, after)


# ---------------------------------------------------------------- the forms state them

FORMS = [
    ("peminjam1", "/loans/add", LOAN_REQUEST),
    ("admin", "/rooms/add", ROOM),
    ("admin", "/equipment/add", EQUIPMENT),
    ("admin", "/institutions/add", INSTITUTION),
    ("admin", "/closed-dates/add", CLOSED_DATE),
    ("kasi", "/damage/add", {"description": DAMAGE_DESCRIPTION}),
]


@pytest.mark.parametrize("username,path,limits", FORMS,
                         ids=[path for _user, path, _limits in FORMS])
def test_each_form_states_its_limits(module_app, username, path, limits):
    page = login(module_app.test_client(), username).get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name, limit in limits.items():
        assert_states(html, name, limit)


def test_the_edit_and_step_forms_state_theirs(app, login_as):
    loan = submit_loan("peminjam1")
    borrower = login_as("peminjam1")
    html = borrower.get(f"/loans/edit/{loan.id}").get_data(as_text=True)
    for name in ("title", "description", "contact_phone"):
        assert_states(html, name, LOAN_REQUEST[name])
    html = borrower.get(f"/loans/step/cancel/{loan.id}").get_data(as_text=True)
    assert_states(html, "reason", STEP["reason"])
    html = login_as("kabid").get(f"/loans/step/dispose/{loan.id}").get_data(as_text=True)
    assert_states(html, "note", STEP["note"])
    report = equipment_care.report_damage(
        db.session.query(Equipment).order_by(Equipment.id).first(), user("kasi"),
        "Kabel rusak.")
    db.session.commit()
    html = login_as("adminpc").get(f"/damage/show/{report.id}").get_data(as_text=True)
    assert_states(html, "note", DAMAGE_NOTE)


# ---------------------------------------------------------------- a request

def test_a_description_over_its_limit_is_refused_on_the_form(app, login_as):
    borrower = login_as("peminjam1")
    before = stored_counts()
    response = post_loan_form(borrower, form(
        description=over(LOAN_REQUEST["description"])))
    assert response.status_code == 200
    assert_refused(response.get_data(as_text=True), "description",
                   LOAN_REQUEST["description"])
    assert stored_counts() == before

    # A line break counts once, as the browser counts it (it sends CR LF).
    lines = ("x" * 99 + "\r\n") * 20  # 2,020 sent, 1,999 once stripped
    response = post_loan_form(borrower, form(description=lines))
    assert response.status_code == 302
    assert loans_of("peminjam1")[-1].description == lines.strip()


def test_the_edit_form_refuses_what_the_submission_refuses(app, login_as):
    loan = submit_loan("peminjam1", title="Rapat sunting")
    borrower = login_as("peminjam1")
    data = {"title": "Rapat sunting", "participants": "10",
            "letter_number": "UJI/1", "letter_date": DAY.isoformat(),
            "subject": "Permohonan uji", "contact_name": "Kontak Uji",
            "contact_phone": "0812-1111-2222"}
    for name in ("description", "title", "subject", "contact_phone"):
        response = borrower.post(f"/loans/edit/{loan.id}", data={
            **data, name: over(LOAN_REQUEST[name])})
        assert response.status_code == 200, name
        assert_refused(response.get_data(as_text=True), name, LOAN_REQUEST[name])
    db.session.expire_all()
    stored = db.session.get(LoanRequest, loan.id)
    assert stored.title == "Rapat sunting" and not stored.description


@pytest.mark.parametrize("field,value,words", [
    ("description", "x" * (5 * 2**20 + 2**19), "2.000 karakter"),  # 5.5 MiB
    ("description", over(LOAN_REQUEST["description"]), "2.000 karakter"),
    ("title", over(LOAN_REQUEST["title"]), "255 karakter"),
    ("subject", over(LOAN_REQUEST["subject"]), "255 karakter"),
    ("letter_number", over(LOAN_REQUEST["letter_number"]), "120 karakter"),
    ("contact_name", over(LOAN_REQUEST["contact_name"]), "120 karakter"),
    ("contact_phone", over(LOAN_REQUEST["contact_phone"]), "40 karakter"),
    ("title", "Rapat\r\nBaris kedua", "satu baris"),
    ("contact_name", "Bu Rina\u2028Dinas", "satu baris"),
    ("subject", "Permohonan\x07ruang", "karakter kendali"),
    ("description", "Baris satu\nbaris dua\x1b[31m", "karakter kendali"),
], ids=["5.5MiB", "description", "title", "subject", "letter_number",
        "contact_name", "contact_phone", "title-crlf", "name-ls", "bell", "escape"])
def test_the_api_refuses_a_text_beyond_its_limit_per_field(app, client, field,
                                                           value, words):
    headers = api_token(client, "peminjam1")
    before = stored_counts()
    response = client.post("/api/v1/loans/", json=request_body(DAY, **{field: value}),
                           headers=headers)
    assert response.status_code == 422, response.status_code
    assert list(response.get_json()["errors"]) == [field]
    assert words in response.get_json()["errors"][field][0]
    assert stored_counts() == before


def test_texts_at_their_limits_are_accepted(app, client):
    headers = api_token(client, "peminjam1")
    # A phone number is bound by the phone rule (test_booking_bounds.py) first.
    body = request_body(DAY, **{name: exactly(limit)
                                for name, limit in LOAN_REQUEST.items()
                                if name != "contact_phone"})
    response = client.post("/api/v1/loans/", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    result = response.get_json()["result"]
    assert len(result["description"]) == LOAN_REQUEST["description"].max_chars
    assert len(result["title"]) == LOAN_REQUEST["title"].max_chars


# ---------------------------------------------------------------- the steps

def test_a_step_text_over_its_limit_is_refused_everywhere(app, client, login_as):
    loan = submit_loan("peminjam1")
    history = len(loan.history)
    note = over(STEP["note"])

    page = login_as("kabid").post(f"/loans/step/dispose/{loan.id}", data={
        "instruction": "follow_up", "nature": "biasa", "note": note})
    assert page.status_code == 200
    assert_refused(page.get_data(as_text=True), "note", STEP["note"])

    response = client.post(f"/api/v1/loans/{loan.id}/dispose", json={
        "instruction": "follow_up", "note": note}, headers=api_token(client, "kabid"))
    assert response.status_code == 422
    assert "1.000 karakter" in response.get_json()["errors"]["note"][0]

    response = client.post(f"/api/v1/loans/{loan.id}/cancel", json={
        "reason": over(STEP["reason"])}, headers=api_token(client, "peminjam1"))
    assert response.status_code == 422
    assert "1.000 karakter" in response.get_json()["errors"]["reason"][0]

    # The CLI and any other caller: the workflow itself refuses, at the field.
    with pytest.raises(InputRefused) as refused:
        take(loan, "dispose", note=note)
    assert "Paling banyak 1.000 karakter" in str(refused.value.errors["note"][0])
    db.session.rollback()
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert loan.status == LoanStatus.SUBMITTED and len(loan.history) == history


def test_outcome_notes_and_damage_descriptions_have_theirs(app, client, monkeypatch):
    loan = submit_loan("peminjam1")
    for action in ("dispose", "confirm", "schedule"):
        take(loan, action)
        db.session.commit()
    # The event has begun: the room is prepared, then the event completed.
    monkeypatch.setattr(workflow, "utcnow", lambda: loan.sessions[0].starts_at
                        + timedelta(minutes=5))
    take(loan, "prepare")
    db.session.commit()
    history = len(loan.history)
    items = [{"equipment_id": item.id, "ready": True} for item in loan.room.equipment]
    items[0] = {**items[0], "ready": False, "description": over(DAMAGE_DESCRIPTION)}
    response = client.post(f"/api/v1/loans/{loan.id}/complete", json={
        "actual_participants": 5, "outcome_notes": over(STEP["outcome_notes"]),
        "checklist": items}, headers=api_token(client, "adminpc"))
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert "2.000 karakter" in errors["outcome_notes"][0]
    assert "2.000 karakter" in errors["checklist"][0]
    with pytest.raises(InputRefused) as refused:
        take(loan, "complete", outcome_notes=over(STEP["outcome_notes"]))
    assert "Paling banyak 2.000" in str(refused.value.errors["outcome_notes"][0])
    db.session.rollback()
    db.session.expire_all()
    loan = db.session.get(LoanRequest, loan.id)
    assert loan.status == LoanStatus.PREPARED and len(loan.history) == history
    assert db.session.query(DamageReport).filter_by(loan_id=loan.id).count() == 0


def test_damage_reports_and_their_steps_have_theirs(app, login_as):
    kasi = login_as("kasi")
    item = db.session.query(Equipment).order_by(Equipment.id).first()
    page = kasi.post("/damage/add", data={"equipment": item.id,
                                          "description": over(DAMAGE_DESCRIPTION)})
    assert page.status_code == 200
    assert_refused(page.get_data(as_text=True), "description", DAMAGE_DESCRIPTION)
    assert db.session.query(DamageReport).count() == 0

    report = equipment_care.report_damage(item, user("kasi"), "Kabel rusak.")
    db.session.commit()
    page = login_as("adminpc").post(f"/damage/step/{report.id}", data={
        "status": "in_repair", "note": over(DAMAGE_NOTE)})
    assert_refused(page.get_data(as_text=True), "note", DAMAGE_NOTE)
    with pytest.raises(equipment_care.DamageStepError):
        equipment_care.advance(report, "in_repair", user("adminpc"), over(DAMAGE_NOTE))
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(DamageReport, report.id).status == "reported"


def test_master_data_texts_have_theirs(app, login_as):
    admin = login_as("admin")
    rooms = db.session.query(Room).count()
    page = admin.post("/rooms/add", data={
        "name": "Ruang Batas", "capacity": "10", "prep_buffer_minutes": "30",
        "description": over(ROOM["description"]), "is_active": "y"})
    assert page.status_code == 200
    assert_refused(page.get_data(as_text=True), "description", ROOM["description"])
    assert db.session.query(Room).count() == rooms


def test_the_checklist_states_its_limit(app, login_as, monkeypatch):
    loan = submit_loan("peminjam1")
    for action in ("dispose", "confirm", "schedule"):
        take(loan, action)
        db.session.commit()
    monkeypatch.setattr(workflow, "utcnow", lambda: loan.sessions[0].starts_at)
    html = login_as("adminpc").get(f"/loans/step/prepare/{loan.id}").get_data(
        as_text=True)
    item = loan.room.equipment[0]
    tag, _after = control(html, f"damage_{item.id}")
    assert f'maxlength="{DAMAGE_DESCRIPTION.max_chars}"' in tag
    start = html.index('class="table table-bordered pontive-checklist"')
    header = html[start:html.index("</thead>", start)]
    assert stated(DAMAGE_DESCRIPTION) in header
