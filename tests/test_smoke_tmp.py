from helpers import login, loans_of
def test_smoke(client, app):
    login(client, "peminjam1")
    assert client.get("/loans/list/").status_code == 200
    assert len(loans_of("peminjam1")) == 3
