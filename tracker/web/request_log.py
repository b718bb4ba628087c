"""Every request gets an id (the caller's X-Request-Id when well formed, else a new one),
returned in the X-Request-Id header and shown on error pages, and leaves one JSON log line
and its count and time in the metrics, labelled by Flask endpoint (a bounded set)."""

from __future__ import annotations

import logging
import time

import sqlalchemy as sa
from flask import Flask, g, request
from flask.wrappers import Response

from tracker.plumbing import logs, metrics

log = logging.getLogger("tracker.requests")
HEADER = "X-Request-Id"
UNMATCHED = "unmatched"  # no route (a 404, or a 405): one label value for them all


def init_app(app: Flask) -> None:
    """First before every other hook, so a request refused early has its id too."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    app.context_processor(lambda: {"request_id": g.get("request_id", "")})


def _start() -> None:
    g.request_id = logs.request_id(request.headers.get(HEADER))
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or logs.request_id(None)
    response.headers[HEADER] = request_id
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.endpoint or UNMATCHED
    metrics.REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    metrics.REQUEST_SECONDS.labels(endpoint).observe(seconds)
    log.info(
        "request",
        extra={
            "request_id": request_id,
            "method": request.method,
            "endpoint": endpoint,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
            "user_id": _user_id(),
        },
    )
    return response


def _user_id() -> int | None:
    """Who made the request, if already known: never loaded here (that reads the database)."""
    for person in (g.get("api_user"), g.get("_login_user")):
        if person is not None and getattr(person, "is_authenticated", False):
            # The request has committed: its objects are expired, and reading `id` would load
            # the person again. Their identity is known without it.
            state = sa.inspect(person, raiseerr=False)
            if state is not None and state.identity is not None:
                return state.identity[0]
            return getattr(person, "id", None)
    return None
