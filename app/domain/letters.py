"""Request letters: accepted only as real PDFs, stored outside the web root.

A file is judged by its content (it must parse as a PDF with at least one
page), never by its name or the browser's content type. Stored files get a
generated name, so nothing the borrower typed reaches the file system.

A letter and its database row are kept together through crashes: the file is
written under a temporary name, flushed to disk and renamed into place before
the row naming it commits, so a committed row always names a whole file. If
the transaction rolls back, the file goes with it; if the process dies before
the commit, the whole but unnamed file is left for :func:`sweep`
(``flask --app app sweep-letters``, also run by ``flask --app app setup``),
which removes files no row names once they are older than any transaction.
A replaced letter is left to the sweep too, so that a backup taken meanwhile
still finds every letter its snapshot names.
"""
import fcntl
import io
import logging
import os
import time
import uuid
from contextlib import contextmanager

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import event

from app.platform.extensions import db

log = logging.getLogger(__name__)

# pypdf logs warnings for every quirk of a damaged file; the user gets our
# message instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def upload_folder():
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    return folder


def max_bytes():
    """The largest letter accepted, in bytes."""
    return current_app.config["LETTER_MAX_BYTES"]


def max_size_text():
    """That limit as people read it: "5 MB"."""
    return f"{max_bytes() / (1024 * 1024):g} MB"


def too_large():
    return _l("The letter is too large (at most %(size)s).", size=max_size_text())


def letter_error(data):
    """Why ``data`` (bytes) is not an acceptable letter, or None if it is."""
    if not data:
        return _l("The letter file is empty.")
    if len(data) > max_bytes():
        return too_large()
    if not data.startswith(b"%PDF-"):
        return _l("The letter must be a PDF file.")
    try:
        if len(PdfReader(io.BytesIO(data)).pages) < 1:
            return _l("The PDF file has no pages.")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return _l("The PDF file is damaged and cannot be read.")
    return None


# session.info key: letters written in the current transaction, not yet committed.
WRITTEN = "letters_written"
PART = ".part"
# Files no row names are removed by the sweep only when older than this: no
# transaction of the app lasts that long, so none is still about to name them.
SWEEP_GRACE_SECONDS = 3600
LOCK_NAME = ".maintenance.lock"


def _fsync_directory(folder):
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def store_letter(data):
    """Write a checked letter under a generated name and return that name.

    Written to a temporary name, flushed and renamed, so a crash never leaves
    a half-written letter; removed again if the transaction does not commit.
    """
    folder = upload_folder()
    name = f"{uuid.uuid4().hex}.pdf"
    path = os.path.join(folder, name)
    tmp_path = path + PART
    with open(tmp_path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp_path, path)
    _fsync_directory(folder)
    db.session.info.setdefault(WRITTEN, []).append(path)
    return name


@event.listens_for(db.session, "after_commit")
def _keep_written(session):
    if not session.in_nested_transaction():
        session.info.pop(WRITTEN, None)


@event.listens_for(db.session, "after_transaction_end")
def _remove_uncommitted(session, transaction):
    """A transaction that ended without committing takes its letters along."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(WRITTEN, []):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


# A sound letter of a refused form is kept here for the borrower's retry
# (app/web/views/loan_form.py ties it to their session), apart from the
# letters requests name, and removed after the longest session at the latest.
KEPT_FOLDER = "kept"


def _kept_path(token):
    if not (isinstance(token, str) and len(token) == 32 and token.isalnum()
            and token.isascii()):
        return None
    return os.path.join(upload_folder(), KEPT_FOLDER, f"{token}.pdf")


def keep_for_retry(data):
    """Keep a checked letter for a retry of its form; returns its token.
    Kept letters older than a session's longest life are removed meanwhile."""
    folder = os.path.join(upload_folder(), KEPT_FOLDER)
    os.makedirs(folder, exist_ok=True)
    oldest = time.time() - current_app.config["SESSION_MAX_HOURS"] * 3600
    for entry in os.scandir(folder):
        if entry.is_file() and entry.stat().st_mtime < oldest:
            os.remove(entry.path)
    token = uuid.uuid4().hex
    with open(_kept_path(token), "wb") as handle:
        handle.write(data)
    return token


def kept_letter(token):
    """The bytes kept under ``token``, or None when there are none (any more)."""
    path = _kept_path(token)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (TypeError, OSError):
        return None


def forget_kept(token):
    path = _kept_path(token)
    if path is not None and os.path.isfile(path):
        os.remove(path)


def letter_path(name):
    """The stored file of ``name``, refusing anything but our generated names."""
    if not name or os.path.basename(name) != name or not name.endswith(".pdf"):
        return None
    path = os.path.join(upload_folder(), name)
    return path if os.path.isfile(path) else None


@contextmanager
def maintenance_lock(folder):
    """Keeps the sweep and a backup of ``folder`` apart (across processes)."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, LOCK_NAME), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def referenced_letters(connection):
    """The letter file names the database's requests name."""
    from app.models import LoanRequest

    rows = connection.execute(
        sa.select(LoanRequest.letter_file).where(LoanRequest.letter_file.is_not(None)))
    return {name for (name,) in rows}


def sweep(grace_seconds=SWEEP_GRACE_SECONDS, now=None):
    """Remove files of the upload folder that no request names (left by a
    process that died before its commit, or replaced), and temporary files,
    once older than ``grace_seconds``. Returns the names removed."""
    folder = upload_folder()
    now = time.time() if now is None else now
    removed = []
    with maintenance_lock(folder):
        with db.engine.connect() as connection:
            named = referenced_letters(connection)
        for entry in os.scandir(folder):
            if (not entry.is_file() or entry.name == LOCK_NAME or entry.name in named
                    or now - entry.stat().st_mtime < grace_seconds):
                continue
            os.remove(entry.path)
            removed.append(entry.name)
    return sorted(removed)
