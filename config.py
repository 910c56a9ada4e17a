"""Configuration, read from environment variables with safe defaults.

Every setting an operator may change comes from the environment; the values
below are the defaults for a single-machine install with SQLite.
"""
import os

from flask_appbuilder.const import AUTH_DB

BASE_DIR = os.path.abspath(os.path.dirname(__file__))

# The built-in key only serves development and tests: create_app refuses to
# start with it otherwise.
DEVELOPMENT_SECRET_KEY = "pontive-development-key-do-not-use-in-production"


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)

# None means "SQLite file in the instance folder"; create_app fills it in.
SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
SQLALCHEMY_TRACK_MODIFICATIONS = False

# Schema comes from migrations only, and roles are synced by app.setup.
FAB_CREATE_DB = False
FAB_UPDATE_PERMS = False

APP_NAME = "Peminjaman Ruang Rapat Pontive Center"
FAB_INDEX_VIEW = "app.web.views.dashboard.DashboardIndexView"

AUTH_TYPE = AUTH_DB
# FAB's user and role pages with readable, translated values.
FAB_SECURITY_MANAGER_CLASS = "app.fab.security_manager.SecurityManager"
AUTH_ROLE_ADMIN = "Admin"
AUTH_ROLE_PUBLIC = "Public"
# FAB's own registration needs reCAPTCHA from the internet; borrowers register
# on the app's page instead (/register/, app/web/views/registration.py).
AUTH_USER_REGISTRATION = False
# The emailed verification link is valid this many hours.
REGISTRATION_LINK_HOURS = _env_int("REGISTRATION_LINK_HOURS", 48)
# Spam guards of the registration form (app/security/registration_guard.py):
# sent sooner than this after it was shown is refused, older must be reloaded,
# and at most this many accounts per client address an hour (0: no limit).
REGISTRATION_MIN_SECONDS = _env_int("REGISTRATION_MIN_SECONDS", 3)
REGISTRATION_FORM_MAX_HOURS = _env_int("REGISTRATION_FORM_MAX_HOURS", 24)
REGISTRATION_MAX_PER_IP_PER_HOUR = _env_int("REGISTRATION_MAX_PER_IP_PER_HOUR", 10)
FAB_PASSWORD_COMPLEXITY_ENABLED = True
FAB_API_SWAGGER_UI = True

BABEL_DEFAULT_LOCALE = "id"
BABEL_DEFAULT_TIMEZONE = "Asia/Pontianak"
BABEL_TRANSLATION_DIRECTORIES = os.path.join(BASE_DIR, "translations")
LANGUAGES = {
    "id": {"flag": "id", "name": "Bahasa Indonesia"},
    "en": {"flag": "gb", "name": "English"},
}

WTF_CSRF_ENABLED = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Set to 1 behind HTTPS; a request that arrives over HTTPS gets Secure
# cookies anyway (app/platform/headers.py).
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
# Flask-Login's "remember me" cookie, with the same flags.
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Login rate limit (Flask-Limiter through FAB): each client address may try
# to log in AUTH_RATE_LIMIT times, on the web form and on the API
# (/api/v1/security/login) each; more gets 429 until the window passes.
# The counts live in memory per process unless RATELIMIT_STORAGE_URI names a
# store shared by every worker, e.g. redis://127.0.0.1:6379. If that store
# cannot be reached, each process counts in memory meanwhile.
RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
AUTH_RATE_LIMITED = True
AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per 5 minutes")
RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "pontive")

# Office hours and timezone (the scheduling rules read these).
TIMEZONE = os.environ.get("PONTIVE_TIMEZONE", "Asia/Pontianak")
OFFICE_DAYS = [
    int(day) for day in os.environ.get("OFFICE_DAYS", "0,1,2,3,4").split(",") if day
]  # Monday=0
OFFICE_HOURS_START = os.environ.get("OFFICE_HOURS_START", "07:30")
OFFICE_HOURS_END = os.environ.get("OFFICE_HOURS_END", "16:00")
# Booking rules (app/scheduling): notice before the first session, how far
# ahead, the longest session, national holidays and cuti bersama from the
# `holidays` package, and how long a reschedule proposal holds its slot.
BOOKING_MIN_NOTICE_DAYS = _env_int("BOOKING_MIN_NOTICE_DAYS", 2)
BOOKING_MAX_HORIZON_DAYS = _env_int("BOOKING_MAX_HORIZON_DAYS", 180)
BOOKING_MAX_SESSION_HOURS = _env_int("BOOKING_MAX_SESSION_HOURS", 9)
HOLIDAYS_ENABLED = _env_bool("HOLIDAYS_ENABLED", True)
HOLIDAY_CATEGORIES = [
    c for c in os.environ.get("HOLIDAY_CATEGORIES", "public,government").split(",") if c
]
RESCHEDULE_HOLD_HOURS = _env_int("RESCHEDULE_HOLD_HOURS", 48)

