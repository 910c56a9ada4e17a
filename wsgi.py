"""The WSGI entry point for production servers.

    gunicorn -c gunicorn.conf.py wsgi:app

It only builds the app from the environment (DATABASE_URL, SECRET_KEY, MAIL_*,
RATELIMIT_STORAGE_URI, ...; see config.py). It never changes the schema:
apply migrations first with ``flask --app app setup`` (gunicorn.conf.py
refuses to start workers on a database that is behind the migrations).
"""
from app import create_app

app = create_app()
