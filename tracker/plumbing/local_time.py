"""The zone the Ombudsman and the councils work in. Pure: it reads no clock, so services may
turn the `now` they are handed into the local date with it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

# Deadlines are the dates people in England and Wales read on their calendars.
LOCAL_TIME = ZoneInfo("Europe/London")


def local_date(moment: datetime) -> date:
    """The date on a calendar in England and Wales at `moment` (timezone-aware)."""
    return moment.astimezone(LOCAL_TIME).date()
