"""Backup while the app writes, restore into a fresh instance: every request,
history row and letter comes back (``flask backup`` / ``flask restore``).

Runs on the suite's database: SQLite, or PostgreSQL (pg_dump/pg_restore) when
TEST_DATABASE_URL is set.
"""
import hashlib
import io
import os
import tarfile
import threading
import uuid

import pytest
import sqlalchemy as sa
from apps import make_app
from helpers import login, submit_loan, take

from app.models import LoanRequest
from app.platform.extensions import db

TABLES = ("loan_request", "loan_session", "status_history", "ab_user",
          "borrower_profile", "institution", "room", "equipment")


def rows():
    """{table: {row tuple}} of the tables a backup must keep whole."""
    db.session.expire_all()
    return {table: set(db.session.execute(sa.text(f'SELECT * FROM "{table}"')).all())
            for table in TABLES}


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.fixture
def fresh_instance(template_database, tmp_path):
    """An app on an empty database and an empty upload folder (no context pushed:
    the test's own app stays current)."""
    uploads = tmp_path / "fresh-uploads"
    uploads.mkdir()
    pg = template_database.get("pg")
    name = f"{pg.prefix}_fresh_{uuid.uuid4().hex[:8]}" if pg else None
    if pg:
        pg.create(name)
        url = pg.url(name)
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = make_app(url, str(uploads))
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        if pg:
            pg.drop(name)


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result.exit_code, result.output


def test_backup_taken_while_submitting_restores_every_request_row_and_letter(
        app, fresh_instance, tmp_path):
    confirmed = submit_loan("peminjam1", title="Rapat dicadangkan", days_ahead=30)
    for action in ("dispose", "confirm"):
        take(confirmed, action)
        db.session.commit()
    # Read now: inside the fresh instance's context an expired object of this
    # session would load through that instance's database.
    confirmed_id, confirmed_letter = confirmed.id, confirmed.letter_file
    before = rows()
    live_letters = {loan.letter_file for loan in db.session.query(LoanRequest)}
    assert None not in live_letters and len(live_letters) == len(before["loan_request"])

    stop = threading.Event()
    submitted = []
    failures = []

    def keep_submitting():
        with app.app_context():
            try:
                while not stop.is_set():
                    submitted.append(submit_loan(
                        "peminjam2", title=f"Rapat saat cadangan {len(submitted)}").id)
                    db.session.remove()
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(error)

    writer = threading.Thread(target=keep_submitting)
    writer.start()
    try:
        while len(submitted) < 2 and writer.is_alive():
            threading.Event().wait(0.02)
        archive = str(tmp_path / "cadangan.tar")
        code, output = run(app, "backup", archive)
        during = len(submitted)
        while len(submitted) < during + 2 and writer.is_alive():
            threading.Event().wait(0.02)
    finally:
        stop.set()
        writer.join(timeout=60)
    assert failures == []
    assert code == 0, output
    assert "Backup written to" in output
    after = rows()
    assert len(after["loan_request"]) >= len(before["loan_request"]) + 4

    with fresh_instance.app_context():
        code, output = run(fresh_instance, "restore", archive)
        assert code == 0, output
        restored = rows()
        restored_letters = {loan.id: loan.letter_file
                            for loan in db.session.query(LoanRequest)}
        history_of = {loan_id for (loan_id,) in db.session.execute(
            sa.text("SELECT loan_id FROM status_history"))}
        sessions_of = {loan_id for (loan_id,) in db.session.execute(
            sa.text("SELECT loan_id FROM loan_session"))}

    # Everything committed before the backup, nothing that never was, and no
    # request without its history and sessions (one snapshot).
    for table in TABLES:
        assert before[table] <= restored[table], table
        assert restored[table] <= after[table], table
    assert set(restored_letters) <= history_of
    assert set(restored_letters) <= sessions_of
    # Every letter, byte for byte, and nothing else.
    live = app.config["UPLOAD_FOLDER"]
    fresh = fresh_instance.config["UPLOAD_FOLDER"]
    assert sorted(os.listdir(fresh)) == sorted(
        [".maintenance.lock"] + list(restored_letters.values()))
    for name in restored_letters.values():
        assert sha256(os.path.join(fresh, name)) == sha256(os.path.join(live, name))

    # The restored instance serves them: the borrower opens the request and its letter.
    with fresh_instance.app_context():
        client = login(fresh_instance.test_client(), "peminjam1")
        page = client.get(f"/loans/show/{confirmed_id}")
        assert page.status_code == 200
        assert "Rapat dicadangkan" in page.get_data(as_text=True)
        letter = client.get(f"/loans/letter/{confirmed_id}")
        assert letter.status_code == 200
        with open(os.path.join(live, confirmed_letter), "rb") as handle:
            assert letter.data == handle.read()


def test_restore_refuses_an_instance_with_data_unless_forced(app, fresh_instance, tmp_path):
    archive = str(tmp_path / "cadangan.tar")
    assert run(app, "backup", archive)[0] == 0
    submit_loan("peminjam1", title="Sesudah cadangan")
    counts = rows()

    code, output = run(app, "restore", archive)
    assert code != 0
    assert "not empty" in output and "--force" in output
    assert rows() == counts

    with fresh_instance.app_context():
        assert run(fresh_instance, "restore", archive)[0] == 0
        first = rows()
        submit_loan("peminjam1", title="Akan ditimpa")
        code, output = run(fresh_instance, "restore", archive, "--force")
        assert code == 0, output
        assert rows() == first


def test_a_damaged_backup_is_refused_and_changes_nothing(app, fresh_instance, tmp_path):
    archive = tmp_path / "cadangan.tar"
    assert run(app, "backup", str(archive))[0] == 0
    damaged = tmp_path / "rusak.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("letters/"):
                data = data[:-10] + b"0123456789"
            target.addfile(member, fileobj=io.BytesIO(data))
    with fresh_instance.app_context():
        code, output = run(fresh_instance, "restore", str(damaged))
        assert code != 0
        assert "does not match its checksum" in output
        with db.engine.connect() as connection:
            assert sa.inspect(connection).get_table_names() == []
        assert [n for n in os.listdir(fresh_instance.config["UPLOAD_FOLDER"])
                if n.endswith(".pdf")] == []


def test_only_the_owner_may_read_an_archive(app, tmp_path):
    """An archive holds every request and account: 0600 whatever the umask,
    also when it replaces an older archive that others could read; the
    folder the command makes for it is its owner's only."""
    archive = tmp_path / "baru" / "cadangan.tar"
    archive.parent.mkdir()
    archive.write_bytes(b"lama")
    archive.chmod(0o644)
    previous = os.umask(0o022)
    try:
        assert run(app, "backup", str(archive))[0] == 0
        made = tmp_path / "dibuat" / "cadangan.tar"
        assert run(app, "backup", str(made))[0] == 0
    finally:
        os.umask(previous)
    assert archive.stat().st_mode & 0o777 == 0o600
    assert made.stat().st_mode & 0o777 == 0o600
    assert made.parent.stat().st_mode & 0o777 == 0o700
    with tarfile.open(archive) as written:
        assert "manifest.json" in written.getnames()
