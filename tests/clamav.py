"""A real ClamAV daemon (Debian's clamd) for the virus-scanning tests, and a scanner that
never answers.

clamd runs in the foreground from a folder of its own: a config file, a unix socket and a
free TCP port on the loopback address, and a signature database holding one test signature
of our own for the EICAR test string (freshclam cannot reach the network here, and clamd
starts with any database that has at least one signature). As root it keeps running as
root (no `User` line), which suits a throwaway test server.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from tracker.plumbing.scanner import Scanner

# The EICAR anti-virus test file: harmless, and every scanner reports it as a virus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"
# How long a test waits for clamd to start before failing (never a sleep).
WAIT_SECONDS = 60


def clamd_program() -> str:
    """Debian installs clamd in /usr/sbin, which a non-root PATH may lack."""
    found = shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        pytest.fail("clamd is not installed: run `make clamav` (Debian's clamav-daemon)")
    return found


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Clamd:
    """clamd listening on a unix socket and a TCP port of its own, with the EICAR signature."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.socket = folder / "clamd.sock"
        self.process: subprocess.Popen[str] | None = None

    @property
    def unix_url(self) -> str:
        """CLAMD_URL for its unix socket."""
        return f"unix://{self.socket}"

    @property
    def tcp_url(self) -> str:
        """CLAMD_URL for its TCP port."""
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Write its configuration and database, start it, and wait until it answers PONG."""
        database = self.folder / "database"
        database.mkdir(exist_ok=True)
        # A body signature (.ndb): target any file (0), matching the string anywhere (*).
        (database / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
        config = self.folder / "clamd.conf"
        config.write_text(
            "\n".join(
                [
                    "Foreground yes",
                    f"LocalSocket {self.socket}",
                    "TCPAddr 127.0.0.1",
                    f"TCPSocket {self.port}",
                    f"DatabaseDirectory {database}",
                    f"TemporaryDirectory {self.folder}",
                    f"PidFile {self.folder / 'clamd.pid'}",
                    # Larger than the largest evidence file (EVIDENCE_MAX_MB, 25 MB).
                    "StreamMaxLength 100M",
                    "SelfCheck 3600",
                    "",
                ]
            )
        )
        self.process = subprocess.Popen(
            [clamd_program(), "--config-file", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()
        log: list[str] = []

        def read_log() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:  # its log says when it is serving
                log.append(line)
                if "Self checking every" in line:
                    ready.set()
            ready.set()  # it stopped: stop waiting

        threading.Thread(target=read_log, daemon=True).start()
        if not ready.wait(WAIT_SECONDS) or self.process.poll() is not None:
            self.stop()
            pytest.fail("clamd did not start:\n" + "".join(log))
        problem = Scanner(self.unix_url, timeout=WAIT_SECONDS).problem()
        if problem is not None:
            self.stop()
            pytest.fail(f"clamd does not answer PING: {problem}\n" + "".join(log))

    def stop(self) -> None:
        """Stop it and wait until it has gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(WAIT_SECONDS)


class SilentScanner:
    """A unix socket that accepts connections and reads what it is sent, but never answers:
    a scanner that hangs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen()
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """CLAMD_URL for it."""
        return f"unix://{self.path}"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:
                return  # closed
            self._connections.append(connection)
            threading.Thread(target=self._swallow, args=(connection,), daemon=True).start()

    @staticmethod
    def _swallow(connection: socket.socket) -> None:
        try:
            while connection.recv(1 << 16):
                pass
        except OSError:
            return

    def close(self) -> None:
        """Stop listening and drop every connection."""
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() under way
        self._server.close()
        for connection in self._connections:
            connection.close()
