"""Backup and restore of the database and the uploaded letters, as one archive.

``flask --app app backup [PATH]`` writes a tar archive while the app keeps
running:

- ``database.sqlite``: SQLite's online backup API copies the file in one
  step under a read lock, a consistent snapshot; or ``database.dump``:
  ``pg_dump --format=custom`` of a snapshot exported by a REPEATABLE READ
  transaction (``--snapshot``), the same snapshot the letters are listed from;
- ``letters/<name>``: every letter a request of that snapshot names (a letter
  is on disk before its row commits, and only ``letters.sweep`` deletes one,
  never while a backup holds the upload folder's lock);
- ``manifest.json``: the database kind, the migration revision, the row count
  of every table and the SHA-256 of every other member.

``flask --app app restore PATH`` checks every checksum, then loads the
database into an empty one (refusing a database with tables, or an upload
folder with letters, unless ``--force`` replaces them) and the letters into
the upload folder, and checks the row counts against the manifest.
"""
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import make_url

from app.domain import letters
from app.platform.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
LETTERS_DIR = "letters"


class BackupError(Exception):
    """The backup or restore cannot be done; nothing was changed."""


# ------------------------------------------------------------------ helpers

def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dialect():
    return db.engine.dialect.name


def _sqlite_path():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database


def _libpq_env():
    """pg_dump's and pg_restore's connection, from the app's URL (the password
    in the environment, not on the command line)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port),
                       ("PGUSER", url.username), ("PGPASSWORD", url.password),
                       ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return env


def _owner_only(path):
    """``path`` opened for writing, readable and writable by its owner only
    (0600, whatever the umask): an archive holds every request and account."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a leftover of an interrupted run keeps its mode
    return os.fdopen(fd, "wb")


def _run(command, env=None):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (postgresql-client).") from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
    return result


def table_counts(connection):
    """{table: rows} of every table in the database ``connection`` reads."""
    names = sorted(sa.inspect(connection).get_table_names())
    return {name: connection.execute(
        sa.text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}


def _revision(connection):
    try:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")
                                  ).scalar_one_or_none()
    except sa.exc.DBAPIError:
        return None


# ------------------------------------------------------------------- backup

def _snapshot_sqlite(directory):
    """Copy the live database consistently; its counts and letter names."""
    target = os.path.join(directory, "database.sqlite")
    source = sqlite3.connect(_sqlite_path(), timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one read transaction
    finally:
        copy.close()
        source.close()
    engine = sa.create_engine(f"sqlite:///{target}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            facts = (table_counts(connection), _revision(connection),
                     letters.referenced_letters(connection))
    finally:
        engine.dispose()
    return "database.sqlite", facts


def _snapshot_postgresql(directory):
    """pg_dump of one exported snapshot, read by the same transaction."""
    target = os.path.join(directory, "database.dump")
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            facts = (table_counts(connection), _revision(connection),
                     letters.referenced_letters(connection))
            _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                  f"--file={target}"], env=_libpq_env())
    return "database.dump", facts


def default_backup_path():
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return os.path.join(current_app.instance_path, "backups", f"pontive-{stamp}.tar")


def backup(path=None):
    """Write the archive to ``path`` (default: instance/backups/) and return
    ``(path, manifest)``. Safe while the app serves requests."""
    path = os.path.abspath(path or default_backup_path())
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    folder = letters.upload_folder()
    snapshot = _snapshot_postgresql if _dialect() == "postgresql" else _snapshot_sqlite
    with tempfile.TemporaryDirectory(prefix="pontive-backup-") as directory:
        with letters.maintenance_lock(folder):  # the sweep waits meanwhile
            member, (counts, revision, names) = snapshot(directory)
            os.makedirs(os.path.join(directory, LETTERS_DIR))
            for name in sorted(names):
                source = os.path.join(folder, name)
                if not os.path.isfile(source):
                    raise BackupError(f"The letter {name} named by the database is missing.")
                shutil.copy2(source, os.path.join(directory, LETTERS_DIR, name))
        files = {member: _sha256(os.path.join(directory, member))}
        files.update({f"{LETTERS_DIR}/{name}": _sha256(os.path.join(directory, LETTERS_DIR, name))
                      for name in sorted(names)})
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "database": _dialect(),
            "revision": revision,
            "tables": counts,
            "files": files,
        }
        partial = path + ".part"
        with _owner_only(partial) as handle:
            with tarfile.open(fileobj=handle, mode="w") as archive:
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(datetime.now(timezone.utc).timestamp())
                archive.addfile(info, io.BytesIO(data))
                for name in files:
                    archive.add(os.path.join(directory, name), arcname=name,
                                recursive=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    return path, manifest


# ------------------------------------------------------------------ restore

def read_archive(path, directory):
    """Unpack ``path`` into ``directory``, check every checksum; the manifest."""
    try:
        with tarfile.open(path, "r") as archive:
            archive.extractall(directory, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Cannot read the backup {path}: {error}") from error
    try:
        with open(os.path.join(directory, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as error:
        raise BackupError("The backup has no readable manifest.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name, checksum in manifest["files"].items():
        member = os.path.join(directory, name)
        if not os.path.isfile(member) or _sha256(member) != checksum:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
    return manifest


def _database_has_tables():
    with db.engine.connect() as connection:
        return bool(sa.inspect(connection).get_table_names())


def _folder_letters(folder):
    return [entry.path for entry in os.scandir(folder)
            if entry.is_file() and entry.name != letters.LOCK_NAME]


def _restore_sqlite(source):
    target = _sqlite_path()
    db.session.remove()
    db.engine.dispose()
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    partial = target + ".restoring"
    shutil.copyfile(source, partial)
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    for leftover in (target + "-journal", target + "-wal", target + "-shm"):
        if os.path.exists(leftover):
            os.remove(leftover)
    os.replace(partial, target)


def _restore_postgresql(source, force):
    db.session.remove()
    if force:
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    db.engine.dispose()
    _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
          f"--dbname={_libpq_env()['PGDATABASE']}", source], env=_libpq_env())


def restore(path, force=False):
    """Load the archive at ``path`` into this instance's database and upload
    folder; returns the manifest. Refuses a non-empty instance unless ``force``."""
    folder = letters.upload_folder()
    if not force:
        if _database_has_tables():
            raise BackupError("The database is not empty; restore into an empty one "
                              "or add --force to replace it.")
        if _folder_letters(folder):
            raise BackupError(f"The upload folder {folder} is not empty; restore into an "
                              "empty one or add --force to replace it.")
    with tempfile.TemporaryDirectory(prefix="pontive-restore-") as directory:
        manifest = read_archive(path, directory)
        if manifest["database"] != _dialect():
            raise BackupError(f"This backup is of a {manifest['database']} database; "
                              f"this instance uses {_dialect()}.")
        if _dialect() == "postgresql":
            _restore_postgresql(os.path.join(directory, "database.dump"), force)
        else:
            _restore_sqlite(os.path.join(directory, "database.sqlite"))
        with letters.maintenance_lock(folder):
            if force:
                for stale in _folder_letters(folder):
                    os.remove(stale)
            for name in manifest["files"]:
                if name.startswith(LETTERS_DIR + "/"):
                    target = os.path.join(folder, os.path.basename(name))
                    shutil.copy2(os.path.join(directory, name), target + letters.PART)
                    os.replace(target + letters.PART, target)
    with db.engine.connect() as connection:
        counts = table_counts(connection)
    if counts != manifest["tables"]:
        raise BackupError("The restored database's row counts differ from the backup's.")
    return manifest
