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


def _env_lines(name, default):
    """A list from a "|"-separated variable ("-" for an empty list)."""
    value = os.environ.get(name)
    if value in (None, ""):
        return list(default)
    if value.strip() == "-":
        return []
    return [line.strip() for line in value.split("|") if line.strip()]


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
# and at most this many accounts per client address an hour (0: no limit),
# counted in the store of RATELIMIT_STORAGE_URI below.
REGISTRATION_MIN_SECONDS = _env_int("REGISTRATION_MIN_SECONDS", 3)
REGISTRATION_FORM_MAX_HOURS = _env_int("REGISTRATION_FORM_MAX_HOURS", 24)
REGISTRATION_MAX_PER_IP_PER_HOUR = _env_int("REGISTRATION_MAX_PER_IP_PER_HOUR", 10)
# "Forgot my password" (app/domain/password_reset.py): the emailed link is
# valid this many minutes (and once); asking for one is limited per client
# address and per email address (RATELIMIT_ENABLED turns that off).
PASSWORD_RESET_LINK_MINUTES = _env_int("PASSWORD_RESET_LINK_MINUTES", 60)
PASSWORD_RESET_REQUEST_LIMIT = os.environ.get("PASSWORD_RESET_REQUEST_LIMIT",
                                              "5 per hour")
FAB_PASSWORD_COMPLEXITY_ENABLED = True
FAB_API_SWAGGER_UI = True
# FAB's menu API (/api/v1/menu/) serves a JavaScript menu; the panel draws
# its menu on the server and grants no role that API.
FAB_ADD_MENU_API = False

BABEL_DEFAULT_LOCALE = "id"
BABEL_DEFAULT_TIMEZONE = "Asia/Pontianak"
BABEL_TRANSLATION_DIRECTORIES = os.path.join(BASE_DIR, "translations")
LANGUAGES = {
    "id": {"flag": "id", "name": "Bahasa Indonesia"},
    "en": {"flag": "gb", "name": "English"},
}

WTF_CSRF_ENABLED = True
# A web session ends this long after its last request, and this long after
# the login whatever happens in it (app/security/sessions.py): two hours
# idle is a long meeting away from the desk; twelve hours holds an office
# day (07.30-16.00) with time to spare, so staff log in once a day and a
# session left open on a shared computer is over by the next morning.
SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 120)
SESSION_MAX_HOURS = _env_int("SESSION_MAX_HOURS", 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Set to 1 behind HTTPS; a request that arrives over HTTPS gets Secure
# cookies anyway (app/platform/headers.py).
SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
# Flask-Login's "remember me" cookie, with the same flags.
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Limits on attempts (app/security/throttle.py, login_limit.py): wrong
# passwords per account and per client address, on the web form and the API
# (/api/v1/security/login) together; successful logins never count. Over a
# limit, the login is refused until its window has passed (the page says
# when). Rates in the words of the `limits` package: "5 per 15 minutes".
# RATELIMIT_ENABLED=0 turns these limits off (the registration limit above
# has its own setting).
RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
LOGIN_ACCOUNT_FAILURE_LIMIT = os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT",
                                             "5 per 15 minutes")
LOGIN_ADDRESS_FAILURE_LIMIT = os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT",
                                             "20 per 15 minutes")
# FAB's own login limit counts every login, successful ones too, per address
# (an office behind one address was locked out): the limits above replace it.
AUTH_RATE_LIMITED = False
# The counts live in memory per process unless RATELIMIT_STORAGE_URI names a
# store shared by every worker, e.g. redis://127.0.0.1:6379 (needed with more
# than one worker). If that store cannot be reached, each process counts in
# memory meanwhile.
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
# The most sessions one request (or a reschedule proposal) may have: a
# recurring request's occurrences count too.
BOOKING_MAX_SESSIONS = _env_int("BOOKING_MAX_SESSIONS", 14)
HOLIDAYS_ENABLED = _env_bool("HOLIDAYS_ENABLED", True)
HOLIDAY_CATEGORIES = [
    c for c in os.environ.get("HOLIDAY_CATEGORIES", "public,government").split(",") if c
]
RESCHEDULE_HOLD_HOURS = _env_int("RESCHEDULE_HOLD_HOURS", 48)
# `flask --app app reminders` reminds the borrower once this many office hours
# (or fewer) of a proposal's hold remain: one office day.
RESCHEDULE_HOLD_REMINDER_HOURS = _env_int("RESCHEDULE_HOLD_REMINDER_HOURS", 8)
# The same command deletes read notices of the bell this many days after they
# were written (0: never); unread ones are kept however old.
NOTICE_KEEP_DAYS = _env_int("NOTICE_KEEP_DAYS", 180)

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
# Where people open the panel, e.g. https://ruang.pontianak.go.id: every link
# in an email (step notifications, email verification, password reset) and on
# a printed document starts with it, never with the address a request came in
# on (its Host header is whatever the sender typed). Set it in production.
DEFAULT_APP_BASE_URL = "http://localhost:5000"  # run.py's port
APP_BASE_URL = os.environ.get("APP_BASE_URL", DEFAULT_APP_BASE_URL)

