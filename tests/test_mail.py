"""Email goes through a real SMTP server; without one the app logs and goes on."""
import logging
import socket

from app.notifications import mail


def test_mail_reaches_the_smtp_server_in_indonesian(app, outbox):
    sent = mail.send([mail.Mail(("budi@sekolah.sch.id",), "Permohonan diterima",
                                "Yth. Bapak/Ibu, permohonan Anda telah diterima.")])

    assert sent == 1
    [message] = outbox.to("budi@sekolah.sch.id")
    assert message["Subject"] == "Permohonan diterima"
    assert "Pontive Center" in message["From"]
    assert "permohonan Anda telah diterima" in message.get_content()


def test_without_a_mail_server_nothing_is_sent_and_it_is_logged(app, caplog):
    app.config["MAIL_SERVER"] = ""
    with caplog.at_level(logging.INFO, logger="app.notifications.mail"):
        sent = mail.send([mail.Mail(("a@b.id",), "Subjek", "Isi")])

    assert sent == 0
    assert "MAIL_SERVER is not set" in caplog.text
    assert "a@b.id" in caplog.text


def test_an_unreachable_server_is_logged_not_raised(app, caplog):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    with caplog.at_level(logging.ERROR, logger="app.notifications.mail"):
        sent = mail.send([mail.Mail(("a@b.id",), "Subjek", "Isi")])

    assert sent == 0
    assert "Could not send" in caplog.text


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
