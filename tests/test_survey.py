"""Survei Kepuasan Masyarakat: the index as PermenPAN-RB 14/2017 computes it,
answering once per completed request, anonymity, and the staff's report."""
import io
import itertools
from datetime import datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

import pypdf
import pytest
import sqlalchemy as sa
from helpers import office_day, submit_loan, take, user, visible_text

from app.domain import survey
from app.models import LoanRequest, LoanStatus, SurveyAnsweredLoan, SurveyResponse
from app.platform.extensions import db
from app.platform.timeutil import from_local, to_local, utcnow

PROFILE = {"gender": "p", "education": "s1", "occupation": "pns", "age_group": "35_44"}


def answers(*scores, **extra):
    """The survey form's fields: nine scores (u1 first) and the profile."""
    return {**{f"u{n}": str(score) for n, score in enumerate(scores, start=1)},
            **PROFILE, **extra}


_PAST_DAYS = itertools.count(10, 7)  # a different past office day for each


def completed_loan(username="peminjam1", title="Rapat selesai"):
    """A request of ``username`` held on a past office day and taken through
    every step to completed, each step at the time it would have been."""
    day = office_day(-next(_PAST_DAYS))
    start = from_local(datetime.combine(day, time(9, 0)))
    submitted = start - timedelta(days=7)
    loan = submit_loan(username, title=title, now=submitted,
                       sessions=[(start, start + timedelta(hours=3))])
    for action, moment in (("dispose", submitted + timedelta(hours=1)),
                           ("confirm", submitted + timedelta(hours=2)),
                           ("schedule", submitted + timedelta(hours=3)),
                           ("prepare", start - timedelta(minutes=10)),
                           ("complete", start + timedelta(hours=3))):
        take(loan, action, now=moment)
        db.session.commit()
    assert loan.status == LoanStatus.COMPLETED
    return loan


# ---------------------------------------------------------------- the index

def test_the_index_of_a_worked_example_computed_by_hand():
    # Four respondents; each row their nine scores.
    rows = [
        (4, 3, 3, 4, 3, 4, 4, 2, 3),
        (3, 3, 2, 4, 3, 3, 4, 3, 3),
        (4, 4, 3, 4, 4, 4, 4, 3, 2),
        (3, 2, 3, 4, 3, 3, 3, 2, 3),
    ]
    totals = [sum(column) for column in zip(*rows)]
    assert totals == [14, 12, 11, 16, 13, 14, 15, 10, 11]
    index = survey.index_of(totals, 4)

    # NRR per element = total / respondents: 3.5, 3, 2.75, 4, 3.25, 3.5, 3.75, 2.5, 2.75
    assert [score.average for score in index.elements] == [
        Fraction(7, 2), 3, Fraction(11, 4), 4, Fraction(13, 4), Fraction(7, 2),
        Fraction(15, 4), Fraction(5, 2), Fraction(11, 4)]
    # Their sum is 29; weighted equally (1/9 each) NI = 29/9 = 3.2222...,
    # IKM = NI x 25 = 725/9 = 80.5555... -> 80.56 (interval 76.61-88.30: B).
    assert sum(score.average for score in index.elements) == 29
    assert index.value == Fraction(29, 9)
    assert index.index == Decimal("80.56")
    assert (index.category.grade, str(index.category.label)) == ("B", "Good")
    # Element 8 (complaint handling) scores lowest: 2.5 -> 62.50, D.
    assert [score.element.code for score in index.weakest] == ["u8"]
    assert index.elements[7].index == Decimal("62.50")
    assert index.elements[7].category.grade == "D"
    assert survey.as_number(index.elements[0].weighted, 3) == Decimal("0.389")  # 3.5/9


def test_the_ends_of_the_scale():
    assert survey.index_of([4 * 7] * 9, 7).index == Decimal("100.00")
    assert survey.index_of([3] * 9, 3).index == Decimal("25.00")
    assert survey.index_of([0] * 9, 0) is None


