"""gunicorn settings (`gunicorn --config python:tracker.plumbing.gunicorn_config`): only what
metrics need of it.

With PROMETHEUS_MULTIPROC_DIR set, a worker that exits leaves its files there; its live
gauges are dropped here (its counters stay in the totals, as Prometheus expects).
"""

from typing import Any

from tracker.plumbing.metrics import worker_exited


def child_exit(_server: Any, worker: Any) -> None:
    """gunicorn's hook when a worker exits."""
    worker_exited(worker.pid)
