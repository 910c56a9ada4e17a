"""Request letters: accepted only as real PDFs, stored outside the web root.

A file is judged by its content (it must parse as a PDF with at least one
page), never by its name or the browser's content type. Stored files get a
generated name, so nothing the borrower typed reaches the file system.
"""
import io
import logging
import os
import uuid

from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError

log = logging.getLogger(__name__)

# pypdf logs warnings for every quirk of a damaged file; the user gets our
# message instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def upload_folder():
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    return folder


def letter_error(data):
    """Why ``data`` (bytes) is not an acceptable letter, or None if it is."""
    limit = current_app.config["LETTER_MAX_BYTES"]
    if not data:
        return _l("The letter file is empty.")
    if len(data) > limit:
        megabytes = f"{limit / (1024 * 1024):g}"
        return _l("The letter is too large (at most %(size)s MB).", size=megabytes)
    if not data.startswith(b"%PDF-"):
        return _l("The letter must be a PDF file.")
    try:
        if len(PdfReader(io.BytesIO(data)).pages) < 1:
            return _l("The PDF file has no pages.")
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return _l("The PDF file is damaged and cannot be read.")
    return None


def store_letter(data):
    """Write a checked letter under a generated name and return that name."""
    name = f"{uuid.uuid4().hex}.pdf"
    path = os.path.join(upload_folder(), name)
    # Write then rename, so a crash never leaves a half-written letter.
    tmp_path = path + ".part"
    with open(tmp_path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp_path, path)
    return name


def letter_path(name):
    """The stored file of ``name``, refusing anything but our generated names."""
    if not name or os.path.basename(name) != name or not name.endswith(".pdf"):
        return None
    path = os.path.join(upload_folder(), name)
    return path if os.path.isfile(path) else None


def remove_letter(name):
    path = letter_path(name)
    if path:
        os.remove(path)
