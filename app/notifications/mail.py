"""Sending email through the SMTP server set in the configuration.

Without ``MAIL_SERVER`` nothing is sent: the app keeps working. A failing
server is never shown to the user as an error: the step the user took has
already been saved. Either way every mail not sent is logged as a WARNING
(the level a server's default logging shows) with its recipients and
subject, so that the office can tell the people concerned by other means.
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


def not_sent(mails, reason):
    """Log each of ``mails`` as not sent, with its recipients and subject."""
    for mail in mails:
        log.warning("%s; not sent to %s: %s", reason, ", ".join(mail.to), mail.subject)


# A refusal of one mail: the connection still serves the next ones.
REFUSED_ONE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
               smtplib.SMTPDataError)


def send(mails):
    """Send ``mails`` (Mail instances) over one connection; returns how many went."""
    mails = [m for m in mails if m.to]
    if not mails:
        return 0
    config = current_app.config
    if not configured():
        not_sent(mails, "MAIL_SERVER is not set")
        return 0
    sent, done = 0, 0
    try:
        with _connect(config) as smtp:
            for mail in mails:
                try:
                    smtp.send_message(_message(mail, config["MAIL_DEFAULT_SENDER"]))
                    sent += 1
                except REFUSED_ONE as error:
                    not_sent([mail], f"Refused by {config['MAIL_SERVER']} ({error})")
                done += 1
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send %d email(s) through %s", len(mails) - done,
                      config["MAIL_SERVER"])
        not_sent(mails[done:], f"{config['MAIL_SERVER']} failed")
    return sent
