"""Starting on a database that cannot be used: one line, not a traceback.

``python run.py``, gunicorn's master (gunicorn.conf.py) and the ``flask``
command end with one line naming the database (its password masked) and
what failed, and a non-zero status, when DATABASE_URL names a database that
cannot be reached, or cannot be read as a URL at all. Any other error keeps
its traceback: it is a bug to report.
"""
import contextlib
import sys

from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from app.platform.database_outage import (
    UNREADABLE,
    describe,
    is_unavailable,
    safe_url,
)


def failure_line(error, uri):
    """The one line for ``error`` if it means the database ``uri`` cannot
    be used (unreachable, an unknown kind, a URL that is none), else None."""
    unreadable = isinstance(error, ArgumentError) and safe_url(uri) == UNREADABLE
    if is_unavailable(error) or unreadable or isinstance(error, NoSuchModuleError):
        return describe(error, uri)
    return None


def configured_database():
    """The URL DATABASE_URL (config.py) makes the app use."""
    import config
    from app import database_uri

    return database_uri(config.SQLALCHEMY_DATABASE_URI)


@contextlib.contextmanager
def database_or_exit(uri=None):
    """Run the block; a database failure in it exits with its one line."""
    try:
        yield
    except Exception as error:
        line = failure_line(error, uri or configured_database())
        if line is None:
            raise
        raise SystemExit(line) from None


def quiet_database_failures(uri):
    """For the ``flask`` command, whose commands (the app's, Flask-Migrate's)
    raise out of click: a database failure that ends it prints its one line
    (Python still exits with status 1); anything else its traceback."""
    previous = sys.excepthook
    if getattr(previous, "quiet_database_failures", False):
        return  # installed by an earlier app of this process

    def hook(kind, error, traceback):
        line = failure_line(error, uri)
        if line is None:
            previous(kind, error, traceback)
        else:
            print(line, file=sys.stderr)

    hook.quiet_database_failures = True
    sys.excepthook = hook
