"""moto's standalone S3 server on a free loopback port, for the evidence store's S3 tests
(the MinIO server cannot be installed here; moto speaks the same API over HTTP)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import uuid
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

# boto3 reads these; the credentials are moto's, and name nothing real.
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-2",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class S3Server:
    """A moto S3 server this worker started, and a client of it: in a thread of this process,
    or (`own_process=True`, for measuring this process's memory) in a process of its own."""

    def __init__(self, *, own_process: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = (
            None
            if own_process
            else ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        )
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self._server is not None:
            self._server.start()
            return
        self._process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until it accepts connections
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("moto's S3 server did not start")

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        elif self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=30)

    def environment(self) -> dict[str, str]:
        """The variables that point boto3 at this server."""
        return {**ENVIRONMENT, "AWS_ENDPOINT_URL_S3": self.url}

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name=ENVIRONMENT["AWS_DEFAULT_REGION"],
        )

    def new_bucket(self) -> str:
        """A fresh, empty bucket."""
        name = f"evidence-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": ENVIRONMENT["AWS_DEFAULT_REGION"]},
        )
        return name
