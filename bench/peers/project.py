"""The project itself as a panel: its app on the bench's database, a staff
member signed in through its login form."""
from peers.panel import Panel, engine_counting


def panel(app, username, password):
    from app.platform.extensions import db

    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"project: login as {username} failed")
    with app.app_context():
        engine = db.engine

    def list_url(page=0, search=None):
        query = [f"page_LoanRequestView={page}"] if page else []
        if search:
            query.append(f"_flt_2_title={search}")
        return "/loans/list/" + ("?" + "&".join(query) if query else "")

    return Panel("Pontive Center", client, engine_counting(engine), list_url,
                 lambda pk: f"/loans/show/{pk}")
