"""The gunicorn hooks: a worker that has loaded the application keeps the collector off it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from tracker.plumbing import gunicorn_config


def test_a_loaded_worker_freezes_what_it_loaded_for_the_collector() -> None:
    loaded = [{"an object the worker keeps": n} for n in range(1000)]
    try:
        gunicorn_config.post_worker_init(object())
        assert gc.get_freeze_count() >= len(loaded)
        walked = {id(thing) for thing in gc.get_objects()}  # what a full collection walks
        assert not any(id(item) in walked for item in loaded)
    finally:
        gc.unfreeze()


def test_the_entry_point_leaves_the_collector_on_once_the_app_is_built(tmp_path: Path) -> None:
    """wsgi.py builds the application with the collector off, and turns it back on."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    done = subprocess.run(
        [sys.executable, "-c", "import gc, wsgi; print(gc.isenabled(), wsgi.app.name)"],
        cwd=Path(__file__).parents[1],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "tracker"]
