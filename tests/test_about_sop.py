"""Tentang SOP: every signed-in user reads the SOP the product runs, with the
standard times and steps taken from the app's own rules."""
import re

import pytest
from helpers import login, visible_text

ACCOUNTS = ["admin", "kabid", "kasi", "adminpc", "peminjam1", "peminjam2"]


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_role_reads_the_sop_in_indonesian(app, username):
    client = login(app.test_client(), username)
    dashboard = client.get("/").get_data(as_text=True)
    assert 'href="/sop/"' in dashboard  # in the menu

    response = client.get("/sop/")
    assert response.status_code == 200
    text = visible_text(response)
    for expected in (
        "Tentang SOP", "Identitas", "Peminjaman Ruang Rapat Pontive Center",
        "Dasar Hukum", "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
        "SK Walikota Nomor 160/DKI/Tahun 2020", "Kualifikasi Pelaksana",
        "Peralatan/Perlengkapan", "Komputer, TV, Proyektor", "Peringatan",
        "agar segera diperbaiki", "Pencatatan dan Pendataan",
        "Membuat laporan tahunan operasional Pontive Center",
        "Langkah dan waktu standar", "Semua langkah di aplikasi ini",
    ):
        assert expected in text, expected


def _row(html, code):
    return re.search(rf'<tr class="pontive-sop-step-{code}">(.*?)</tr>', html,
                     flags=re.S).group(1)


def test_the_steps_show_who_and_the_configured_standard_time(app):
    app.config["MUTU_BAKU_MINUTES"] = {**app.config["MUTU_BAKU_MINUTES"],
                                       "agenda": 45}
    html = login(app.test_client(), "peminjam1").get("/sop/").get_data(as_text=True)
    expected = {
        "disposition": ("Kabid TKPBET", "15 menit", "Disposisikan"),
        "coordination": ("Kasi PK &amp; AI", "15 menit", "Konfirmasi"),
        "agenda": ("Admin Pontive Center", "45 menit", "Masukkan ke agenda"),
        "preparation": ("Admin Pontive Center", "15 menit", "Ruang Disiapkan"),
    }
    for code, texts in expected.items():
        row = _row(html, code)
        for text in texts:
            assert text in row, (code, text)
    assert "Peminjam" in _row(html, "submit")
    # Each of the app's steps, from which status, by whom.
    transitions = html[html.index("pontive-sop-transitions"):]
    assert re.search(r"<td>Tolak</td>\s*<td>Diajukan, Didisposisikan, Usulan Jadwal "
                     r"Ulang</td>\s*<td>Ditolak</td>\s*<td>Kabid TKPBET, Kasi PK &amp; AI"
                     r"</td>", transitions)
