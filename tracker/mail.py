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
            smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS, context=context)
            if self.tls
            else smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
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

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        """A plain-text message from the service to one person."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2].strip("> "))
        message.set_content(body)
        return message


def configured_mailer(config: Mapping[str, Any]) -> Mailer | None:
    """The application's mailer, or None when e-mail is off or no SMTP_URL is set."""
    if not config.get("EMAIL_ENABLED") or not config.get("SMTP_URL"):
        return None
    return Mailer.from_url(config["SMTP_URL"], config["MAIL_FROM"])
