"""The project itself as a panel: its app on the bench's database, a staff
member signed in through its login form."""
from peers.panel import flask_panel, list_urls


def panel(app, username, password):
    # The list's text search is FAB's "contains" filter (index 2) on the title.
    return flask_panel("Pontive Center", app, "/login/", username, password,
                       list_urls("/loans/list/", "page_LoanRequestView", "_flt_2_title"),
                       lambda pk: f"/loans/show/{pk}")
