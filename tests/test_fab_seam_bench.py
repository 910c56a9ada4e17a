"""What the pages' optimisations (bench/peers, docs/performance.md) rely on
in Flask-AppBuilder, and what a user sees of them.

Each optimisation in app/fab/ names the behaviour of Flask-AppBuilder it
relies on; the tests here fail if an upgrade changes that behaviour, and
check that the pages still show what they did.
"""
import sqlalchemy as sa
from flask_appbuilder.models.sqla import filters as fab
from flask_babel import force_locale
from helpers import Statements, submit_loan, take, user, visible_text
from sqlalchemy.dialects import sqlite

from app.fab.lean_list import ListInterface
from app.fab.search_filters import LITERAL
from app.models import LoanRequest
from app.platform.extensions import db

# ---------------------------------------------------------------- text search


def _where(query, dialect):
    compiled = query.statement.compile(dialect=dialect)
    return str(compiled).split("WHERE", 1)[1].strip(), list(compiled.params.values())


def test_text_filters_ignore_case_with_like_on_sqlite_ilike_elsewhere(app):
    """The panel's text filters (app/fab/search_filters.py) match as typed,
    whatever the case: plain LIKE on SQLite (whose LIKE ignores ASCII case),
    ILIKE on PostgreSQL, the value escaped; FAB's own would write
    ``lower(column) LIKE lower(?)`` on SQLite."""
    datamodel = ListInterface(LoanRequest)
    dialect = db.engine.dialect
    for fab_filter, ours in LITERAL.items():
        theirs = fab_filter("title", datamodel).apply(db.session.query(LoanRequest), "R%")
        assert "lower(" in _where(theirs, sqlite.dialect())[0]
        where, params = _where(ours("title", datamodel).apply(
            db.session.query(LoanRequest), "R%"), dialect)
        assert "lower(" not in where
        assert ("ILIKE" in where) == (dialect.name != "sqlite")
        assert ("NOT" in where) == ours.negated
        assert "ESCAPE '/'" in where and params[0] == "R/%"


