"""Pictures of the public service duties for docs/public-service.md:
docs/public-page.png (the page a visitor gets at /) and docs/survey-report.png
(the first page of the printed Survei Kepuasan Masyarakat report).

    python tests/e2e/public_screenshots.py

Builds a scratch database (the demo data, bookings in the coming weeks, a
quarter of survey answers), serves it on 127.0.0.1, photographs / in Debian's
Chromium without logging in, and turns the report's PDF into a PNG with
pdftoppm. Not part of the test suite.
"""
import random
import subprocess
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE), str(HERE.parent)]

from flask import current_app  # noqa: E402
from helpers import office_days, submit_loan, take  # noqa: E402
from shots import DOCS, shoot, showing  # noqa: E402

from app.documents import survey_report  # noqa: E402
from app.domain import survey  # noqa: E402
from app.models import SurveyResponse  # noqa: E402
from app.platform.extensions import db  # noqa: E402
from app.platform.timeutil import from_local, to_local, utcnow  # noqa: E402

BOOKINGS = [  # (start, end, borrower, title), each on the next office day
    ((9, 0), (12, 0), "peminjam1", "Rapat Koordinasi"),
    ((13, 0), (15, 30), "peminjam2", "Kuliah Umum"),
    ((8, 0), (10, 0), "peminjam2", "Lokakarya Data"),
    ((10, 30), (12, 0), "peminjam1", "Bimbingan Teknis"),
]


def at(day, hours):
    return from_local(datetime.combine(day, time(*hours)))


def scenario():
    """Bookings and a quarter's survey answers; returns that quarter's report."""
    for day, (start, end, username, title) in zip(office_days(3, len(BOOKINGS)),
                                                  BOOKINGS):
        loan = submit_loan(username, title=title, now=utcnow() - timedelta(days=1),
                           sessions=[(at(day, start), at(day, end))])
        for action in ("dispose", "confirm", "schedule"):
            take(loan, action)
        db.session.commit()
    # Last quarter's answers: 23 respondents, scores mostly 3 and 4.
    local = to_local(utcnow())
    quarter = (local.month - 1) // 3  # the last finished quarter, 0 for Q4 last year
    year = local.year if quarter else local.year - 1
    months = [3 * (quarter or 4) - 2 + n for n in range(3)]
    rng = random.Random(2026)
    suggestions = ["Mohon ditambah stop kontak di sisi kanan ruangan.",
                   "Pelayanan cepat dan ramah, terima kasih.",
                   "Proyektor kadang kurang terang untuk peserta di belakang."]
    for n in range(23):
        scores = {f"u{e}": rng.choice((3, 3, 4, 4, 4) if e != 8 else (2, 3, 3, 4))
                  for e in range(1, 10)}
        scores["u4"] = 4  # the service is free
        db.session.add(SurveyResponse(
            year=year, month=months[n % 3], gender=rng.choice("lp"),
            education=rng.choice(("sma", "d1_d3", "s1", "s1", "s2")),
            occupation=rng.choice(("pns", "pns", "swasta", "lainnya")),
            age_group=rng.choice(("25_34", "35_44", "45_54")),
            suggestion=suggestions[n] if n < len(suggestions) else "", **scores))
    db.session.commit()
    period = survey.Period("quarter", year, quarter or 4)
    with current_app.test_request_context("/"):
        return survey_report.render(survey_report.report_data(period))


def main():
    with showing("public-shots-", scenario, PUBLIC_SCHEDULE_DAYS=14) as (browser, base, pdf):
        target = DOCS / "survey-report.png"
        # pdftoppm reads the PDF from stdin ("-"); -singlefile: no page suffix.
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        "-", str(target.with_suffix(""))], input=pdf, check=True)
        print(target)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}/")
        shoot(page, "public-page.png", full_page=True)


if __name__ == "__main__":
    main()
