"""A real SMTP server (aiosmtpd) on a loopback port, for the delivery tests.

Besides keeping what it receives it can misbehave as real servers do: refuse the next
message with an error reply, take the next message and then lose the connection before
answering, or hold the next message (the client waiting for the answer) until the test lets
it accept it.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller

# How long a test waits for the server to reach a point before failing (never a sleep).
WAIT_SECONDS = 60


class Inbox:
    """An aiosmtpd handler keeping what it accepts, and what it was sent but refused."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refused: list[Message] = []
        self._refuse: tuple[str, str] | None = None  # (at which command, the reply)
        self._drop = False
        self._hold = False
        self.held = threading.Event()  # the held message has arrived
        self._release = threading.Event()
        self.accepted = threading.Event()  # the held message was accepted after all

    def _refusing(self, command: str) -> str | None:
        if self._refuse is None or self._refuse[0] != command:
            return None
        reply = self._refuse[1]
        self._refuse = None
        return reply

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        if reply := self._refusing("MAIL"):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if reply := self._refusing("RCPT"):
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content)
        if reply := self._refusing("DATA"):
            self.refused.append(message)
            return reply
        if self._hold:
            self._hold = False
            self.held.set()
            # Wait off the event loop, so the server keeps serving other connections; and
            # deliver in that thread, so that, like a real server, it delivers what it was
            # given even if the client has gone (aiosmtpd then cancels this coroutine).
            await asyncio.get_running_loop().run_in_executor(None, self._deliver_held, message)
            return "250 Message accepted for delivery"
        self.messages.append(message)
        if self._drop:
            self._drop = False
            server.transport.close()  # taken, but the answer never reaches the client
        return "250 Message accepted for delivery"

    def _deliver_held(self, message: Message) -> None:
        if self._release.wait(WAIT_SECONDS):
            self.messages.append(message)
            self.accepted.set()

    def refuse_next(self, reply: str = "554 5.6.0 Message refused", *, at: str = "DATA") -> None:
        """Answer the next message's MAIL, RCPT or DATA with this error reply: not delivered."""
        self._refuse = (at, reply)

    def drop_after_next(self) -> None:
        """Accept the next message, then close the connection instead of answering."""
        self._drop = True

    def hold_next(self) -> None:
        """Keep the next message, and its sender waiting, until `accept_held`."""
        self._hold = True

    def accept_held(self) -> None:
        """Accept the held message; returns once it is delivered."""
        self._release.set()
        assert self.accepted.wait(WAIT_SECONDS), "the held message was not accepted"

    def to(self) -> list[str]:
        """Who the accepted messages went to, sorted."""
        return sorted(message["To"] for message in self.messages)


class SmtpServer:
    """A real SMTP server on a loopback port, which a test can stop and start again."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = Inbox()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        """The SMTP_URL that reaches it."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen (again)."""
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening and drop the connections."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
