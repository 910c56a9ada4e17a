"""``flask --app app ...`` commands."""
import os

import click


def register_commands(app):
    @app.cli.command("seed")
    def seed():
        """Apply migrations, create the roles and the Pontive Center room."""
        from app.setup import prepare_database

        prepare_database()
        click.echo("Database is up to date; roles and the Pontive Center room exist.")

    @app.cli.command("demo")
    def demo():
        """Also create the demo accounts and sample requests."""
        from app.demo import DEMO_PASSWORD, load_demo
        from app.setup import prepare_database

        prepare_database()
        added = load_demo()
        click.echo(f"Demo ready ({added} sample requests added); password {DEMO_PASSWORD}.")

    @app.cli.command("release-holds")
    def release_holds():
        """Return unanswered reschedule proposals to the Kasi (run from cron)."""
        from app.extensions import db
        from app.workflow import release_lapsed_holds

        released = release_lapsed_holds()
        db.session.commit()
        click.echo(f"{released} lapsed reschedule proposals returned to the Kasi.")

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
        from app.catalog import LOCALES, update

        for locale in LOCALES:
            missing = update(locale)
            click.echo(f"{locale}: {len(missing)} messages still untranslated")
            for msgid in missing:
                click.echo(f"  - {msgid!r}")
