"""compute_deadline throughput on a mixed corpus (target: 10,000 texts a second on one core)."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from tests.benchmarks.conftest import report
from tracker.deadlines import compute_deadline

OPENINGS = [
    "Within three months of my final decision statement, the Council will",
    "Within one month of the date of the Ombudsmen’s final decision statement, the Council has "
    "agreed it will",
    "Within 20 working days of my final decision, the Council will",
    "Within a month of receiving the District Valuer's report, the Council will",
    "The Council will, by 31 October,",
    "No later than 30 June 2025 the Council will",
    "Within 5 working days following the meeting the Council will",
    "The Council will",
    "By training or otherwise the Council will",
]
ACTIONS = [
    "apologise to Mrs X for the distress caused by the faults identified in this statement",
    "pay Mr X £300 to acknowledge the distress and £150 for his time and trouble",
    "remind relevant staff of the importance of completing financial assessments in a timely "
    "manner and of recording the advice and information given",
    "review its procedures so reviews are completed within statutory timescales",
    "provide a copy of the minutes of the meeting held on 3 April 2024",
    "reassess Ms Y's care needs and share the new assessment with her family",
]
ENDINGS = [
    "",
    ", and within three months it will report back",
    " (due within one month)",
    ", then within a further 4 weeks it will confirm what it has done",
    " and pay £150 a month, from March 2023",
]


def corpus(size: int) -> list[tuple[str, date]]:
    rng = random.Random(11)
    return [
        (
            f"{rng.choice(OPENINGS)} {rng.choice(ACTIONS)}{rng.choice(ENDINGS)}.",
            date(2020, 4, 1) + timedelta(days=rng.randint(0, 2000)),
        )
        for _ in range(size)
    ]


def test_compute_deadline_throughput() -> None:
    texts = corpus(50_000)
    for text, decided in texts[:2000]:  # warm the caches (bank holidays, regex)
        compute_deadline(text, decided, kind="personal")
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for text, decided in texts:
            compute_deadline(text, decided, kind="personal")
        best = max(best, len(texts) / (time.perf_counter() - start))
    average_length = sum(len(text) for text, _ in texts) / len(texts)
    report(
        "compute_deadline (one core, mixed corpus)",
        texts=len(texts),
        mean_chars=average_length,
        texts_per_second=best,
        best_of_runs=3,
        target=10_000,
    )
