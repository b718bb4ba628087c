"""The one place that reads the clock; everything else is handed `now` or `today`."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Deadlines are the dates people in England and Wales read on their calendars.
LOCAL_TIME = ZoneInfo("Europe/London")


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the Ombudsman and the councils work."""
    return now().astimezone(LOCAL_TIME).date()
