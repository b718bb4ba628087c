"""A small client of ClamAV's daemon (clamd), over TCP or a unix socket.

Files are streamed with INSTREAM: the command, then chunks each led by its length as a 4-byte
big-endian number, then a zero-length chunk; clamd answers `stream: OK` or
`stream: <signature> FOUND` (or `… ERROR`, e.g. over its StreamMaxLength). Commands are sent
with the `z` prefix, so they and their replies end with a NUL byte.

The `clamd` package on PyPI is unmaintained (no release since 2014), and the protocol is this
small, so the client is our own. Nothing here decides what a refusal means: `ScannerError`
says only that no verdict came back.
"""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit

CHUNK = 1 << 16  # bytes a chunk carries: the file is never held whole in memory
_REPLY_LIMIT = 4096  # a reply is one short line; anything longer is not clamd


class ScannerError(Exception):
    """clamd gave no verdict: it could not be reached, it timed out, or it answered an error.
    `reason` is short and fit for an operator (and the audit trail)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Scanner:
    """clamd at `url` (`tcp://host:3310` or `unix:///path/to/clamd.ctl`).

    `connect_timeout` bounds reaching it; `timeout` bounds each wait while streaming and the
    whole wait for the verdict once the file is sent.
    """

    url: str
    connect_timeout: float = 5.0
    timeout: float = 60.0

    def __post_init__(self) -> None:
        address(self.url)  # a bad URL fails when the scanner is made, at start-up

    def scan(self, stream: IO[bytes]) -> str | None:
        """Stream the file from where `stream` stands to its end; the signature clamd found,
        or None when it is clean. Raises ScannerError when there is no verdict."""
        with self._connection() as connection:
            self._send(connection, b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                self._send(connection, struct.pack(">I", len(chunk)) + chunk)
            self._send(connection, struct.pack(">I", 0))
            reply = self._reply(connection)
        if reply.endswith(" FOUND"):
            return reply.removeprefix("stream: ").removesuffix(" FOUND").strip() or "unknown"
        if reply == "stream: OK":
            return None
        raise ScannerError(f"clamd answered {reply[:200]!r}")

    def ping(self) -> None:
        """Ask clamd whether it is up; raises ScannerError unless it answers PONG. A PING is
        answered at once, so it waits no longer than a connection may (a health check must
        not hang for a whole scan's timeout)."""
        with self._connection() as connection:
            self._send(connection, b"zPING\0")
            reply = self._reply(connection, min(self.connect_timeout, self.timeout))
        if reply != "PONG":
            raise ScannerError(f"clamd answered {reply[:200]!r} to PING")

    def problem(self) -> str | None:
        """None when clamd answers PING with PONG, else a short reason (for /health)."""
        try:
            self.ping()
        except ScannerError as error:
            return error.reason
        return None

    def _connection(self) -> socket.socket:
        family, target = address(self.url)
        connection = socket.socket(family, socket.SOCK_STREAM)
        connection.settimeout(self.connect_timeout)
        try:
            connection.connect(target)
        except TimeoutError as error:
            connection.close()
            raise ScannerError(
                f"no connection to clamd within {self.connect_timeout:g} s"
            ) from error
        except OSError as error:
            connection.close()
            raise ScannerError(
                f"cannot reach clamd at {self.url}: {error.strerror or error}"
            ) from error
        connection.settimeout(self.timeout)
        return connection

    def _send(self, connection: socket.socket, data: bytes) -> None:
        try:
            connection.sendall(data)
        except TimeoutError as error:
            raise ScannerError(
                f"clamd took more than {self.timeout:g} s to take the file"
            ) from error
        except OSError as error:
            # clamd closes the connection when a stream passes its StreamMaxLength; its reply
            # (when it sent one) says so, but a reset is all the sender may see.
            raise ScannerError(f"clamd closed the connection: {error.strerror or error}") from error

    def _reply(self, connection: socket.socket, timeout: float | None = None) -> str:
        """The NUL-terminated reply, within `timeout` (default: the scan's) in all."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        reply = b""
        while not reply.endswith(b"\0"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise ScannerError(f"clamd gave no answer within {timeout:g} s")
            connection.settimeout(left)
            try:
                data = connection.recv(_REPLY_LIMIT)
            except TimeoutError as error:
                raise ScannerError(f"clamd gave no answer within {timeout:g} s") from error
            except OSError as error:
                raise ScannerError(
                    f"clamd closed the connection: {error.strerror or error}"
                ) from error
            if not data:
                raise ScannerError("clamd closed the connection without an answer")
            reply += data
            if len(reply) > _REPLY_LIMIT:
                raise ScannerError("clamd's answer is too long to be one")
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def address(url: str) -> tuple[socket.AddressFamily, Any]:
    """The socket family and address a CLAMD_URL names; ValueError saying what is wrong."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        path = parts.path or ""
        if parts.netloc or not path.startswith("/"):
            raise ValueError(
                f"CLAMD_URL is {url!r}: write a unix socket as unix:///absolute/path/clamd.ctl"
            )
        return socket.AF_UNIX, path
    if parts.scheme == "tcp":
        try:
            port = parts.port
        except ValueError as error:
            raise ValueError(
                f"CLAMD_URL is {url!r}: the port is not a number from 1 to 65535"
            ) from error
        if not parts.hostname or port is None or parts.path not in ("", "/"):
            raise ValueError(f"CLAMD_URL is {url!r}: write a TCP address as tcp://host:3310")
        return socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, (parts.hostname, port)
    raise ValueError(f"CLAMD_URL is {url!r}: use tcp://host:port or unix:///path/to/clamd.ctl")


def scanner_for(config: Mapping[str, Any]) -> Scanner | None:
    """The scanner an application's settings name, or None when CLAMD_URL is not set."""
    url = config.get("CLAMD_URL")
    if not url:
        return None
    return Scanner(
        url,
        connect_timeout=_seconds(config, "CLAMD_CONNECT_TIMEOUT"),
        timeout=_seconds(config, "CLAMD_TIMEOUT"),
    )


def _seconds(config: Mapping[str, Any], name: str) -> float:
    """A timeout setting: a number of seconds above nought."""
    try:
        seconds = float(config[name])
    except (TypeError, ValueError):
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise ValueError(f"{name} is {config[name]!r}: give a number of seconds above 0")
    return seconds
