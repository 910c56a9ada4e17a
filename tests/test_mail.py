"""Email goes through a real SMTP server; without one the app logs and goes on."""
import logging
import socket

from helpers import submit_loan

from app.notifications import mail


def test_mail_reaches_the_smtp_server_in_indonesian(app, outbox):
    sent = mail.send([mail.Mail(("budi@sekolah.sch.id",), "Permohonan diterima",
                                "Yth. Bapak/Ibu, permohonan Anda telah diterima.")])

    assert sent == 1
    [message] = outbox.to("budi@sekolah.sch.id")
    assert message["Subject"] == "Permohonan diterima"
    assert "Pontive Center" in message["From"]
    assert "permohonan Anda telah diterima" in message.get_content()


def not_sent(caplog):
    """(recipients, subject) of each mail logged as not sent, at WARNING or above
    (what a server's default logging shows)."""
    return [tuple(record.args[1:]) for record in caplog.records
            if record.name == "app.notifications.mail"
            and record.levelno >= logging.WARNING and "not sent to" in record.msg]


def test_without_a_mail_server_every_step_mail_is_logged(app, caplog):
    """A submission tells the borrower and every Kabid: with no server, each
    of those mails is logged with its recipient and subject."""
    app.config["MAIL_SERVER"] = ""
    with caplog.at_level(logging.WARNING, logger="app.notifications.mail"):
        loan = submit_loan("peminjam1")

    number = loan.registration_number
    assert sorted(not_sent(caplog)) == [
        ("kabid@demo.pontianak.go.id",
         f"[Pontive Center] Permohonan {number} menunggu tindak lanjut Anda"),
        ("peminjam1@demo.pontianak.go.id", f"[Pontive Center] Permohonan {number} diterima"),
    ]
    assert "MAIL_SERVER is not set" in caplog.text


def test_an_unreachable_server_is_logged_not_raised(app, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    with caplog.at_level(logging.WARNING, logger="app.notifications.mail"):
        sent = mail.send([mail.Mail(("a@b.id",), "Subjek", "Isi"),
                          mail.Mail(("c@d.id", "e@f.id"), "Subjek kedua", "Isi")])

    assert sent == 0
    assert "Could not send 2 email(s)" in caplog.text
    assert not_sent(caplog) == [("a@b.id", "Subjek"), ("c@d.id, e@f.id", "Subjek kedua")]


def test_a_recipient_the_server_refuses_is_logged_and_the_others_go(app, caplog):
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, options):
            if address == "hilang@b.id":
                return "550 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            received.extend(envelope.rcpt_tos)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        with caplog.at_level(logging.WARNING, logger="app.notifications.mail"):
            sent = mail.send([mail.Mail(("a@b.id",), "Pertama", "Isi"),
                              mail.Mail(("hilang@b.id",), "Kedua", "Isi"),
                              mail.Mail(("c@d.id",), "Ketiga", "Isi")])
    finally:
        controller.stop()

    assert sent == 2 and received == ["a@b.id", "c@d.id"]
    assert not_sent(caplog) == [("hilang@b.id", "Kedua")]


def test_a_production_app_without_app_base_url_warns(database_url, tmp_path, caplog):
    from apps import app_config

    from app import create_app
    from config import DEFAULT_APP_BASE_URL

    settings = app_config(database_url, str(tmp_path / "uploads"), TESTING=False,
                          SECRET_KEY="k" * 32, APP_BASE_URL=DEFAULT_APP_BASE_URL)
    with caplog.at_level(logging.WARNING, logger="app"):
        create_app(settings)
    assert "APP_BASE_URL is not set" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="app"):
        create_app({**settings, "APP_BASE_URL": "https://ruang.pontianak.go.id"})
    assert "APP_BASE_URL" not in caplog.text
