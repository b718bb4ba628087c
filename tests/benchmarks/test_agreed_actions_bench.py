"""Splitting the largest paste the form takes (50,000 characters), ordinary and pathological."""

from __future__ import annotations

import pytest

from tests.benchmarks.conftest import report, timed
from tracker.agreed_actions import split_agreed_actions

LIMIT = 50_000  # NewCaseForm.agreed_actions' Length(max=…)
PASTES = {
    "sentences": "The Council will apologise to Mr X within one month. ",
    "bullets": "- pay Mr X £300 within one month;\n",
    "titles": "Mr. A ",  # every full stop is an abbreviation's
    "open bracket": "(The Council will pay. ",  # one bracket never closed
    "open quote": '"We are sorry. ',
}


@pytest.mark.parametrize("name", sorted(PASTES))
def test_split_agreed_actions_on_the_largest_paste(name: str) -> None:
    section = (PASTES[name] * (LIMIT // len(PASTES[name]) + 1))[:LIMIT]
    figures = timed(lambda: split_agreed_actions(section), repeat=3, warmup=1)
    count = len(split_agreed_actions(section).recommendations)
    report(f"split_agreed_actions ({name}, {LIMIT} chars)", recommendations=count, **figures)
