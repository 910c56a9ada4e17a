"""Start the Pontive Center panel: ``python run.py [--demo] [--host H] [--port P]``.

Creates or upgrades the database (SQLite in instance/ unless DATABASE_URL is
set), then serves with waitress, a production WSGI server; ``--debug`` uses
Flask's development server instead.
"""
import argparse
import os
import sys

from app import create_app
from app.ops.setup import ensure_first_admin, prepare_database
from app.ops.startup import database_or_exit
from app.platform.database_outage import safe_url


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--demo", action="store_true",
                        help="also create demo accounts and sample requests")
    parser.add_argument("--debug", action="store_true",
                        help="Flask's development server with reloader")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    with database_or_exit():  # one line, not a traceback
        app = create_app({"DEBUG": args.debug})
        with app.app_context():
            prepare_database()
            if args.demo:
                from app.ops.demo import DEMO_PASSWORD, load_demo

                added = load_demo()
                print(f"Demo data ready ({added} sample requests added). "
                      f"Accounts admin, kabid, kasi, adminpc, peminjam1, peminjam2; "
                      f"password {DEMO_PASSWORD}")
            first_admin_password = ensure_first_admin()
            database = safe_url(app.config["SQLALCHEMY_DATABASE_URI"])

    url = f"http://{args.host}:{args.port}/"
    print(f"Pontive Center panel: log in at {url}login/  (database: {database})")
    if first_admin_password:
        print(f"First start: log in as 'admin' with password {first_admin_password} "
              "and change it at once.")
    sys.stdout.flush()
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True)
    else:
        from waitress import serve

        try:
            serve(app, host=args.host, port=args.port, threads=8)
        except KeyboardInterrupt:
            pass  # Ctrl-C: waitress has stopped accepting; leave quietly
        print("Server stopped.")


if __name__ == "__main__":
    main()
