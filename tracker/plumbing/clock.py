"""The one place that reads the clock; everything else is handed `now` or `today`."""

from datetime import UTC, date, datetime

from tracker.plumbing.local_time import local_date


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the Ombudsman and the councils work."""
    return local_date(now())
