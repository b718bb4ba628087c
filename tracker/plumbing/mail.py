"""Sending e-mail over SMTP, configured by one URL: `smtp://host:port`, `smtps://host:465`,
`smtp://user:password@host:587?starttls=true`."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TIMEOUT_SECONDS = 30


class MaybeDelivered(Exception):
    """The connection ended without an answer after the message began to go: the server
    may have taken it, so sending it again could deliver it twice."""


class _Connection(smtplib.SMTP):
    """An SMTP connection that notes when a message begins to go (the DATA command)."""

    message_started = False

    def data(self, msg: Any) -> tuple[int, bytes]:
        """The DATA command and the message; from here an unanswered end is ambiguous."""
        # Counted from the command, not the server's go-ahead: the few bytes between
        # cannot deliver anything, but guessing wrong the other way could send twice.
        self.message_started = True
        return super().data(msg)


class _TlsConnection(_Connection, smtplib.SMTP_SSL):
    """The same, over TLS from the first byte (smtps)."""


@dataclass(frozen=True)
class Mailer:
    """Where e-mail goes and who it comes from."""

    host: str
    port: int
    sender: str
    tls: bool = False  # smtps: TLS from the first byte
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str, sender: str) -> Mailer:
        """Read an SMTP URL; ValueError says what is wrong with it."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"not an smtp:// or smtps:// address: {url!r}")
        options = parse_qs(parts.query)
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            sender=sender,
            tls=parts.scheme == "smtps",
            starttls=options.get("starttls", ["false"])[0].lower() in ("1", "true", "yes"),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    @contextmanager
    def connect(self) -> Iterator[smtplib.SMTP]:
        """An open, authenticated connection; closed (politely if possible) afterwards."""
        context = ssl.create_default_context()
        connection = (
            _TlsConnection(self.host, self.port, timeout=TIMEOUT_SECONDS, context=context)
            if self.tls
            else _Connection(self.host, self.port, timeout=TIMEOUT_SECONDS)
        )
        try:
            if self.starttls:
                connection.starttls(context=context)
            if self.username:
                connection.login(self.username, self.password or "")
            yield connection
        finally:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()

    @property
    def domain(self) -> str:
        """The sender's domain, which Message-IDs end with."""
        return self.sender.rpartition("@")[2].strip("> ")

    def message(
        self, to: str, subject: str, body: str, *, message_id: str | None = None
    ) -> EmailMessage:
        """A plain-text message from the service to one person; a random Message-ID unless
        the caller gives the one it recorded."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id or make_msgid(domain=self.domain)
        message.set_content(body)
        return message

    @staticmethod
    def send(connection: smtplib.SMTP, message: EmailMessage) -> None:
        """Send `message` on a connection from `connect`.

        An answer refusing it (sender, recipients, the message) or a connection lost before
        it began to go raises smtplib.SMTPException or OSError: it was not taken and can be
        sent again. A connection lost or timed out once it had begun to go raises
        MaybeDelivered.
        """
        if isinstance(connection, _Connection):
            connection.message_started = False
        try:
            connection.send_message(message)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            raise  # the server answered: a refusal is definite
        except (smtplib.SMTPException, OSError) as error:
            if getattr(connection, "message_started", False):
                said = str(error) or type(error).__name__
                raise MaybeDelivered(f"the connection ended mid-send: {said}") from error
            raise


def email_is_on(config: Mapping[str, Any]) -> bool:
    """Whether this service sends e-mail: switched on, with an SMTP_URL to send it to."""
    return bool(config.get("EMAIL_ENABLED") and config.get("SMTP_URL"))


def configured_mailer(config: Mapping[str, Any]) -> Mailer | None:
    """The application's mailer, or None when e-mail is off or no SMTP_URL is set."""
    if not email_is_on(config):
        return None
    return Mailer.from_url(config["SMTP_URL"], config["MAIL_FROM"])
