"""Flask-AppBuilder's own pages as an Indonesian user of this app reads them:
roles in words, the language menu, the user form's help texts, and no chart
page that needs the internet."""
import html
import re

import pytest
from helpers import login, visible_text

from app.security.roles import ADMIN_PC, KABID, PEMINJAM


@pytest.fixture(scope="module")
def admin(module_app):
    return login(module_app.test_client(), "admin")


def _text(response):
    return html.unescape(visible_text(response))


def _role_id(app, name):
    return app.appbuilder.sm.find_role(name).id


def test_the_role_list_says_what_each_role_may_do(module_app, admin):
    page = _text(admin.get("/roles/list/"))
    assert "^" not in page and "can_list" not in page  # no FAB_ROLES patterns
    assert ("Permohonan Peminjaman: lihat daftar, lihat rincian, tambah, ubah, "
            "jalankan langkah SOP, unduh surat permohonan") in page
    assert ("Akun Peminjam: lihat daftar, lihat rincian, tambah, Aktifkan, "
            "Nonaktifkan") in page
    assert "Menu: Agenda, Akun Peminjam, Daftar Peminjaman" in page


def test_a_roles_page_says_what_it_may_do(module_app, admin):
    page = _text(admin.get(f"/roles/show/{_role_id(module_app, KABID)}"))
    assert "Laporan Tahunan: buka, unduh, tulis bagian naratif" in page
    assert "Permohonan peminjaman (REST API): baca" in page
    assert "Akun Peminjam" not in page.split("Hak Akses", 1)[1].split("Kembali")[0]
    page = _text(admin.get(f"/roles/show/{_role_id(module_app, ADMIN_PC)}"))
    assert "Masukkan ke agenda" in page  # an action, by its label


def test_a_stored_roles_permissions_are_in_words_too(module_app, admin):
    sm = module_app.appbuilder.sm
    role = sm.add_role("Pengamat Ruang", permissions=[
        sm.add_permission_view_menu("can_list", "RoomView"),
        sm.add_permission_view_menu("menu_access", "Rooms")])
    page = _text(admin.get(f"/roles/show/{role.id}"))
    assert "Ruang: lihat daftar" in page and "Menu: Ruang" in page


def _language_menu(response):
    page = response.get_data(as_text=True)
    return re.search(r'<li class="dropdown pontive-language">.*?</ul>',
                     page[page.index('navbar-right'):], flags=re.S).group(0)


def _entries(menu):
    """(language code, name, marked as the page's own) of each entry."""
    return [(code, re.sub(r"<[^>]+>|\s+", " ", text).strip(), "aria-current" in attrs)
            for code, attrs, text in re.findall(
                r'<a href="/lang/(\w+)" lang="\w+"([^>]*)>(.*?)</a>', menu, flags=re.S)]


def test_the_language_menu_names_each_language_plainly(module_app):
    client = login(module_app.test_client(), "peminjam1")
    menu = _language_menu(client.get("/sop/"))
    # Indonesian until someone picks another: its flag and name on the toggle.
    assert 'class="flag id"' in menu
    assert 'aria-label="Bahasa: Bahasa Indonesia"' in menu
    assert _entries(menu) == [("id", "Bahasa Indonesia", True), ("en", "English", False)]
    assert "- " not in re.sub(r"<[^>]+>", "", menu)
    client.get("/lang/en")
    menu = _language_menu(client.get("/sop/"))
    assert 'class="flag gb"' in menu and 'aria-label="Language: English"' in menu
    assert _entries(menu) == [("id", "Bahasa Indonesia", False), ("en", "English", True)]
    assert "- " not in re.sub(r"<[^>]+>", "", menu)


@pytest.mark.parametrize("path", ["/users/add", "/users/edit/{id}"])
def test_the_user_form_speaks_only_of_database_logins(module_app, admin, path):
    own = module_app.appbuilder.sm.find_user(username="peminjam1").id
    page = _text(admin.get(path.format(id=own)))
    for other in ("LDAP", "OpenID", "OID"):
        assert other not in page
    assert "Nama yang dipakai pengguna untuk masuk, bersama kata sandinya." in page


def test_the_user_statistics_chart_is_gone(module_app, admin):
    """It drew with Google Charts, from the internet: blank offline."""
    assert admin.get("/userstatschartview/chart/").status_code == 404
    page = _text(admin.get("/users/list/"))
    assert "Statistik Pengguna" not in page
    assert "UserStatsChartView" not in {
        view.__class__.__name__ for view in module_app.appbuilder.baseviews}


def test_the_roles_of_the_app_are_shown_by_name(module_app, admin):
    page = _text(admin.get("/roles/list/"))
    for name in (KABID, ADMIN_PC, PEMINJAM):
        assert name in page
