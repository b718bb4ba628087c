"""gunicorn settings (`gunicorn --config python:tracker.plumbing.gunicorn_config`): metrics,
and the collector's view of what a worker loads once.

With PROMETHEUS_MULTIPROC_DIR set, a worker that exits leaves its files there; its live
gauges are dropped here (its counters stay in the totals, as Prometheus expects).
"""

import gc
from typing import Any

from tracker.plumbing.metrics import worker_exited


def post_worker_init(_worker: Any) -> None:
    """gunicorn's hook once a worker has loaded the application: what it loaded (modules,
    the app, SQLAlchemy's mappers, compiled templates, well over 100,000 objects) lives as
    long as the worker, so the cycle collector is told never to walk it again. Otherwise
    every full collection, which pages that build many objects set off every few requests,
    walks all of it: hundreds of milliseconds on the p95 of every council's statistics."""
    gc.collect()
    gc.freeze()


def child_exit(_server: Any, worker: Any) -> None:
    """gunicorn's hook when a worker exits."""
    worker_exited(worker.pid)
