"""Sending the outbox by SMTP: claim a batch, send each message once, record what happened.

A worker claims due messages (tracker/messages/delivery.py) and sends them over one SMTP
connection, committing after each message: a worker killed mid-batch leaves at most the message
in flight unrecorded, and a later worker sends that one again after the lease
(MAIL_LEASE_SECONDS) with the same Message-ID. A refused or failed attempt waits longer each time
and is given up after MAIL_MAX_ATTEMPTS.
"""

from __future__ import annotations

import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from tracker.config import ConfigError
from tracker.extensions import db
from tracker.messages.delivery import Outbox
from tracker.messages.models import Message
from tracker.messages.preferences import unsubscribe_path
from tracker.models import User
from tracker.types import utcnow

MAIL = Outbox(Message, Message.mail_status)
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT_SECONDS = 30
# smtplib sends bytes as given, so lines end as SMTP wants; headers fold only past SMTP's limit, so
# that an unsubscribe address stays on one line.
_WIRE = compat32.clone(linesep="\r\n", max_line_length=998)


@dataclass(frozen=True)
class MailServer:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None


def parse_mail_url(url: str) -> MailServer:
    """The SMTP server named by TRACKER_MAIL_URL, or ConfigError naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ConfigError(f"TRACKER_MAIL_URL must start with {', '.join(s + '://' for s in SCHEMES)}; "
                          f"got {parts.scheme or 'no scheme'}")
    if not parts.hostname:
        raise ConfigError("TRACKER_MAIL_URL names no host")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError as exc:
        raise ConfigError("TRACKER_MAIL_URL has a port that is not a number from 1 to 65535") from exc
    return MailServer(parts.scheme, parts.hostname, port, unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None)


def email_of(message: Message, recipient: User) -> tuple[str, str, bytes]:
    """(sender, recipient, the mail's bytes): text and HTML parts, its fixed Message-ID, its language.

    Built with the email package's compat32 classes, several times faster than EmailMessage's
    header objects, which the worker would otherwise spend more time on than on sending.
    """
    sender_name, sender = parseaddr(current_app.config["MAIL_FROM"])
    mail = MIMEMultipart("alternative")
    mail["Subject"] = Header(message.subject, "utf-8")
    mail["From"] = formataddr((sender_name, sender), charset="utf-8")
    mail["To"] = formataddr((recipient.display_name, recipient.email), charset="utf-8")
    mail["Message-ID"] = message.message_id
    mail["Date"] = format_datetime(message.created_at)
    mail["Content-Language"] = "zh-Hans" if message.locale == "zh" else "en"
    mail["Auto-Submitted"] = "auto-generated"
    mail["List-Unsubscribe"] = f"<{current_app.config['BASE_URL']}{unsubscribe_path(recipient, message.kind)}>"
    mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.attach(MIMEText(message.body_text, "plain", "utf-8"))
    mail.attach(MIMEText(message.body_html, "html", "utf-8"))
    return sender, recipient.email, mail.as_bytes(policy=_WIRE)


def _connect(server: MailServer) -> smtplib.SMTP:
    if server.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
        if server.scheme == "smtp+starttls":
            smtp.starttls(context=ssl.create_default_context())
    if server.username:
        smtp.login(server.username, server.password or "")
    return smtp


def deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Send the messages that are due, one batch; returns how many were sent and how many failed."""
    config = current_app.config
    if not config["MAIL_URL"]:
        return {"sent": 0, "failed": 0}
    server = parse_mail_url(config["MAIL_URL"])
    ids = MAIL.claim(secrets.token_hex(8), now or utcnow(), config["MAIL_BATCH_SIZE"],
                     timedelta(seconds=config["MAIL_LEASE_SECONDS"]))
    counts = {"sent": 0, "failed": 0}
    if not ids:
        return counts
    # Built before the first send: each commit below expires what the session loaded.
    mails = [(m.id, m.attempts, email_of(m, m.recipient)) for m in db.session.scalars(
        select(Message).where(Message.id.in_(ids)).order_by(Message.id).options(selectinload(Message.recipient)))]
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        # The marks below need not wait for the disk: one lost in a database crash only means that
        # message goes out again, with the same Message-ID. A worker's death loses nothing.
        db.session.execute(text("SET synchronous_commit TO OFF"))
    smtp = None
    try:
        for message_id, attempts, mail in mails:
            try:
                if smtp is None:
                    smtp = _connect(server)
                smtp.sendmail(*mail)
            except (smtplib.SMTPException, OSError) as exc:
                MAIL.failed(message_id, attempts + 1, f"{type(exc).__name__}: {exc}", config["MAIL_MAX_ATTEMPTS"])
                counts["failed"] += 1
                if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                    smtp = _close(smtp)  # the connection may be broken: the next message opens a new one
            else:
                MAIL.sent(message_id)
                counts["sent"] += 1
            # One commit per message: a worker killed now leaves at most this one to send again.
            db.session.commit()
    finally:
        _close(smtp)
        if postgres:  # the pooled connection as it was; nothing is pending (each mark was committed)
            db.session.rollback()
            db.session.execute(text("RESET synchronous_commit"))
            db.session.commit()
    return counts


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return None
