"""Dates as people read them, for pages, letters and e-mails alike."""

from datetime import date, datetime

from tracker.plumbing.local_time import LOCAL_TIME


def long_date(value: date | None) -> str:
    """`28 February 2025`, as GOV.UK writes dates."""
    return f"{value.day} {value:%B %Y}" if value else ""


def short_date(value: date | None) -> str:
    """`28 Feb 2025`, for tables."""
    return f"{value.day} {value:%b %Y}" if value else ""


def long_datetime(value: datetime | None) -> str:
    """`23 November 2026 at 3:45pm`, in UK time."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL_TIME)
    hour = local.hour % 12 or 12
    return f"{long_date(local.date())} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
