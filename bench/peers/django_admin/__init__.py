"""Django admin over the bench's database: unmanaged models of its tables
(models.py), a ModelAdmin for the requests (admin.py) and a superuser
signed in through Django's test client. Django's own tables (auth,
sessions, content types, admin log) are migrated into the same database
beside the project's; the project's tables are not touched.

Django settings are per process: :func:`panel` configures them once.
"""
from sqlalchemy.engine import make_url

from peers.panel import Counter, Panel, list_urls

SUPERUSER = ("djangoadmin", "Bench#2026x")


def _database(database_url):
    url = make_url(database_url)
    if url.drivername.startswith("sqlite"):
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": url.database,
                "CONN_MAX_AGE": None}
    return {"ENGINE": "django.db.backends.postgresql", "NAME": url.database,
            "USER": url.username or "", "PASSWORD": url.password or "",
            "HOST": url.host or "", "PORT": str(url.port or ""),
            # Connections kept, as the Flask panels' pools keep theirs.
            "CONN_MAX_AGE": None}


def configure(database_url):
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-not-secret",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF="peers.django_admin.urls",
        INSTALLED_APPS=[
            "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
            "django.contrib.sessions", "django.contrib.messages",
            "django.contrib.staticfiles", "peers.django_admin",
        ],
        MIDDLEWARE=[  # startproject's
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        TEMPLATES=[{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]},
        }],
        DATABASES={"default": _database(database_url)},
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        LANGUAGE_CODE="id",
        TIME_ZONE="Asia/Pontianak",
        USE_I18N=True,
        USE_TZ=True,
        STATIC_URL="/static/",
    )
    django.setup()


def panel(database_url):
    """Django's tables migrated, a superuser, and a client signed in as them."""
    import contextlib

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    configure(database_url)
    call_command("migrate", verbosity=0, interactive=False)
    user = get_user_model().objects.create_superuser(
        SUPERUSER[0], "djangoadmin@example.org", SUPERUSER[1])
    client = Client()
    client.force_login(user)

    @contextlib.contextmanager
    def counting():
        counter = Counter()

        def count(execute, sql, params, many, context):
            counter.count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            yield counter

    return Panel("Django admin", client, counting,
                 list_urls("/admin/django_admin/loanrequest/", "p", "q", first_page=1),
                 lambda pk: f"/admin/django_admin/loanrequest/{pk}/change/")
