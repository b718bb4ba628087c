"""The load test's and the benchmarks' arithmetic: nearest-rank percentiles, wrk's figures
read back, and the table they print."""

from __future__ import annotations

import pytest

from tests.benchmarks.figures import PageResult, parse_wrk, percentile, summary, table

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:41234/recommendations/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.20ms   12.01ms 130.52ms   80.11%
  968 requests in 10.01s, 30.12MB read
Requests/sec:     96.70
Transfer/sec:      3.01MB
""" + (
    "LOADTEST requests=968 errors=1 non2xx=2 p50_us=39012.0 p95_us=61500.5 p99_us=98000.0"
    " duration_us=10010000\n"
)


def test_percentiles_are_nearest_rank_samples_never_interpolated() -> None:
    samples = [float(n) for n in range(20, 0, -1)]  # 20 … 1, in no particular order
    assert percentile(samples, 0.5) == 10
    assert percentile(samples, 0.95) == 19
    assert percentile(samples, 0.99) == 20
    assert percentile([7.0], 0.95) == 7


def test_percentile_refuses_no_samples_or_a_share_outside_0_to_1() -> None:
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_summary_says_how_many_runs_it_is_taken_over() -> None:
    figures = summary([float(n) for n in range(1, 101)])
    assert figures == {"runs": 100, "p50_ms": 50, "p95_ms": 95, "p99_ms": 99, "max_ms": 100}


def test_wrk_figures_count_every_answer_that_is_not_2xx_as_an_error() -> None:
    result = parse_wrk("caseworker due list", WRK_OUTPUT)
    assert result.requests == 968
    assert result.errors == 3  # one socket error, two answers that were not 2xx
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (39.012, 61.5005, 98.0)
    assert result.requests_per_second == pytest.approx(96.7, abs=0.01)


def test_wrk_output_without_figures_is_an_error_that_shows_the_output() -> None:
    with pytest.raises(ValueError, match="unable to connect"):
        parse_wrk("review queue", "unable to connect to 127.0.0.1:1 Connection refused\n")


def test_table_has_a_row_per_page_and_says_whether_p95_met_the_goal() -> None:
    results = [
        PageResult("caseworker due list", 968, 0, 39.0, 61.5, 98.0, 96.7),
        PageResult("due list page 1000", 120, 0, 300.0, 410.25, 500.0, 12.0),
        PageResult("API overdue", 900, 3, 20.0, 40.0, 50.0, 90.0),
    ]
    lines = table(results, goal_ms=150).splitlines()
    assert lines[0].split() == [
        "page", "requests", "errors", "p50", "ms", "p95", "ms", "p99", "ms", "req/s", "p95<=150",
    ]  # fmt: skip
    assert lines[2].split()[-5:] == ["39.0", "61.5", "98.0", "96.7", "yes"]
    assert lines[3].split()[-5:] == ["300.0", "410.2", "500.0", "12.0", "NO"]
    assert lines[4].split()[-1] == "NO", "errors fail the goal whatever the latency"
    assert len({len(line) for line in lines[:2]}) == 1, "the rule spans the header"
