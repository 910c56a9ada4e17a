"""What a database that cannot be reached looks like: the errors that mean
it, and the one line that names it for an operator.

While the app runs, such an error is the 503 page (app/platform/errors.py):
the service is briefly unavailable, nothing is wrong with the request. At
start (``python run.py``, ``flask --app app ...``, gunicorn) it ends the
program with :func:`describe` instead of a traceback.
"""
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

# Connection refused or lost, the server shutting down, the database gone,
# the pool exhausted, a lock not granted in time: nothing the user did.
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def is_unavailable(error):
    return isinstance(error, UNAVAILABLE) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def _url(uri):
    try:
        return make_url(uri)
    except ArgumentError:
        return None


UNREADABLE = "(unreadable URL)"


def safe_url(uri):
    """The database's URL with its password masked."""
    url = _url(uri)
    return url.render_as_string(hide_password=True) if url else UNREADABLE


def reason(error):
    """What failed: the first line of the driver's message."""
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def describe(error, uri):
    """One line: which database (its password masked), and what failed."""
    what = reason(error)
    url = _url(uri)
    if url is not None and url.password:
        what = what.replace(str(url.password), "***")
    return f"Cannot use the database {safe_url(uri)}: {what}"
