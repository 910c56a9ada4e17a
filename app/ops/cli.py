"""``flask --app app ...`` commands."""
import os
from datetime import datetime

import click

from app.domain.refusals import FORM


def _contents(manifest):
    """What a backup holds, as the backup and restore commands report it."""
    tables = manifest["tables"]
    return (f"{tables.get('loan_request', 0)} requests, "
            f"{tables.get('status_history', 0)} history rows, "
            f"{len(manifest['files']) - 1} letters")


def _step_input(input_class, options):
    """The step's input dataclass from the command's options: each step takes
    only some of them, and an option not given leaves the field's default."""
    names = input_class.__dataclass_fields__
    return input_class(**{name: value for name, value in options.items()
                          if name in names and value is not None})


# The command's options for the input fields the domain names otherwise.
OPTION_NAMES = {"no_buffet_checked": "--no-buffet-checked", "sessions": "--session",
                "actual_participants": "--participants", "checklist": "--damaged",
                "alternatives": "--session",
                "incoming_received_on": "--received-on", "incoming_from": "--received-from",
                "incoming_agenda_number": "--head-agenda-number",
                "incoming_instruction": "--head-instruction",
                "over_capacity_confirmed": "--over-capacity"}


def _refusal_text(refusal):
    """A refusal's messages, each after the option it concerns."""
    lines = []
    for name, messages in refusal.errors.items():
        option = OPTION_NAMES.get(name, f"--{name}") if name != FORM else None
        lines.extend(f"{option}: {m}" if option else str(m) for m in messages)
    return "\n".join(lines)