@pytest.mark.parametrize(("index", "grade"), [
    ("100.00", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"),
    ("65.00", "C"), ("64.99", "D"), ("25.00", "D"),
])
def test_the_category_at_each_edge_of_the_regulations_intervals(index, grade):
    assert survey.category_of_index(Decimal(index)).grade == grade


@pytest.mark.parametrize(("value", "index", "grade"), [
    # The NI interval's ends as the regulation prints them, converted x 25.
    ("4.00", "100.00", "A"), ("3.5324", "88.31", "A"), ("3.532", "88.30", "B"),
    ("3.0644", "76.61", "B"), ("3.064", "76.60", "C"), ("2.60", "65.00", "C"),
    ("2.5996", "64.99", "D"), ("1.00", "25.00", "D"),
    # Between two printed intervals: the published (rounded) index decides.
    ("3.0642", "76.61", "B"), ("3.5322", "88.31", "A"), ("2.5998", "65.00", "C"),
])
def test_an_index_value_converts_to_the_regulations_index_and_category(value, index, grade):
    published = survey.published_index(Fraction(value))
    assert published == Decimal(index)
    assert survey.category_of_index(published).grade == grade


def test_each_element_has_four_answers_worded_as_the_regulation_in_indonesian(app):
    from flask_babel import force_locale

    with force_locale("id"):
        wording = {e.code: [str(a) for a in e.answers] for e in survey.ELEMENTS}
        names = [str(e.name) for e in survey.ELEMENTS]
    assert wording["u1"] == ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
    assert wording["u2"] == ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"]
    assert wording["u3"] == ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"]
    assert wording["u4"] == ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]
    assert wording["u6"] == ["Tidak kompeten", "Kurang kompeten", "Kompeten",
                             "Sangat kompeten"]
    assert wording["u8"] == ["Tidak ada", "Ada tetapi tidak berfungsi",
                             "Berfungsi kurang maksimal", "Dikelola dengan baik"]
    assert wording["u9"] == ["Buruk", "Cukup", "Baik", "Sangat baik"]
    assert names[0] == "Persyaratan" and names[7].startswith("Penanganan pengaduan")
    assert names[8] == "Sarana dan prasarana"


@pytest.mark.parametrize(("text", "expected"), [
    ("2026", ("year", 2026, 0)), ("2026-q3", ("quarter", 2026, 3)),
    ("2026-11", ("month", 2026, 11)), ("", None),
])
def test_periods_are_read_from_the_pages_argument(app, text, expected):
    period = survey.parse_period(text)
    if expected is None:
        expected = ("year", to_local(utcnow()).year, 0)
    assert (period.kind, period.year, period.number) == expected


@pytest.mark.parametrize("text", ["20x6", "2026-13", "2026-Q5", "1999", "2026-Q",
                                  "2026-１１", "9999"])
def test_a_bad_period_is_refused_with_a_message(app, text):
    with pytest.raises(survey.PeriodError):
        survey.parse_period(text)


# ---------------------------------------------------------------- answering

def test_the_borrower_answers_once_and_nothing_links_the_answer_to_them(app, login_as):
    loan = completed_loan()
    client = login_as("peminjam1")
    page = client.get(f"/survey/answer/{loan.id}")
    assert page.status_code == 200
    assert "Tidak sesuai" in page.get_data(as_text=True)

    response = client.post(f"/survey/answer/{loan.id}", data=answers(
        4, 3, 3, 4, 3, 4, 4, 2, 3, suggestion="Proyektor agak redup."))
    assert response.status_code == 302
    stored = db.session.query(SurveyResponse).one()
    assert stored.scores() == (4, 3, 3, 4, 3, 4, 4, 2, 3)
    assert (stored.gender, stored.suggestion) == ("p", "Proyektor agak redup.")
    assert db.session.get(SurveyAnsweredLoan, loan.id) is not None

    # Once per request: a second answer is refused and stores nothing.
    again = client.post(f"/survey/answer/{loan.id}", data=answers(*[1] * 9),
                        follow_redirects=True)
    assert "sudah mengisi survei" in visible_text(again)
    assert db.session.query(SurveyResponse).count() == 1


