"""The gunicorn hooks: a worker that has loaded the application keeps the collector off it."""

from __future__ import annotations

import gc

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
