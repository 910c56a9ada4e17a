"""Helpers the tests share: logging in, finding demo data, making PDFs."""
import io
import re

from app.extensions import db

PASSWORD = "Pontive#2026"


def login(client, username, password=PASSWORD):
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302, f"login as {username} failed"
    return client


def user(username):
    from flask import current_app

    return current_app.appbuilder.sm.find_user(username=username)


def loans_of(username):
    from app.models import LoanRequest

    return (db.session.query(LoanRequest)
            .filter_by(borrower_id=user(username).id)
            .order_by(LoanRequest.id).all())


def make_pdf(text="Surat permohonan"):
    from app.demo import demo_letter_pdf

    return demo_letter_pdf(text, "001/TEST/2026")


def pdf_upload(data=None, name="surat.pdf"):
    return (io.BytesIO(make_pdf() if data is None else data), name)


def visible_text(response):
    """The page's text without tags, scripts and styles (what a user reads)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
