"""`make loadtest` end to end, briefly: a small generated database, gunicorn, sign-in through
the form, wrk on a few pages, and the table it writes."""

from __future__ import annotations

import shutil

import pytest

from tests.benchmarks import loadtest

PAGES = ["caseworker due list", "officer due list", "API overdue", "public council page"]


def test_a_short_load_test_signs_in_and_reports_each_page_without_errors(tmp_path) -> None:
    if shutil.which("wrk") is None:
        pytest.fail("wrk is not installed: run `make wrk` (Debian's wrk)")
    arguments = ["--size=2k", f"--database-url=sqlite:///{tmp_path / 'loadtest.db'}"]
    arguments += ["--seconds=1", f"--out-dir={tmp_path}"]
    arguments += [f"--page={page}" for page in PAGES]
    assert loadtest.main(arguments) == 0

    lines = (tmp_path / "loadtest-2k.txt").read_text().splitlines()
    rows = {line[:24].strip(): line[24:].split() for line in lines[4:] if line.strip()}
    assert sorted(rows) == sorted(PAGES)
    for page, (requests, errors, *_) in rows.items():
        assert int(requests) > 0, page
        assert int(errors) == 0, f"{page}: every answer 2xx, none a redirect to sign in"
