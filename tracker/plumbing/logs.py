"""Structured logs: one JSON object a line on standard error, for the web workers and the
scheduler alike, each carrying the request id of the request it was written in (if any).

Log lines hold no personal data beyond a user id: requests are logged by endpoint, never by
their path or query (which can carry references, e-mail addresses or reset tokens).
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from typing import IO

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter

# What an incoming X-Request-Id may be to be kept (a UUID, a load balancer's trace id).
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")
_HANDLER_NAME = "tracker-json"


def request_id(incoming: str | None) -> str:
    """The incoming id when it is well formed (8–100 letters, digits, `.`, `_`, `:`, `-`);
    else a new one."""
    if incoming and _WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to every record written while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach `request_id` (leaving one the caller gave alone); never drops a record."""
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")
        return True


def json_handler(stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing each record as one JSON line (time, level, logger, message and any
    `extra` fields)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RequestIdFilter())
    return handler


def configure(level: int = logging.INFO) -> None:
    """Send the process's logs to standard error as JSON lines (once per process)."""
    root = logging.getLogger()
    if any(handler.get_name() == _HANDLER_NAME for handler in root.handlers):
        return
    root.addHandler(json_handler())
    root.setLevel(level)