# Printed documents (app/documents): the letterhead, the signatories, the
# confirmation letter's number and copies, the disposition sheet's presets.
# A value only the office knows prints as a dotted line until it is set;
# docs/documents.md lists them all in one table.
DOCUMENT_GOVERNMENT = os.environ.get("DOCUMENT_GOVERNMENT", "Pemerintah Kota Pontianak")
DOCUMENT_AGENCY = os.environ.get("DOCUMENT_AGENCY", "Dinas Komunikasi dan Informatika")
DOCUMENT_ADDRESS = os.environ.get("DOCUMENT_ADDRESS",
                                  "Jalan Rahadi Usman Nomor 3, Pontianak 78111")
DOCUMENT_PHONE = os.environ.get("DOCUMENT_PHONE", "")
DOCUMENT_EMAIL = os.environ.get("DOCUMENT_EMAIL", "")
DOCUMENT_WEBSITE = os.environ.get("DOCUMENT_WEBSITE", "")
# The city's arms for the letterhead: a PNG or JPEG file (none: text only).
DOCUMENT_LOGO = os.environ.get("DOCUMENT_LOGO", "")
DOCUMENT_CITY = os.environ.get("DOCUMENT_CITY", "Pontianak")



def _signatory(key, position):
    """Jabatan, name, pangkat/golongan and NIP as printed under a signature."""
    return {
        "position": os.environ.get(f"SIGNATORY_{key}_POSITION", position),
        "name": os.environ.get(f"SIGNATORY_{key}_NAME", ""),
        "rank": os.environ.get(f"SIGNATORY_{key}_RANK", ""),
        "nip": os.environ.get(f"SIGNATORY_{key}_NIP", ""),
    }


DOCUMENT_SIGNATORIES = {
    "kasi": _signatory("KASI", "Kepala Seksi Pengembangan Kebijakan dan Aplikasi "
                               "Informatika"),
    "kabid": _signatory("KABID", "Kepala Bidang Tata Kelola Pemerintahan Berbasis "
                                 "Elektronik dan Telematika"),
    # The maker of the loan register.
    "adminpc": _signatory("ADMINPC", "Admin Pontive Center"),
}
# The confirmation letter: the Kasi signs on behalf of (a.n.) the head of the
# Dinas, through (u.b.) the Kabid; these lines stand above the Kasi's jabatan.
CONFIRMATION_SIGNED_FOR = _env_lines("CONFIRMATION_SIGNED_FOR", [
    "a.n. Kepala Dinas Komunikasi dan Informatika",
    "Kepala Bidang Tata Kelola Pemerintahan Berbasis Elektronik dan Telematika",
    "u.b.",
])
# Its number: kode klasifikasi/nomor urut/kode unit/tahun.
CONFIRMATION_CLASSIFICATION = os.environ.get("CONFIRMATION_CLASSIFICATION", "")
CONFIRMATION_UNIT = os.environ.get("CONFIRMATION_UNIT", "")
# Tembusan (copies to), one per line; unset, one dotted line ("" is unset).
CONFIRMATION_COPIES = _env_lines("CONFIRMATION_COPIES", [""])
# "Dengan hormat harap" on the disposition sheet: each preset is
# "instruction code=printed text" (the Kabid's choice is ticked) or only a
# text, to tick by hand.
DISPOSITION_PRESETS = _env_lines("DISPOSITION_PRESETS", [
    "response=Tanggapan dan saran",
    "follow_up=Proses lebih lanjut",
    "coordinate=Koordinasi/konfirmasikan",
    "for_information=Untuk diketahui",
    "process=Proses sesuai ketentuan",
    "archive=Arsip",
])
