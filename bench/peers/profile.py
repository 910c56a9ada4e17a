"""Where one page of one panel spends its time: pyinstrument's call tree of
many requests of it, on the peers benchmark's ten years of data.

    python bench/peers/profile.py --page list                       # this panel, SQLite
    python bench/peers/profile.py --page request --panel flask_admin \\
        --database-url postgresql://postgres@127.0.0.1:5432/test

Seeds a scratch database as bench/peers/run.py does, builds the panels,
requests the page a few times to warm up, then ``--requests`` times under
the profiler, and prints the tree (frames of at least ``--threshold`` of the
time). docs/performance.md sums such trees up.
"""
import argparse
import sys

# bench/peers/run.py, first on the path as this script's folder; importing it
# takes that folder off again (its flask_admin/ would hide the library) and
# puts bench/ and the project on instead.
import run  # noqa: E402

PAGES = ("list", "deep", "search", "request", "request_waiting")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", choices=PAGES, default="list")
    parser.add_argument("--panel", choices=tuple(run.PANELS), default="project")
    parser.add_argument("--database-url", default="sqlite",
                        help="'sqlite' or a PostgreSQL server URL (a scratch database)")
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threshold", type=float, default=0.01,
                        help="leave out frames under this share of the time")
    args = parser.parse_args(argv)
    missing = run.peers_missing()
    if missing:
        parser.error(f"not installed: {', '.join(missing)} "
                     "(pip install -r bench/requirements-peers.txt)")
    from pyinstrument import Profiler

    url = None if args.database_url == "sqlite" else args.database_url
    with run.prepared(url, loans=args.loans) as ready:
        panel = ready.panels[args.panel]
        what = next(what for key, _title, what, _shown in ready.pages if key == args.page)
        path = run.url_of(panel, what)
        for _ in range(5):
            panel.fetch(path)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.requests):
            panel.fetch(path)
        profiler.stop()
    session = profiler.last_session
    print(f"{panel.name} {path} on {ready.kind}: {args.requests} requests, "
          f"{session.cpu_time / args.requests * 1000:.2f} ms CPU each under the profiler")
    print(profiler.output_text(unicode=True, color=False, show_all=False,
                               time="percent_of_total",
                               processor_options={"filter_threshold": args.threshold}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