def test_the_answers_table_keeps_no_borrower_request_or_time(app):
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("survey_response")}
    assert columns == {"id", "year", "month", *[f"u{n}" for n in range(1, 10)],
                       "gender", "education", "occupation", "age_group", "suggestion"}
    keys = sa.inspect(db.engine).get_foreign_keys("survey_response")
    assert keys == []
    answered = {c["name"] for c in sa.inspect(db.engine).get_columns("survey_answered_loan")}
    assert answered == {"loan_id"}


def test_another_borrower_cannot_open_or_answer_the_survey_of_a_request(app, login_as):
    loan = completed_loan("peminjam1")
    other = login_as("peminjam2")
    assert other.get(f"/survey/answer/{loan.id}").status_code == 404
    assert other.post(f"/survey/answer/{loan.id}",
                      data=answers(*[4] * 9)).status_code == 404
    assert db.session.query(SurveyResponse).count() == 0
    assert db.session.get(SurveyAnsweredLoan, loan.id) is None
    # Nor a request id that does not exist.
    assert other.get("/survey/answer/999999").status_code == 404


def test_staff_do_not_answer_surveys(app, login_as):
    loan = completed_loan()
    for username in ("kasi", "kabid", "adminpc"):
        assert login_as(username).get(f"/survey/answer/{loan.id}").status_code == 403
    assert db.session.query(SurveyResponse).count() == 0


def test_the_survey_opens_only_once_the_request_is_completed(app, login_as):
    loan = submit_loan("peminjam1", title="Belum selesai")
    client = login_as("peminjam1")
    response = client.post(f"/survey/answer/{loan.id}", data=answers(*[4] * 9),
                           follow_redirects=True)
    assert "Survei dapat diisi setelah permohonan selesai" in visible_text(response)
    assert db.session.query(SurveyResponse).count() == 0


@pytest.mark.parametrize(("changes", "field_message"), [
    ({"u3": "5"}, "Pilih salah satu dari empat jawaban."),
    ({"u9": ""}, "Pilih salah satu dari empat jawaban."),
    ({"u1": "²"}, "Pilih salah satu dari empat jawaban."),
    ({"gender": "x"}, "Pilih salah satu pilihan."),
    ({"age_group": ""}, "Pilih salah satu pilihan."),
    ({"suggestion": "a" * 2001}, "Paling banyak 2000 karakter."),
])
def test_bad_answers_are_refused_with_a_message_and_change_nothing(
        app, login_as, changes, field_message):
    loan = completed_loan()
    response = login_as("peminjam1").post(f"/survey/answer/{loan.id}",
                                          data={**answers(*[3] * 9), **changes})
    assert response.status_code == 400
    assert field_message in visible_text(response)
    assert db.session.query(SurveyResponse).count() == 0
    assert db.session.get(SurveyAnsweredLoan, loan.id) is None


def test_the_completion_mail_and_the_dashboard_invite_the_borrower(app, login_as, outbox):
    loan = completed_loan("peminjam2", title="Pelatihan selesai")
    mail = [m for m in outbox.to("peminjam2@demo.pontianak.go.id")
            if "selesai" in m["Subject"]][-1]
    assert f"/survey/answer/{loan.id}" in mail.get_content()

    client = login_as("peminjam2")
    dashboard = client.get("/").get_data(as_text=True)
    assert f'href="/survey/answer/{loan.id}"' in dashboard
    assert f'href="/survey/answer/{loan.id}"' in client.get(
        f"/loans/show/{loan.id}").get_data(as_text=True)
    client.post(f"/survey/answer/{loan.id}", data=answers(*[4] * 9))
    assert f'href="/survey/answer/{loan.id}"' not in client.get("/").get_data(as_text=True)
    # Staff see nothing of it on the request's page.
    page = login_as("kasi").get(f"/loans/show/{loan.id}").get_data(as_text=True)
    assert "/survey/answer/" not in page


# ---------------------------------------------------------------- the report

def store(year, month, *scores, suggestion=""):
    db.session.add(SurveyResponse(year=year, month=month, **PROFILE,
                                  suggestion=suggestion,
                                  **{f"u{n}": s for n, s in enumerate(scores, start=1)}))


