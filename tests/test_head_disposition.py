"""The Kepala Dinas's disposition (SOP steps 1-2): the Kabid records it with
his own, on the web form, over the API and from the command line, and it
prints as the first row of the Lembar Disposisi."""
import re
from datetime import timedelta

from flask_babel import force_locale
from helpers import (
    api_token,
    stored_counts,
    submit_loan,
    take,
    today,
    user,
    visible_text,
)
from test_api_loans import step
from test_disposition_confirmation import pdf_text

from app.models import LoanStatus, StatusHistory
from app.platform.extensions import db
from app.platform.formatting import format_date

HEAD_INSTRUCTION = "Tindak lanjuti, koordinasikan dengan Bidang Aptika."


def step_url(loan, action="dispose"):
    return f"/loans/step/{action}/{loan.id}"


def dispose_form(**changes):
    return {"incoming_received_on": today().isoformat(), "incoming_from": "Kepala Dinas",
            "incoming_agenda_number": "045/KOMINFO/2026",
            "incoming_instruction": HEAD_INSTRUCTION, "instruction": "coordinate",
            "nature": "segera", "note": "Mohon dikoordinasikan.", **changes}


def disposition_row(loan):
    return db.session.query(StatusHistory).filter_by(loan_id=loan.id,
                                                     action="dispose").one()


def field_error(html, name):
    block = re.search(rf'pontive-field-{name}">(.*?)</div>\s*(<div class="form-group|<button)',
                      html, flags=re.S)
    assert block, name
    return " ".join(re.findall(r'pontive-field-error">([^<]*)<', block.group(1)))


def indonesian_date(day):
    with force_locale("id"):
        return format_date(day)


def test_the_form_is_prefilled_with_today_and_the_kepala_dinas(app, login_as):
    loan = submit_loan("peminjam1")
    html = login_as("kabid").get(step_url(loan)).get_data(as_text=True)
    text = visible_text(login_as("kabid").get(step_url(loan)))
    assert "Diterima dari Kepala Dinas pada tanggal" in text
    assert f'value="{today().isoformat()}"' in html
    assert 'value="Kepala Dinas"' in html
    for label in ("Nomor agenda Kepala Dinas", "Instruksi Kepala Dinas"):
        assert label in text
    # The Kepala Dinas's fields come before the Kabid's own.
    assert html.index("incoming_instruction") < html.index('name="instruction"')


def test_the_web_form_records_it_and_the_sheet_prints_it_first(app, login_as):
    loan = submit_loan("peminjam1")
    received = today() - timedelta(days=1) if loan.letter_date < today() else today()
    response = login_as("kabid").post(step_url(loan), data=dispose_form(
        incoming_received_on=received.isoformat()))
    assert response.status_code == 302
    row = disposition_row(loan)
    assert (row.incoming_received_on, row.incoming_from, row.incoming_agenda_number,
            row.incoming_instruction) == (received, "Kepala Dinas", "045/KOMINFO/2026",
                                          HEAD_INSTRUCTION)

    text = pdf_text(login_as("kasi").get(f"/loans/disposition/{loan.id}"))
    kabid = user("kabid").get_full_name()
    # Row 1: the day received, from the Kepala Dinas to the Kabid, in his words.
    rows = text[text.index("Paraf 1 ") + len("Paraf 1 "):]
    assert rows.startswith(f"{indonesian_date(received)} Kepala Dinas Kabid TKPBET "
                           f"{HEAD_INSTRUCTION} Nomor agenda: 045/KOMINFO/2026 2 "), rows
    # Row 2: the Kabid's own, to the Kasi.
    assert re.search(rf"045/KOMINFO/2026 2 .*Kabid TKPBET {kabid} Kasi PK & AI", rows)
    assert text.count(HEAD_INSTRUCTION) == 1


def test_the_request_page_shows_it(app, login_as):
    loan = submit_loan("peminjam1")
    login_as("kabid").post(step_url(loan), data=dispose_form())
    text = visible_text(login_as("kasi").get(f"/loans/show/{loan.id}"))
    assert HEAD_INSTRUCTION in text and "045/KOMINFO/2026" in text


def test_left_empty_it_is_today_from_the_kepala_dinas(app, login_as):
    loan = submit_loan("peminjam1")
    response = login_as("kabid").post(step_url(loan), data=dispose_form(
        incoming_received_on="", incoming_from="", incoming_agenda_number="",
        incoming_instruction=""))
    assert response.status_code == 302
    row = disposition_row(loan)
    assert (row.incoming_received_on, row.incoming_from, row.incoming_agenda_number,
            row.incoming_instruction) == (today(), "Kepala Dinas", None, None)


