"""Mistyped or hostile URLs get the 400 or 404 page, never a 500.

Flask-AppBuilder reads paging, sorting and search arguments from the query
string and row keys from the path; app/fab/url_arguments.py checks them
first for every model view and API.
"""
import re

import pytest
from helpers import login, visible_text

LISTS = {
    "LoanRequestView": "/loans/list/",
    "RoomView": "/rooms/list/",
    "EquipmentView": "/equipment/list/",
    "InstitutionView": "/institutions/list/",
    "UserDBModelView": "/users/list/",
}

HOSTILE = [
    ("page_{view}", "abc"),
    ("page_{view}", "-1"),
    ("psize_{view}", "0"),
    ("psize_{view}", "100000"),
    ("psize_OtherView", "x"),
    ("_oc_{view}", "nonexistent"),
    ("_oc_{view}", "id; DROP TABLE loan_request"),
]

# Search filters on typed columns, with values of the wrong type or range.
HOSTILE_FILTERS = {
    "LoanRequestView": [("_flt_0_institution", "abc"), ("_flt_9_institution", "1"),
                        ("_flt_0_institution", "99999999999999999999")],
    "RoomView": [("_flt_0_capacity", "abc"), ("_flt_0_capacity", "99999999999"),
                 ("_flt_9_capacity", "1"), ("_flt_0_is_active", ""),
                 ("_flt_1_is_active", "tidak")],
    "EquipmentView": [("_flt_0_room", "abc"), ("_flt_9_room", "1")],
    "UserDBModelView": [("_flt_0_active", "1")],
}


@pytest.fixture(scope="module")
def admin(module_app):
    return login(module_app.test_client(), "admin")


@pytest.mark.parametrize("view", LISTS)
@pytest.mark.parametrize("key, value", HOSTILE)
def test_hostile_list_arguments_get_the_400_page(admin, view, key, value):
    response = admin.get(LISTS[view], query_string={key.format(view=view): value})
    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses" in visible_text(response)


@pytest.mark.parametrize("view, key, value", [
    (view, key, value) for view, cases in HOSTILE_FILTERS.items()
    for key, value in cases
])
def test_filters_of_the_wrong_type_get_the_400_page(admin, view, key, value):
    response = admin.get(LISTS[view], query_string={key: value})
    assert response.status_code == 400


@pytest.mark.parametrize("path, args, expected", [
    ("/loans/list/", {"_oc_LoanRequestView": "title", "_od_LoanRequestView": "asc"},
     "Bimbingan Teknis Operator Dapodik"),
    ("/loans/list/", {"_flt_2_title": "Seminar"}, "Seminar Kota Cerdas"),
    ("/rooms/list/", {"_flt_0_is_active": "y"}, "Ruang Rapat Pontive Center"),
    ("/rooms/list/", {"_flt_0_capacity": "30"}, "Ruang Rapat Pontive Center"),
])
def test_valid_list_arguments_still_work(admin, path, args, expected):
    response = admin.get(path, query_string=args)
    assert response.status_code == 200
    assert expected in visible_text(response)


def test_page_size_and_page_choose_the_rows(admin):
    pages = [
        len(re.findall(r"PC/\d{4}/\d+", visible_text(admin.get(
            "/loans/list/", query_string={
                "psize_LoanRequestView": "4", "page_LoanRequestView": page,
            }))))
        for page in ("0", "1")
    ]
    assert pages == [4, 2]  # six demo requests


def test_unsortable_columns_offer_no_sort_link(admin):
    html = admin.get("/loans/list/").get_data(as_text=True)
    assert "_oc_LoanRequestView=title" in html
    # Shown as properties, sorted by their keys (the first session, the SOP's order).
    assert "_oc_LoanRequestView=schedule_summary" in html
    assert "_oc_LoanRequestView=status_label" in html
    html = admin.get("/equipment/list/").get_data(as_text=True)
    assert "_oc_EquipmentView=condition_label" in html
    assert "_oc_EquipmentView=id" not in html  # the "report damage" button


HUGE = "9" * 20


@pytest.mark.parametrize("path", [
    f"/loans/show/{HUGE}", f"/loans/letter/{HUGE}", f"/rooms/show/{HUGE}",
    f"/rooms/edit/{HUGE}", f"/equipment/show/{HUGE}", f"/institutions/show/{HUGE}",
    f"/users/show/{HUGE}", f"/roles/show/{HUGE}", "/rooms/show/-1",
])
def test_a_key_no_row_can_have_is_not_found(admin, path):
    response = admin.get(path)
    assert response.status_code == 404
    assert "Tidak Ditemukan" in visible_text(response)


def test_deleting_a_key_no_row_can_have_is_not_found(admin):
    assert admin.post(f"/rooms/delete/{HUGE}").status_code == 404


def test_the_api_answers_a_huge_key_with_json_404(module_app):
    client = module_app.test_client()
    token = client.post("/api/v1/security/login", json={
        "username": "peminjam1", "password": "Pontive#2026", "provider": "db",
    }).get_json()["access_token"]
    response = client.get(f"/api/v1/loans/{HUGE}",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    assert response.is_json
