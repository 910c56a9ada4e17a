"""Bringing a database up to date: schema, roles and reference data.

Idempotent: ``python run.py`` and ``flask --app app seed`` call it at every
start, and a second run changes nothing.
"""
import secrets

import flask_migrate
from flask import current_app

from app import MIGRATIONS_DIR
from app.models import Equipment, Room
from app.platform.extensions import db
from app.security.roles import ADMIN, ALL_ROLES

PONTIVE_ROOM = {
    "name": "Ruang Rapat Pontive Center",
    "location": "Pontianak Interactive Center, Jl. Rahadi Usman No. 3, Pontianak",
    "capacity": 30,
    "prep_buffer_minutes": 30,
    "description": "Ruang rapat Pontianak Interactive Center (Pontive Center).",
}

PONTIVE_EQUIPMENT = [
    ("Komputer", 1, "Nyalakan UPS, lalu tekan tombol daya CPU dan monitor."),
    ("TV", 1, "Nyalakan dengan remote; pilih sumber HDMI 1 untuk laptop."),
    ("Proyektor", 1, "Nyalakan dengan remote, tunggu lampu siap, pilih sumber HDMI."),
    ("AC", 2, "Nyalakan 15 menit sebelum kegiatan, suhu 24 °C."),
    ("Alat Tulis Kantor", 1, ""),
]


def upgrade_database():
    flask_migrate.upgrade(directory=MIGRATIONS_DIR)


def pending_migrations():
    """The migration revisions the database has not had yet (empty when current)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(MIGRATIONS_DIR)
    with db.engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    done = set()
    for head in applied:
        done.update(r.revision for r in script.iterate_revisions(head, "base"))
    return sorted(r.revision for r in script.walk_revisions() if r.revision not in done)


def sync_roles():
    """Make sure the role rows exist; their permissions live in roles.py."""
    sm = current_app.appbuilder.sm
    for name in ALL_ROLES + (current_app.config["AUTH_ROLE_PUBLIC"],):
        if sm.find_role(name) is None:
            sm.add_role(name)


def seed_reference_data():
    room = db.session.query(Room).filter_by(name=PONTIVE_ROOM["name"]).one_or_none()
    if room is None:
        room = Room(**PONTIVE_ROOM)
        db.session.add(room)
        db.session.flush()
    existing = {e.name for e in room.equipment}
    for name, quantity, instructions in PONTIVE_EQUIPMENT:
        if name not in existing:
            db.session.add(Equipment(room=room, name=name, quantity=quantity,
                                     operating_instructions=instructions))
    db.session.commit()
    return room


def prepare_database():
    upgrade_database()
    sync_roles()
    seed_reference_data()


def ensure_first_admin():
    """On a database without users, create ``admin`` and return its password."""
    sm = current_app.appbuilder.sm
    if sm.count_users():
        return None
    password = "Pc" + secrets.token_urlsafe(12) + "7"
    sm.add_user(username="admin", first_name="Administrator", last_name="Sistem",
                email="admin@localhost", role=sm.find_role(ADMIN), password=password)
    return password
