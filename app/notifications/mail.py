"""Sending email through the SMTP server set in the configuration.

Without ``MAIL_SERVER`` nothing is sent: the app keeps working and logs what
it would have sent. A failing server is logged too, never shown to the user
as an error: the step the user took has already been saved.
"""
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    to: tuple
    subject: str
    body: str


def configured():
    return bool(current_app.config.get("MAIL_SERVER"))


def _message(mail, sender):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid()
    message.set_content(mail.body)
    return message


def _connect(config):
    timeout = config.get("MAIL_TIMEOUT", 10)
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"],
                                timeout=timeout)
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    return smtp


def send(mails):
    """Send ``mails`` (Mail instances) over one connection; returns how many went."""
    mails = [m for m in mails if m.to]
    if not mails:
        return 0
    config = current_app.config
    if not configured():
        for mail in mails:
            log.info("MAIL_SERVER is not set; not sent to %s: %s",
                     ", ".join(mail.to), mail.subject)
        return 0
    try:
        with _connect(config) as smtp:
            for mail in mails:
                smtp.send_message(_message(mail, config["MAIL_DEFAULT_SENDER"]))
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send %d email(s) through %s", len(mails),
                      config["MAIL_SERVER"])
        return 0
    return len(mails)
