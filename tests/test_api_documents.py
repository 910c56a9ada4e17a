"""The staff documents over the API: the loan register (PDF, Excel) and the
annual report (PDF), made by the same builders from the same checks as the
Laporan pages; borrowers get 403, bad parameters 422 per field in Indonesian.
"""
import io
import re

import pytest
from helpers import api_token, login
from pypdf import PdfReader
from test_register_document import MARCH, march, numbers_in, workbook_rows  # noqa: F401

from app.platform.timeutil import to_local, utcnow

REGISTER = "/api/v1/documents/register"
ANNUAL = "/api/v1/documents/annual-report"
STAFF = ["admin", "kabid", "kasi", "adminpc"]


def pdf_text(response):
    """The PDF's text, whitespace folded, without the time it was printed."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return re.sub(r"Dicetak \w+, \d+ \w+ \d{4} pukul \d\d\.\d\d WIB", "Dicetak", text)


@pytest.fixture
def kasi(client):
    return api_token(client, "kasi")


def test_register_pdf_is_the_pages_register(app, client, kasi, march):
    response = client.get(f"{REGISTER}.pdf", headers=kasi, query_string=MARCH)
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=daftar-peminjaman-2031-03.pdf")
    text = pdf_text(response)
    assert numbers_in(text) == ["PC/2031/00003", "PC/2031/00001", "PC/2031/00002"]
    page = login(app.test_client(), "kasi").get(
        "/reports/loan-register/", query_string={**MARCH, "format": "pdf"})
    assert text == pdf_text(page)


def test_register_xlsx_with_filters(app, client, kasi, march):
    response = client.get(f"{REGISTER}.xlsx", headers=kasi,
                          query_string={**MARCH, "status": "completed", "kind": "opd"})
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=daftar-peminjaman-2031-03.xlsx")
    _sheet, rows = workbook_rows(response)
    assert [row[1] for row in rows[1:]] == ["PC/2031/00001"]


def this_year():
    return to_local(utcnow()).year


@pytest.mark.parametrize("name", STAFF)
def test_every_staff_role_downloads_the_register(app, client, name):
    headers = api_token(client, name)
    response = client.get(f"{REGISTER}.xlsx", headers=headers)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")


@pytest.mark.parametrize("args,field", [
    ({"start": "31-03-2031"}, "start"),
    ({"start": "2031-03-01", "end": "2031-02-01"}, "end"),
    ({"start": "2031-03-01", "end": "2037-03-01"}, "end"),
    ({"end": "3000-01-01"}, "end"),
    ({"status": "lenyap"}, "status"),
    ({"kind": "planet"}, "kind"),
])
@pytest.mark.parametrize("kind", ["pdf", "xlsx"])
def test_bad_register_parameters_get_a_message_per_field(app, client, kasi, kind,
                                                         args, field):
    response = client.get(f"{REGISTER}.{kind}", headers=kasi, query_string=args)
    assert response.status_code == 422
    body = response.get_json()
    assert list(body["errors"]) == [field]


def test_register_messages_are_indonesian(app, client, kasi):
    body = client.get(f"{REGISTER}.pdf", headers=kasi,
                      query_string={"status": "lenyap"}).get_json()
    assert body["errors"] == {"status": ["Pilih status dari daftar."]}


def test_annual_report_is_the_pages_report(app, client, kasi):
    year = this_year()  # the demo requests' year
    response = client.get(f"{ANNUAL}/{year}.pdf", headers=kasi)
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=laporan-tahunan-pontive-center-{year}.pdf")
    text = pdf_text(response)
    assert "LAPORAN TAHUNAN" in text.upper() and str(year) in text
    page = login(app.test_client(), "kasi").get(f"/reports/annual/download?year={year}")
    assert text == pdf_text(page)


@pytest.mark.parametrize("year,message", [
    ("abc", "Tahun harus berupa angka"),
    ("1999", "Laporan tahunan hanya dapat dibuat untuk tahun 2000 sampai dengan"),
    ("99999", "Tahun harus berupa angka"),
    ("-5", "Tahun harus berupa angka"),
    ("2100", "Laporan tahunan hanya dapat dibuat untuk tahun 2000 sampai dengan"),
])
def test_a_bad_year_gets_an_indonesian_message(app, client, kasi, year, message):
    response = client.get(f"{ANNUAL}/{year}.pdf", headers=kasi)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == ["year"] and message in errors["year"][0]


@pytest.mark.parametrize("name", ["peminjam1", "peminjam2"])
def test_borrowers_get_403(app, client, name, march):
    headers = api_token(client, name)
    for url in (f"{REGISTER}.pdf", f"{REGISTER}.xlsx", f"{ANNUAL}/{this_year()}.pdf"):
        response = client.get(url, headers=headers, query_string=MARCH)
        assert response.status_code == 403, url
        assert response.mimetype == "application/json"
        assert "PC/2031" not in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer bukan-token"}])
def test_no_valid_token_is_401(app, client, headers):
    for url in (f"{REGISTER}.pdf", f"{REGISTER}.xlsx", f"{ANNUAL}/{this_year()}.pdf"):
        assert client.get(url, headers=headers).status_code == 401, url