# Mutu baku: the SOP's standard minutes for each timed step, counted in
# office time (app/domain/mutu_baku.py). MUTU_BAKU_DISPOSITION_MINUTES and so on.
MUTU_BAKU_MINUTES = {
    step: _env_int(f"MUTU_BAKU_{step.upper()}_MINUTES", minutes)
    for step, minutes in (("disposition", 15), ("coordination", 15), ("agenda", 30),
                          ("preparation", 15))
}

# Public service duties (app/domain/complaints.py, app/web/views/public.py):
# complaints are answered within this many working days; the public page
# shows the room's busy and free blocks for this many days ahead, each
# rendering kept this many seconds; SERVICE_CONTACT (a phone number or an
# address for complaints, say) is printed on it when set.
COMPLAINT_RESPONSE_DAYS = _env_int("COMPLAINT_RESPONSE_DAYS", 5)
PUBLIC_SCHEDULE_DAYS = _env_int("PUBLIC_SCHEDULE_DAYS", 28)
PUBLIC_SCHEDULE_CACHE_SECONDS = _env_int("PUBLIC_SCHEDULE_CACHE_SECONDS", 60)
SERVICE_CONTACT = os.environ.get("SERVICE_CONTACT", "")

# Uploaded request letters live outside the web root, in the instance folder.
UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or None
LETTER_MAX_BYTES = _env_int("LETTER_MAX_BYTES", 5 * 1024 * 1024)
MAX_CONTENT_LENGTH = LETTER_MAX_BYTES + 1024 * 1024

# Mail: without MAIL_SERVER the app works and logs that nothing was sent.
MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
MAIL_PORT = _env_int("MAIL_PORT", 25)
MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
MAIL_DEFAULT_SENDER = os.environ.get(
    "MAIL_DEFAULT_SENDER", "Pontive Center <noreply@pontianak.go.id>"
)
# Seconds to wait for the mail server before giving up (and logging it).
MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
# Where people open the panel: the links in notification emails sent outside a
# web request (the CLI, e.g. `flask release-holds`). Within one, the request's
# own address is used.
APP_BASE_URL = os.environ.get("APP_BASE_URL", "http://localhost:5000")  # run.py's port

# Printed documents (app/documents): the letterhead and the signatories.
DOCUMENT_GOVERNMENT = os.environ.get("DOCUMENT_GOVERNMENT", "Pemerintah Kota Pontianak")
DOCUMENT_AGENCY = os.environ.get("DOCUMENT_AGENCY", "Dinas Komunikasi dan Informatika")
DOCUMENT_ADDRESS = os.environ.get(
    "DOCUMENT_ADDRESS",
    "Jalan Rahadi Usman Nomor 3, Pontianak 78111 · Laman: diskominfo.pontianak.go.id")
DOCUMENT_CITY = os.environ.get("DOCUMENT_CITY", "Pontianak")
# (position, name, NIP) as printed under each signature.
DOCUMENT_SIGNATORIES = {
    "kasi": (
        "Kepala Seksi Pengembangan Kebijakan dan Aplikasi Informatika",
        os.environ.get("SIGNATORY_KASI_NAME", "................................"),
        os.environ.get("SIGNATORY_KASI_NIP", "................................"),
    ),
    "kabid": (
        "Kepala Bidang Tata Kelola Pemerintahan Berbasis Elektronik dan Telematika",
        os.environ.get("SIGNATORY_KABID_NAME", "................................"),
        os.environ.get("SIGNATORY_KABID_NIP", "................................"),
    ),
}