def test_a_date_received_in_the_future_or_unreadable_is_refused(app, login_as):
    loan = submit_loan("peminjam1")
    kabid = login_as("kabid")
    before = stored_counts()
    tomorrow = today() + timedelta(days=1)
    html = kabid.post(step_url(loan), data=dispose_form(
        incoming_received_on=tomorrow.isoformat())).get_data(as_text=True)
    assert field_error(html, "incoming_received_on") == (
        "Tanggal diterima tidak boleh melewati hari ini.")
    assert "045/KOMINFO/2026" in html  # the input is kept
    html = kabid.post(step_url(loan), data=dispose_form(
        incoming_received_on="31-02-2026")).get_data(as_text=True)
    assert field_error(html, "incoming_received_on")
    html = kabid.post(step_url(loan), data=dispose_form(
        incoming_agenda_number="x" * 61)).get_data(as_text=True)
    assert "Paling banyak 60 karakter." in field_error(html, "incoming_agenda_number")
    db.session.refresh(loan)
    assert loan.status == LoanStatus.SUBMITTED and stored_counts() == before


def test_the_api_records_it_and_shows_it_in_the_history(app, client):
    loan = submit_loan("peminjam1")
    response = step(client, api_token(client, "kabid"), loan.id, "dispose", instruction="follow_up",
                    incoming_received_on=today().isoformat(),
                    incoming_agenda_number="12/KADIS", incoming_instruction="Proses.")
    assert response.status_code == 200, response.get_json()
    last = response.get_json()["result"]["history"][-1]
    assert (last["incoming_received_on"], last["incoming_from"],
            last["incoming_agenda_number"], last["incoming_instruction"]) == (
        today().isoformat(), "Kepala Dinas", "12/KADIS", "Proses.")


def test_the_api_refuses_a_bad_date_and_changes_nothing(app, client):
    loan = submit_loan("peminjam1")
    kabid = api_token(client, "kabid")
    before = stored_counts()
    for value, message in (
            ("kemarin", "Tulis tanggal dengan format YYYY-MM-DD."),
            ((today() + timedelta(days=3)).isoformat(),
             "Tanggal diterima tidak boleh melewati hari ini.")):
        response = step(client, kabid, loan.id, "dispose",
                        instruction="follow_up", incoming_received_on=value)
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["errors"]["incoming_received_on"] == [message]
    db.session.expire_all()
    assert stored_counts() == before


def test_the_command_line_records_it(app):
    loan = submit_loan("peminjam1")
    result = app.test_cli_runner().invoke(args=[
        "step", "dispose", loan.registration_number, "--as", "kabid",
        "--instruction", "follow_up", "--received-on", today().isoformat(),
        "--head-agenda-number", "7/KADIS", "--head-instruction", "Segera proses."])
    assert result.exit_code == 0, result.output
    row = disposition_row(loan)
    assert (row.incoming_received_on, row.incoming_agenda_number,
            row.incoming_instruction) == (today(), "7/KADIS", "Segera proses.")
    refused = app.test_cli_runner().invoke(args=[
        "step", "dispose", submit_loan("peminjam1", title="Lain").registration_number,
        "--as", "kabid", "--instruction", "follow_up",
        "--received-on", (today() + timedelta(days=2)).isoformat()])
    assert refused.exit_code != 0 and "--received-on" in refused.output


def test_a_disposition_taken_in_code_defaults_alike(app):
    loan = submit_loan("peminjam1")
    take(loan, "dispose")
    db.session.commit()
    row = disposition_row(loan)
    assert (row.incoming_received_on, row.incoming_from) == (today(), "Kepala Dinas")


def test_the_kasi_is_mailed_the_kepala_dinass_disposition_too(app, login_as, outbox):
    loan = submit_loan("peminjam1")
    login_as("kabid").post(step_url(loan), data=dispose_form())
    body = outbox.to("kasi@demo.pontianak.go.id")[-1].get_content()
    assert (f"Disposisi Kepala Dinas, diterima pada tanggal {indonesian_date(today())} · "
            f"Nomor agenda: 045/KOMINFO/2026: {HEAD_INSTRUCTION}") in body