def test_the_staff_page_shows_the_index_per_period_and_no_respondent(app, login_as):
    loan = completed_loan("peminjam2", title="Seminar rahasia")
    login_as("peminjam2").post(f"/survey/answer/{loan.id}", data=answers(
        4, 3, 3, 4, 3, 4, 4, 2, 3, suggestion="Terima kasih."))
    now = to_local(utcnow())
    month = f"{now.year}-{now.month:02d}"
    for username in ("kasi", "kabid"):
        page = login_as(username).get(f"/reports/survey/?period={month}")
        assert page.status_code == 200
        text = visible_text(page)
        # One respondent: NI = 30/9, IKM 83.33, B.
        assert "83,33" in text and "Terima kasih." in text
        for secret in ("Agus Pratama", "Seminar rahasia", loan.registration_number,
                       "Universitas Tanjungpura"):
            assert secret not in text
    for username in ("peminjam1", "peminjam2", "adminpc"):
        assert login_as(username).get("/reports/survey/").status_code == 403


def test_quarters_and_the_year_add_up_their_months(app):
    store(2025, 1, *[4] * 9)
    store(2025, 2, *[2] * 9)
    store(2025, 7, *[3] * 9)
    db.session.commit()
    found = survey.monthly_indexes(2025)
    assert found[1].index == Decimal("100.00") and found[2].index == Decimal("50.00")
    assert found[("quarter", 1)].respondents == 2
    assert found[("quarter", 1)].index == Decimal("75.00")
    assert found[("quarter", 2)] is None
    assert found["year"].index == Decimal("75.00") and found["year"].respondents == 3
    assert survey.index_for(survey.Period("quarter", 2025, 3)).index == Decimal("75.00")


def test_the_printed_report(app, login_as):
    store(2025, 10, 4, 3, 3, 4, 3, 4, 4, 2, 3, suggestion="Parkir sempit.")
    store(2025, 11, 3, 3, 2, 4, 3, 3, 4, 3, 3)
    db.session.commit()
    response = login_as("kasi").get("/reports/survey/download?period=2025-Q4")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in
                     pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT" in text
    assert "Triwulan IV 2025" in text
    # Scores adding up to 30 and 28: NRRs summing to 58/2 = 29, NI = 29/9,
    # IKM = 725/9 = 80,56 (B).
    assert "80,56" in text and "Parkir sempit." in text
    assert login_as("peminjam1").get(
        "/reports/survey/download?period=2025-Q4").status_code == 403
    bad = login_as("kasi").get("/reports/survey/download?period=2025-Q9",
                               follow_redirects=True)
    assert "Pilih tahun, triwulan atau bulan dari daftar." in visible_text(bad)


def test_the_latest_published_index_is_the_last_finished_quarter(app):
    now = to_local(utcnow())
    store(now.year, now.month, *[1] * 9)  # the running quarter: not published yet
    db.session.commit()
    assert survey.latest_published() is None
    store(now.year - 1, 12, *[4] * 9)
    db.session.commit()
    period, index = survey.latest_published()
    assert (period.kind, period.year, period.number) == ("quarter", now.year - 1, 4)
    assert (index.respondents, index.index) == (1, Decimal("100.00"))


def test_a_borrower_sees_only_completed_requests_of_their_own_to_survey(app):
    mine = completed_loan("peminjam1", title="Punya saya")
    completed_loan("peminjam2", title="Punya orang lain")
    loans, total = survey.invitations(user("peminjam1"))
    assert mine.id in [loan.id for loan in loans]
    assert all(loan.borrower_id == user("peminjam1").id for loan in loans)
    assert total == db.session.query(LoanRequest).filter_by(
        borrower_id=user("peminjam1").id, status=LoanStatus.COMPLETED).count()


def test_two_answers_for_one_request_at_once_keep_one(app, monkeypatch):
    loan = completed_loan()
    db.session.add(SurveyAnsweredLoan(loan_id=loan.id))  # the other answer's
    db.session.commit()
    # Both checked "not answered yet" before either was stored.
    monkeypatch.setattr(survey, "is_answered", lambda loan: False)
    data = survey.SurveyInput(scores={f"u{n}": 4 for n in range(1, 10)}, **PROFILE)
    with pytest.raises(survey.SurveyError):
        survey.answer(loan, user("peminjam1"), data)
    db.session.rollback()
    assert db.session.query(SurveyResponse).count() == 0