def _titles_found(client, query):
    page = client.get(f"/loans/list/?psize_LoanRequestView=100&{query}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    return {title for title in TITLES if f"<td>{title}</td>" in text}


TITLES = ("Rapat Evaluasi Program", "rapat koordinasi", "RAPAT EVALUASI AKHIR",
          "Sosialisasi layanan")


def test_the_activity_search_ignores_case_without_lower_on_sqlite(app, login_as):
    """The search of the request list finds a word whatever its case, as it
    did with FAB's filters; on SQLite the statements it sends call no
    ``lower()``."""
    for number, title in enumerate(TITLES):
        submit_loan("peminjam1", title=title, days_ahead=20 + number)
    client = login_as("kasi")
    evaluasi = {"Rapat Evaluasi Program", "RAPAT EVALUASI AKHIR"}
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        for word in ("evaluasi", "EVALUASI", "Evaluasi"):
            assert _titles_found(client, f"_flt_2_title={word}") == evaluasi  # contains
            assert _titles_found(client, f"_flt_6_title={word}") == (  # not contains
                set(TITLES) - evaluasi)
        assert _titles_found(client, "_flt_0_title=RAPAT") == set(TITLES) - {
            "Sosialisasi layanan"}  # starts with
        assert _titles_found(client, "_flt_1_title=program") == {"Rapat Evaluasi Program"}
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    searches = [s for s in statements if "loan_request.title" in s and "LIKE" in s]
    assert searches
    if db.engine.dialect.name == "sqlite":
        assert not any("lower(" in s for s in searches)


# ---------------------------------------------------------------- search form


def _loan_view(app):
    from app.web.views.loans import LoanRequestView

    return next(view for view in app.appbuilder.baseviews
                if isinstance(view, LoanRequestView))


def test_remembered_search_widget_draws_what_fabs_draws(app):
    """The kept fields, labels and filter names are what FAB's own
    SearchWidget hands its template, filters in use included (FAB's search
    form on a list page is made without form data)."""
    from flask_appbuilder.urltools import get_filter_args
    from flask_appbuilder.widgets import SearchWidget

    from app.fab.search_form import RememberedSearchWidget

    view = _loan_view(app)
    query = "/loans/list/?_flt_2_title=rapat&_flt_0_institution=1"
    drawn = {}
    for language in ("id", "en"):
        with app.test_request_context(query), force_locale(language):
            get_filter_args(view._filters)
            arguments = {"route_base": view.route_base, "include_cols": view.search_columns,
                         "exclude_cols": [], "filters": view._filters}
            theirs = SearchWidget(form=view.search_form.refresh(), **arguments)()
            for _ in range(2):  # drawn, then kept
                ours = RememberedSearchWidget(form=view.search_form.refresh(), **arguments)()
                assert ours == theirs
            drawn[language] = ours
    assert '"rapat"' in drawn["id"] and "Instansi" in drawn["id"]
    assert '"Institution"' in drawn["en"]


def test_the_list_filter_offers_institutions_added_since(app, login_as):
    """The institution filter's options are read on every list page: one
    added after a page was drawn is offered on the next, in the language
    the user picked."""
    from app.models import Institution

    client = login_as("kasi")
    first = client.get("/loans/list/").get_data(as_text=True)
    assert "Dinas Baru Kota Pontianak" not in first
    db.session.add(Institution(name="Dinas Baru Kota Pontianak", kind="opd"))
    db.session.commit()
    again = client.get("/loans/list/").get_data(as_text=True)
    assert "Dinas Baru Kota Pontianak" in again
    assert "Instansi" in again
    client.get("/lang/en")
    english = client.get("/loans/list/").get_data(as_text=True)
    assert "Dinas Baru Kota Pontianak" in english and '"institution": "Institution"' in english


def test_search_fields_are_drawn_once_per_language_and_options(app, login_as, monkeypatch):
    from flask_appbuilder.fieldwidgets import Select2Widget

    drawn = []
    draw = Select2Widget.__call__
    monkeypatch.setattr(Select2Widget, "__call__",
                        lambda self, field, **kw: drawn.append(field.name) or draw(
                            self, field, **kw))
    client = login_as("kasi")
    for _ in range(3):
        assert client.get("/loans/list/").status_code == 200
    assert drawn.count("institution") == 1


# ---------------------------------------------------------------- cells and inner filters


class _Row:
    """A row whose attributes count how often they are read."""

    class Kind(__import__("enum").Enum):
        ROOM = "peminjaman"

    def __init__(self):
        self.reads = 0
        self.kind = self.Kind.ROOM
        self.title = "Rapat"

    @property
    def summary(self):
        self.reads += 1
        return "Senin, 16 November 2026"

    @property
    def broken(self):
        raise AttributeError("not here")

    def label(self):
        return "Diajukan"


def test_cells_read_once_give_what_fab_reads(app):
    """ListInterface reads a cell once, with FAB's rules (FAB reads an
    attribute three times: the reason for the override)."""
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from app.fab.lean_list import cell_value

    loan = submit_loan("peminjam1", title="Rapat sel")
    for column in ("summary", "label", "kind", "title", "broken", "nothing.here"):
        theirs, ours = _Row(), _Row()
        assert cell_value(ours, column) == SQLAInterface._get_attr_value(theirs, column)
        if column == "summary":
            assert (ours.reads, theirs.reads) == (1, 3)
    for column in ("institution.name", "status_label", "room.name", "borrower.nope"):
        assert str(cell_value(loan, column)) == str(
            SQLAInterface._get_attr_value(loan, column))
    assert cell_value(loan, "institution.name") == loan.institution.name


def test_list_and_show_values_read_each_cell_once(app):
    rows = [_Row(), _Row()]
    datamodel = ListInterface(LoanRequest)
    values = list(datamodel.get_values(rows, ["summary", "kind", "label"]))
    assert values == [{"summary": "Senin, 16 November 2026", "kind": "peminjaman",
                       "label": "Diajukan"}] * 2
    assert datamodel._get_values(rows, ["summary"]) == [
        {"summary": "Senin, 16 November 2026"}] * 2
    assert datamodel.get_values_item(rows[0], ["summary", "title"]) == [
        "Senin, 16 November 2026", "Rapat"]
    assert [row.reads for row in rows] == [3, 2]


def test_inner_filters_are_fabs(app):
    """The bare inner filters hold what FAB's own would: the filters on the
    model's columns and on its to-one relations, with their values."""
    from app.fab.interface import EagerInterface

    datamodel = ListInterface(LoanRequest)
    active = datamodel.get_filters(["title"])
    for column, kind, value in (
            ("title", LITERAL[fab.FilterContains], "rapat"),
            ("institution", fab.FilterRelationOneToManyEqual, "1"),
            ("institution.name", fab.FilterStartsWith, "Dinas"),  # many-to-one
            ("history.action", fab.FilterEqual, "submit"),  # one-to-many: left out
            ("status", fab.FilterEqual, "submitted")):
        active.add_filter(column, kind, value)

    def shape(filters):
        return [(type(flt), flt.column_name) for flt in filters.filters], filters.values

    ours, theirs = (datamodel.get_inner_filters(active),
                    EagerInterface.get_inner_filters(datamodel, active))
    assert shape(ours) == shape(theirs)
    assert len(ours.filters) == 4 and "history.action" not in str(shape(ours))
    assert shape(datamodel.get_inner_filters(None)) == shape(
        EagerInterface.get_inner_filters(datamodel, None)) == ([], [])
    query = db.session.query(LoanRequest)
    assert str(datamodel.apply_filters(query, ours)) == str(
        datamodel.apply_filters(query, theirs))


# ---------------------------------------------------------------- the request's page


def test_a_requests_page_reads_all_it_shows_in_three_statements(app, login_as):
    """The signed-in user, the request with its institution, room, borrower,
    sessions, history (and who took each step), damage found and a proposal,
    then the equipment it wants: three statements, however long its history
    and however much equipment (a request still in the SOP adds the closed
    days and the clash panel's look-ups: tests/test_query_counts.py)."""
    from app.domain import equipment_care
    from app.models import Room

    room = db.session.query(Room).order_by(Room.id).first()
    loan = submit_loan("peminjam1", title="Rapat dengan proyektor", room=room)
    loan.equipment_wanted.extend(room.equipment)
    take(loan, "dispose")
    take(loan, "reject", reason="Ruang dipakai rapat kota.")
    equipment_care.report_damage(room.equipment[0], user("adminpc"), "Kabel HDMI putus.",
                                 loan=loan)
    db.session.commit()
    assert len(room.equipment) >= 2
    client = login_as("kasi")
    url = f"/loans/show/{loan.id}"
    client.get(url)
    with Statements() as statements:
        page = client.get(url)
    assert page.status_code == 200 and len(statements) <= 3, "\n".join(statements)
    text = visible_text(page)
    for shown in ("Rapat dengan proyektor", "Kabel HDMI putus.", "Ruang dipakai rapat kota.",
                  *(item.name for item in room.equipment)):
        assert shown in text, shown


def test_fabs_show_widget_gets_what_the_request_pages_widget_reads(app):
    """app/fab/show_widget.py: FAB makes ``show_widget`` with these
    arguments, the item's values in ``include_columns`` order, and calls it
    with none; FAB's library still has the macros the widget draws with."""
    from flask import current_app
    from flask_appbuilder.widgets import ShowWidget

    from app.fab.show_widget import FieldsetsShowWidget
    from app.web.views.loans import LoanRequestView

    made = []

    class Recording(ShowWidget):
        def __init__(self, **kwargs):
            made.append(kwargs)
            super().__init__(**kwargs)

    view = next(v for v in current_app.appbuilder.baseviews
                if isinstance(v, LoanRequestView))
    assert issubclass(view.show_widget, FieldsetsShowWidget)
    loan = submit_loan("peminjam1", title="Rapat widget")
    db.session.commit()
    view.show_widget = Recording
    try:
        with app.test_request_context():
            widget = view._get_show_widget(loan.id, loan)["show"]
    finally:
        del view.show_widget
    assert set(made[0]) == {"pk", "label_columns", "include_columns", "value_columns",
                            "formatters_columns", "actions", "fieldsets",
                            "modelview_name"}
    values = dict(zip(made[0]["include_columns"], made[0]["value_columns"]))
    assert values["title"] == "Rapat widget" and values["participants"] == 10
    assert ShowWidget.template == "appbuilder/general/widgets/show.html"
    assert "include_columns.index(item)" in current_app.jinja_env.loader.get_source(
        current_app.jinja_env, ShowWidget.template)[0]
    library = current_app.jinja_env.get_template("appbuilder/general/lib.html").module
    assert callable(library.accordion_tag) and callable(library.lnk_back)
    assert isinstance(widget, Recording)


def test_the_requests_page_shows_every_field_once_with_one_dialogue(app, login_as):
    """The request's fields in their fieldsets, formatted (an empty
    description left out), FAB's "Back" link, and the layout's dialogues
    once (FAB's show widget drew them again)."""
    loan = submit_loan("peminjam1", title="Rapat bidang")
    db.session.commit()
    page = login_as("kasi").get(f"/loans/show/{loan.id}")
    html = page.get_data(as_text=True)
    assert html.count('id="modal-confirm"') == html.count('id="modal-alert"') == 1
    assert "btn-action-" not in html
    text = visible_text(page)
    for label in ("Permohonan", "Peminjam", "Surat", "Kegiatan", "Rapat bidang",
                  "Jumlah peserta", "Nomor registrasi", loan.registration_number,
                  "Tanggal surat", "Kembali"):
        assert label in text, label
    assert "Keterangan" not in text
    assert html.count("panel-collapse collapse in") >= 3
