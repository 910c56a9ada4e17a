"""What the runner asks of each panel: a signed-in GET through the panel's
own test client, and a count of the SQL statements it sends."""
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa


class Counter:
    def __init__(self):
        self.count = 0


@dataclass
class Panel:
    name: str
    client: object  # the framework's test client, signed in
    counting: Callable  # () -> context manager yielding a Counter
    list_url: Callable  # (page: 0-based, search: str | None) -> path
    request_url: Callable  # (pk) -> path

    def fetch(self, path):
        response = self.client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{self.name}: {path} answered {response.status_code}")
        return response.content if hasattr(response, "content") else response.data


def engine_counting(engine):
    """Statements sent through an SQLAlchemy engine (the Flask panels)."""

    @contextlib.contextmanager
    def counting():
        counter = Counter()

        def count(*_args, **_kwargs):
            counter.count += 1

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)

    return counting


def list_urls(path, page_argument, search_argument, first_page=0):
    """``list_url(page, search)`` of a panel whose list is ``path``, its page
    (counted from ``first_page``) and search in those query arguments."""

    def list_url(page=0, search=None):
        query = [f"{page_argument}={page + first_page}"] if page else []
        if search:
            query.append(f"{search_argument}={search}")
        return path + ("?" + "&".join(query) if query else "")

    return list_url


def flask_panel(name, app, login_path, username, password, list_url, request_url):
    """A Flask panel signed in through its login form, its statements
    counted on its engine."""
    from app.platform.extensions import db

    client = app.test_client()
    response = client.post(login_path, data={"username": username, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"{name}: login as {username} failed")
    with app.app_context():
        engine = db.engine
    return Panel(name, client, engine_counting(engine), list_url, request_url)
