"""What every printed document shares: the letterhead with the office's
telephone, email, website and logo (configurable, dotted until set), and the
signatory's NIP as the civil service writes it."""
import io
import logging

import pytest
from flask_babel import force_locale
from helpers import loans_of
from PIL import Image
from pypdf import PdfReader

from app.documents.layout import Signatory

CONTACTS = {"DOCUMENT_PHONE": "(0561) 733041",
            "DOCUMENT_EMAIL": "diskominfo@pontianak.go.id",
            "DOCUMENT_WEBSITE": "diskominfo.pontianak.go.id"}


@pytest.fixture
def sheet(app, login_as):
    """Downloads a disposition sheet (a one-page document with the letterhead)."""
    loan = loans_of("peminjam2")[0]
    client = login_as("kasi")

    def download():
        response = client.get(f"/loans/disposition/{loan.id}")
        assert response.status_code == 200
        return PdfReader(io.BytesIO(response.get_data())).pages[0]
    return download


def text_of(page):
    return " ".join(page.extract_text().split())


def test_the_letterhead_gives_the_offices_contacts(app, sheet):
    app.config.update(CONTACTS)
    assert ("PEMERINTAH KOTA PONTIANAK DINAS KOMUNIKASI DAN INFORMATIKA Jalan Rahadi "
            "Usman Nomor 3, Pontianak 78111 Telepon (0561) 733041 · Pos-el "
            "diskominfo@pontianak.go.id · Laman diskominfo.pontianak.go.id") \
        in text_of(sheet())


def test_contacts_not_set_are_dotted_lines(app, sheet):
    dots = "................................"
    assert f"Telepon {dots} · Pos-el {dots} · Laman {dots}" in text_of(sheet())


def test_a_long_agency_name_still_fits_the_letterhead(app, sheet):
    app.config["DOCUMENT_AGENCY"] = ("Dinas Komunikasi, Informatika, Statistik dan "
                                     "Persandian Kota Pontianak")
    app.config.update(CONTACTS)
    text = text_of(sheet())
    assert ("DINAS KOMUNIKASI, INFORMATIKA, STATISTIK DAN PERSANDIAN KOTA "
            "PONTIANAK") in text
    assert "Laman diskominfo.pontianak.go.id" in text


def test_the_logo_is_printed_when_configured(app, sheet, tmp_path):
    logo = tmp_path / "lambang.png"
    Image.new("RGB", (90, 110), (31, 59, 115)).save(logo)
    assert len(sheet().images) == 0  # none configured: text only
    app.config["DOCUMENT_LOGO"] = str(logo)
    page = sheet()
    [image] = page.images
    assert image.image.size == (90, 110)
    assert "PEMERINTAH KOTA PONTIANAK" in text_of(page)


def test_an_unreadable_logo_prints_the_letterhead_without_it(app, sheet, tmp_path,
                                                              caplog):
    for path in (tmp_path / "tidak-ada.png", tmp_path / "bukan-gambar.png"):
        if path.name.startswith("bukan"):
            path.write_text("ini bukan gambar")
        app.config["DOCUMENT_LOGO"] = str(path)
        with caplog.at_level(logging.WARNING):
            page = sheet()
        assert len(page.images) == 0
        assert "DINAS KOMUNIKASI DAN INFORMATIKA" in text_of(page)
        assert "DOCUMENT_LOGO" in caplog.text


@pytest.mark.parametrize("nip,printed", [
    ("198001012005012003", "NIP. 19800101 200501 2 003"),
    ("19800101 200501 2 003", "NIP. 19800101 200501 2 003"),
    ("12345", "NIP. 12345"),  # as typed when it is not an 18-digit NIP
    ("", "NIP. ................................"),
])
def test_the_nip_is_grouped_as_the_civil_service_writes_it(app, nip, printed):
    assert Signatory("Kepala Seksi", "Nama", "Penata (III/c)", nip).nip_text == printed


def test_wib_never_starts_a_line_alone(app):
    """A session wrapped in a narrow column keeps "WIB" with its hours, in a
    table cell of PagedTable and in a Paragraph alike."""
    from datetime import datetime, timezone

    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.documents.layout import STYLES, paragraph, session_text
    from app.documents.long_table import wrap_text

    with force_locale("id"):
        text = session_text(datetime(2026, 11, 10, 2, tzinfo=timezone.utc),
                            datetime(2026, 11, 10, 4, 30, tzinfo=timezone.utc))
    assert text == "Selasa, 10 November 2026, pukul 09.00–11.30\u00a0WIB"
    # Just too narrow for the whole: without the non-breaking space, "WIB"
    # would be left alone on the last line.
    width = stringWidth(text[:-4], "Helvetica", 8) + 1
    lines = wrap_text(text, "Helvetica", 8, width)
    assert lines[-1] == "09.00–11.30\u00a0WIB" and "WIB" not in lines[0]
    cell = paragraph(text, STYLES["cell"])
    cell.wrap(width, 1000)
    _width, last_words = cell.blPara.lines[-1]
    assert last_words == ["09.00–11.30\u00a0WIB"]


@pytest.mark.parametrize("value,lines", [
    (None, ["default"]),
    ("", ["default"]),
    ("Kepala Dinas | Kepala Bidang TKPBET|", ["Kepala Dinas", "Kepala Bidang TKPBET"]),
    ("-", []),  # none at all: no Tembusan, the Kasi signing in their own name
])
def test_list_settings_are_lines_separated_by_a_bar(monkeypatch, value, lines):
    import config

    if value is None:
        monkeypatch.delenv("PONTIVE_TEST_LINES", raising=False)
    else:
        monkeypatch.setenv("PONTIVE_TEST_LINES", value)
    assert config._env_lines("PONTIVE_TEST_LINES", ["default"]) == lines
