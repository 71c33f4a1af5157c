"""A real SMTP server on loopback for the tests (aiosmtpd), shared by every test of a process."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.live import free_port


@dataclass
class Received:
    """What the server accepted: each message as parsed mail, with its envelope recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550
    delay: float = 0.0  # seconds to wait before accepting each message

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # the worker waits on this reply, as on a slow server
        mail = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), mail))
        return "250 accepted"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
        self.refuse.clear()
        self.delay = 0.0

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [mail for rcpt, mail in self.messages if address in rcpt]

    def wait_for(self, count: int, timeout: float = 20.0) -> int:
        """Wait until at least `count` messages arrived (or the timeout); returns how many did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return len(self.messages)
            time.sleep(0.05)
        with self.lock:
            return len(self.messages)


class MailServer:
    """aiosmtpd on 127.0.0.1 and a free port; `url` is the TRACKER_MAIL_URL that reaches it."""

    def __init__(self) -> None:
        self.received = Received()
        self.port = free_port()
        self.controller = Controller(self.received, hostname="127.0.0.1", port=self.port)
        self.url = f"smtp://127.0.0.1:{self.port}"

    def start(self) -> MailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
