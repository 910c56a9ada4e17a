"""The bell's page a page at a time (newest first, only one's own notices,
any ?page= value a page that exists), and the reminders command pruning old
read notices of every user while keeping unread ones."""
import re
from datetime import timedelta

from helpers import Statements, login, user, visible_text

from app.models import LoanRequest, Notice
from app.notifications.notices import PAGE_SIZE
from app.platform.extensions import db
from app.platform.timeutil import utcnow


def add_notices(username, count, age=timedelta(0), read=False):
    """``count`` notices for ``username``, written ``age`` ago, over every
    request there is (so a page shows many different requests)."""
    loans = [loan.id for loan in db.session.query(LoanRequest).order_by(LoanRequest.id)]
    written = utcnow() - age
    rows = [Notice(user_id=user(username).id, loan_id=loans[n % len(loans)],
                   kind="waiting", created_at=written,
                   read_at=written if read else None)
            for n in range(count)]
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


def own_ids(username):
    """The user's notice ids, newest first, as the page orders them."""
    return [n.id for n in db.session.query(Notice).filter_by(user_id=user(username).id)
            .order_by(Notice.id.desc())]


def shown(response):
    assert response.status_code == 200
    return [int(n) for n in re.findall(r'data-notice="(\d+)"', response.get_data(as_text=True))]


def test_older_notices_are_on_the_next_pages(app, login_as):
    add_notices("peminjam1", PAGE_SIZE + 7)
    ids = own_ids("peminjam1")
    pages = -(-len(ids) // PAGE_SIZE)
    client = login_as("peminjam1")

    first = client.get("/notices/")
    assert shown(first) == ids[:PAGE_SIZE]
    text = visible_text(first)
    assert f"Halaman 1 dari {pages}" in text
    assert f"Notifikasi 1-{PAGE_SIZE} dari {len(ids)}" in text
    assert "Berikutnya" in text and "Sebelumnya" not in text
    assert 'href="/notices/?page=2"' in first.get_data(as_text=True)

    second = client.get("/notices/?page=2")
    assert shown(second) == ids[PAGE_SIZE:2 * PAGE_SIZE]
    text = visible_text(second)
    assert f"Halaman 2 dari {pages}" in text
    assert "Sebelumnya" in text
    assert 'href="/notices/?page=1"' in second.get_data(as_text=True)
    # The unread count is the user's, not the page's.
    assert f"{len(ids)} belum dibaca" in text

    last = client.get(f"/notices/?page={pages}")
    assert "Berikutnya" not in visible_text(last)


def test_every_page_shows_only_the_users_own_notices(app, login_as):
    mine = set(add_notices("peminjam2", PAGE_SIZE + 3))
    theirs = set(add_notices("peminjam1", 2 * PAGE_SIZE))
    client = login_as("peminjam2")
    seen = []
    for number in range(1, 5):  # past the last page too
        seen += shown(client.get(f"/notices/?page={number}"))
    assert mine <= set(seen)
    assert not theirs & set(seen)
    # Every one of their own once on the pages that exist (the last repeated after).
    assert set(seen) == set(own_ids("peminjam2"))


def test_a_page_that_is_no_page_shows_the_nearest_one(app, login_as):
    add_notices("peminjam1", PAGE_SIZE + 1)
    ids = own_ids("peminjam1")
    pages = -(-len(ids) // PAGE_SIZE)
    client = login_as("peminjam1")
    for value in ("abc", "", "0", "-3", "1.5", "2e3", "%E2%85%A1"):
        response = client.get(f"/notices/?page={value}")
        assert shown(response) == ids[:PAGE_SIZE], value
        assert f"Halaman 1 dari {pages}" in visible_text(response)
    for value in (str(pages + 1), "99999999999999999999999"):
        response = client.get(f"/notices/?page={value}")
        assert shown(response) == ids[(pages - 1) * PAGE_SIZE:], value
        assert f"Halaman {pages} dari {pages}" in visible_text(response)


def test_a_user_without_notices_sees_so_on_any_page(app, login_as):
    db.session.query(Notice).filter_by(user_id=user("peminjam2").id).delete()
    db.session.commit()
    response = login_as("peminjam2").get("/notices/?page=3")
    assert shown(response) == []
    assert "Belum ada notifikasi." in visible_text(response)


def test_a_page_costs_the_same_statements_however_many_requests_it_shows(app):
    """Each notice's request comes with the page, not one query a notice."""
    add_notices("kasi", PAGE_SIZE + 2)
    client = login(app.test_client(), "kasi")

    def statements(url):
        with Statements() as run:
            assert len(shown(client.get(url))) > 0
        return len(run)

    assert statements("/notices/?page=1") == statements("/notices/?page=2")


def test_the_reminders_command_prunes_old_read_notices_of_every_user(app):
    keep = app.config["NOTICE_KEEP_DAYS"]
    assert keep == 180
    old, recent = timedelta(days=keep, hours=1), timedelta(days=keep - 1)
    pruned = (add_notices("peminjam1", 3, old, read=True)
              + add_notices("kabid", 2, old, read=True))
    kept = (add_notices("peminjam1", 2, old * 3)  # unread, however old
            + add_notices("kabid", 1, old)
            + add_notices("peminjam2", 2, recent, read=True))
    before = {n.id for n in db.session.query(Notice)}
    expected = db.session.query(Notice).filter(
        Notice.read_at.is_not(None), Notice.created_at < utcnow() - timedelta(days=keep)).count()

    with Statements() as run:
        result = app.test_cli_runner().invoke(args=["reminders"])
    assert result.exit_code == 0, result.output
    assert f"{expected} read notices older than 180 days deleted." in result.output
    assert len([s for s in run if s.lstrip().upper().startswith("DELETE")]) == 1

    db.session.expire_all()
    after = {n.id for n in db.session.query(Notice)}
    assert not set(pruned) & after
    assert set(kept) <= after
    assert len(before - after) == expected
    # Nothing left to prune: a second run deletes none.
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert "0 read notices older than 180 days deleted." in result.output


def test_the_pruning_follows_notice_keep_days(app):
    week_old = add_notices("peminjam1", 2, timedelta(days=8), read=True)
    unread = add_notices("peminjam1", 1, timedelta(days=8))
    app.config["NOTICE_KEEP_DAYS"] = 0  # never
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert "0 read notices" in result.output
    app.config["NOTICE_KEEP_DAYS"] = 7
    result = app.test_cli_runner().invoke(args=["reminders"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    left = {n.id for n in db.session.query(Notice)}
    assert not set(week_old) & left
    assert set(unread) <= left