def register_commands(app):
    @app.cli.command("seed")
    def seed():
        """Apply migrations, create the roles and the Pontive Center room."""
        from app.ops.setup import prepare_database

        prepare_database()
        click.echo("Database is up to date; roles and the Pontive Center room exist.")

    @app.cli.command("setup")
    def setup():
        """Production setup: migrations, roles, the room, the first admin, and
        letters left by a crashed upload removed. Safe to run at every deploy."""
        from app.domain import letters
        from app.ops.setup import ensure_first_admin, prepare_database

        prepare_database()
        click.echo("Database is up to date; roles and the Pontive Center room exist.")
        password = ensure_first_admin()
        if password:
            click.echo(f"Created the account 'admin' with password {password}; "
                       "log in and change it at once.")
        removed = letters.sweep()
        click.echo(f"{len(removed)} unused letter files removed.")

    @app.cli.command("sweep-letters")
    @click.option("--grace", type=int, default=None, metavar="SECONDS",
                  help="Only files older than this (default one hour).")
    def sweep_letters(grace):
        """Remove uploaded files no request names (run from cron, e.g. daily)."""
        from app.domain import letters

        removed = letters.sweep(letters.SWEEP_GRACE_SECONDS if grace is None else grace)
        for name in removed:
            click.echo(f"removed {name}")
        click.echo(f"{len(removed)} unused letter files removed.")

    @app.cli.command("backup")
    @click.argument("path", required=False)
    def backup_command(path):
        """Back up the database and the letters into one archive, while the
        app runs (default instance/backups/pontive-<time>.tar)."""
        from app.ops import backup

        try:
            written, manifest = backup.backup(path)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written to {written}: {_contents(manifest)}.")

    @app.cli.command("restore")
    @click.argument("path")
    @click.option("--force", is_flag=True,
                  help="Replace a database and letters that are not empty.")
    def restore_command(path, force):
        """Restore a backup archive into this instance (empty unless --force).
        Stop the app first."""
        from app.ops import backup

        try:
            manifest = backup.restore(path, force=force)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Restored the backup of {manifest['created_at']}: "
                   f"{_contents(manifest)}.")

    @app.cli.command("demo")
    def demo():
        """Also create the demo accounts and sample requests."""
        from app.ops.demo import DEMO_PASSWORD, load_demo
        from app.ops.setup import prepare_database

        prepare_database()
        added = load_demo()
        click.echo(f"Demo ready ({added} sample requests added); password {DEMO_PASSWORD}.")

    @app.cli.command("release-holds")
    def release_holds():
        """Return unanswered reschedule proposals to the Kasi (run from cron)."""
        from app.domain.workflow import release_lapsed_holds
        from app.platform.extensions import db

        released = release_lapsed_holds()
        db.session.commit()
        click.echo(f"{released} lapsed reschedule proposals returned to the Kasi.")

    @app.cli.command("reminders")
    def send_reminders():
        """Email the reminders due now, each once, and prune old read notices
        (run from cron)."""
        from app.notifications import notices, reminders
        from app.platform.extensions import db
        from app.platform.timeutil import utcnow

        recorded = reminders.send_due()
        db.session.commit()
        click.echo(f"{recorded} reminders due; their emails sent.")
        pruned = notices.prune(utcnow())
        db.session.commit()
        click.echo(f"{pruned} read notices older than "
                   f"{app.config['NOTICE_KEEP_DAYS']} days deleted.")

    @app.cli.command("step")
    @click.argument("action")
    @click.argument("number")
    @click.option("--as", "username", required=True, help="The account taking the step.")
    @click.option("--note", default="")
    @click.option("--reason", default="")
    @click.option("--instruction", help="Disposition: follow_up, coordinate, ...")
    @click.option("--nature", help="Disposition: biasa (default), segera, "
                                   "sangat_segera.")
    @click.option("--received-on", type=click.DateTime(["%Y-%m-%d"]),
                  help="Disposition: when the letter came, disposed by the Kepala Dinas "
                       "(default: today).")
    @click.option("--received-from", help="Disposition: who disposed it to the Kabid "
                                          "(default: Kepala Dinas).")
    @click.option("--head-agenda-number", help="Disposition: the Kepala Dinas's agenda "
                                               "number.")
    @click.option("--head-instruction", help="Disposition: the Kepala Dinas's "
                                             "instruction.")
    @click.option("--no-buffet-checked", is_flag=True,
                  help="Confirming: the Kasi has made sure that no buffet food "
                       "(makanan prasmanan) will be served.")
    @click.option("--participants", type=int, help="Completing: people who attended.")
    @click.option("--over-capacity", is_flag=True,
                  help="Completing: more people attended than the room holds.")
    @click.option("--damaged", multiple=True, metavar="ITEM=DESCRIPTION",
                  help="Preparing or completing: a damaged item (others are ready).")
    @click.option("--session", "sessions", multiple=True, metavar="START/END",
                  help="Proposing: a session in WIB, e.g. 2026-12-07T13:00/2026-12-07T15:00; "
                       "declining: a time the borrower could take instead.")
    def step(action, number, username, note, reason, instruction, nature, received_on,
             received_from, head_agenda_number, head_instruction, no_buffet_checked,
             participants, over_capacity, damaged, sessions):
        """Take an SOP step on request NUMBER, as the web form would."""
        from app.domain import workflow
        from app.domain.equipment_care import EquipmentCheck
        from app.domain.refusals import Refusal
        from app.models import LoanRequest
        from app.platform.extensions import db
        from app.platform.timeutil import from_local

        loan = db.session.query(LoanRequest).filter_by(registration_number=number).first()
        user = app.appbuilder.sm.find_user(username=username)
        if loan is None or user is None:
            raise click.ClickException("No such request or account.")
        if action not in workflow.TRANSITIONS:
            raise click.ClickException(
                f"Unknown step; one of: {', '.join(workflow.TRANSITIONS)}.")
        broken = dict(item.split("=", 1) for item in damaged if "=" in item)
        try:
            proposed = [tuple(from_local(datetime.fromisoformat(part))
                              for part in text.split("/")) for text in sessions]
        except ValueError as error:
            raise click.ClickException(f"Bad --session: {error}") from error
        if any(len(pair) != 2 for pair in proposed):
            raise click.ClickException("Give each --session as START/END.")
        checklist = tuple(EquipmentCheck(item.id, item.name not in broken,
                                         broken.get(item.name, ""))
                          for item in loan.room.equipment)
        data = _step_input(workflow.TRANSITIONS[action].input, {
            "note": note, "reason": reason, "instruction": instruction,
            "nature": nature, "no_buffet_checked": no_buffet_checked,
            "incoming_received_on": received_on.date() if received_on else None,
            "incoming_from": received_from, "incoming_agenda_number": head_agenda_number,
            "incoming_instruction": head_instruction,
            "actual_participants": participants, "checklist": checklist,
            "over_capacity_confirmed": over_capacity,
            "sessions": tuple(proposed), "alternatives": tuple(proposed),
            "outcome_notes": note})
        try:
            workflow.apply(loan, action, user, data)
            db.session.commit()
        except Refusal as refusal:
            db.session.rollback()
            raise click.ClickException(_refusal_text(refusal)) from refusal
        click.echo(f"{number}: {loan.status_label}")

    @app.cli.command("permissions-doc")
    def permissions_doc():
        """Write docs/permissions.md from app/security/roles.py."""
        from app import PROJECT_DIR
        from app.security.roles import permission_matrix_markdown

        path = os.path.join(PROJECT_DIR, "docs", "permissions.md")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(permission_matrix_markdown())
        click.echo(f"Wrote {path}")

    @app.cli.command("translations")
    def translations():
        """Extract messages, update translations/id and compile it."""
        from app.ops.catalog import LOCALES, update

        for locale in LOCALES:
            missing = update(locale)
            click.echo(f"{locale}: {len(missing)} messages still untranslated")
            for msgid in missing:
                click.echo(f"  - {msgid!r}")
