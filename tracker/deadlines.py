"""Deadlines read from a recommendation's own words, worked out from the decision date.

A pure module: no database, no Flask. `compute_deadline(text, decision_date)` finds every
deadline phrase ("within three months of my final decision", "by 4 November 2021", "within
20 working days", "then within a further 4 weeks") and dates each part; the recommendation
is due on the latest. Parts that hang on another event ("of receiving the District Valuer's
report") have no date until that event's date is known. Words that look like deadlines but
are not understood make the result ambiguous: it is never given a confident date.

The rules are those of the domain reference (domain.md, "Deadlines"); this is their one home.
"""

from __future__ import annotations

import calendar as month_calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

from tracker.plumbing.formats import long_date

WORKING_DAYS_CALENDARS = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
DEFAULT_CALENDAR = "england-and-wales"

_ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
          "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS: dict[str, int] = {"a": 1, "an": 1, "single": 1}
NUMBER_WORDS.update({word: n for n, word in enumerate(_ONES, start=1)})
NUMBER_WORDS.update({word: n for n, word in enumerate(_TEENS, start=10)})
for _tens_index, _tens in enumerate(_TENS, start=2):
    NUMBER_WORDS[_tens] = _tens_index * 10
    for _ones_index, _one in enumerate(_ONES, start=1):
        NUMBER_WORDS[f"{_tens}-{_one}"] = NUMBER_WORDS[f"{_tens} {_one}"] = (
            _tens_index * 10 + _ones_index
        )

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip


def _alternation(words: list[str]) -> str:
    """Longest first, so `twenty-one` wins over `twenty` and `an` over `a`."""
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


_NUMBER = rf"(?:\d{{1,3}}|{_alternation(list(NUMBER_WORDS))})"
_MONTH = rf"(?:{_alternation(list(MONTHS))})\.?"
_FURTHER = r"(?:a\s+)?further|another|an\s+(?:additional|extra|other)"

# One pattern for every deadline phrase; anchors are read after it, in Python.
_DEADLINE = re.compile(
    rf"""
    (?P<period>
      \b(?:within|in\s+the\s+next|no\s+later\s+than|not\s+later\s+than)\s+
      (?P<next>the\s+next\s+)?
      (?:(?P<further>{_FURTHER})\s+)?
      (?:(?P<number>{_NUMBER})(?:\s*\(\s*(?:\d{{1,3}}|{_NUMBER})\s*\))?\s+)?
      (?:calendar\s+)?
      (?P<unit>months?|weeks?|fortnights?|(?:working|business)\s+days?|days?)\b
    )
    |
    (?P<dated>
      \b(?P<by>by|no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|before)\s+
      (?:(?P<end>the\s+end\s+of)\s+)?
      (?:
        (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<month>{_MONTH})
        (?:,?\s+(?P<year>\d{{4}}))?
      |
        (?P<month_first>{_MONTH})(?:\s+(?P<day_after>\d{{1,2}})(?:st|nd|rd|th)?)?
        (?:,?\s+(?P<year_after>\d{{4}}))?
      )\b
    )
    """,
    re.IGNORECASE | re.VERBOSE,
)

# What follows a period: "of my final decision", "following the meeting", …
_ANCHOR_WORD = re.compile(r"\s*,?\s*(of|from|after|following)\s+", re.IGNORECASE)
_ANCHOR_TEXT = re.compile(r"[^,;:.()\n]+")
# Where an event's description ends and the sentence carries on.
_EVENT_END = re.compile(
    r"\s+(?:the\s+council|it|they|we|and|then|to|so\s+that|or|which|but)\b", re.IGNORECASE
)
# The decision itself, under every name the ombudsmen give it: LGSCO "my final decision
# (statement)", PSOW "this decision letter", SPSO "our decision letter", PHSO "the final
# report", the Housing Ombudsman "this report" or "this determination", and so on.
_DECISION = re.compile(
    r"""
    (?:(?:receiving|receipt\s+of|the\s+issue\s+of)\s+)?
    (?:the\s+date\s+of\s+(?:issue\s+of\s+)?)?
    (?:
      (?:my|our|this|the|the\s+ombudsm[ae]n['’]?s?['’]?)\s+
        (?:final\s+)?decision(?:\s+(?:statement|notice|letter))?
      | (?:my|our|this|the\s+ombudsm[ae]n['’]?s?['’]?)\s+
        (?:final\s+)?(?:report|letter|determination)
      | (?:the|the\s+ombudsm[ae]n['’]?s?['’]?)\s+final\s+(?:report|determination)
    )
    # Then nothing, or the body that is to act: "… of the date of this report the Health
    # Board apologises", or a heading's "… of this report the Health Board:".
    (?=\s*$|\s+the\s+(?:[\w'’-]+\s+){0,2}?(?:council|landlord|board|trust|authority
      |organisation|practice|provider|association)\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# What is left of "(due within one month)" once the timescale is taken out.
_EMPTY_BRACKETS = re.compile(r"\s*\(\s*(?:due|deadline:?)?\s*\)", re.IGNORECASE)
_THEN_BEFORE = re.compile(r"\bthen\s*,?\s*$", re.IGNORECASE)
# Deadline-like words the rules above do not understand: never guessed at.
_UNCLEAR = re.compile(
    rf"""
      \bwithin\s+(?:the\s+next\s+)?(?:{_NUMBER})\s*(?:-|–|to|or)\s*(?:{_NUMBER})\b
        (?:\s+(?:calendar\s+|working\s+|business\s+)?[a-z]+)?
    | \bwithin\s+(?:the\s+next\s+)?(?:{_NUMBER})\s+(?!(?:calendar\s+)?(?:months?|weeks?
        |fortnights?|(?:working|business)\s+days?|days?)\b)[a-z]+\s+(?:days?|weeks?|months?)\b
    | \bby\s+the\s+end\s+of\s+(?!{_MONTH})(?:the|this|next)\s+\w+
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Period:
    """A length of time as a deadline states it: 3 months, 2 weeks, 20 working days."""

    amount: int
    unit: str  # "months", "days" or "working_days"

    def after(self, anchor: date, calendar: str) -> date:
        """The date this period after `anchor` falls due."""
        if self.unit == "months":
            return add_months(anchor, self.amount)
        if self.unit == "working_days":
            return add_working_days(anchor, self.amount, calendar)
        return anchor + timedelta(days=self.amount)

    def explain(self, anchor: date, due: date, anchor_is: str, calendar: str) -> str:
        """How `due`, this period `after(anchor)`, was worked out, in words: `20 working days
        from 3 April 2025 (the decision), skipping weekends, Good Friday and Easter Monday`."""
        unit = {"months": "month", "days": "day", "working_days": "working day"}[self.unit]
        words = f"{self.amount} {unit}{'s' if self.amount != 1 else ''} from {long_date(anchor)}"
        words += f" ({anchor_is})"
        if self.unit == "months" and due.day != anchor.day:
            words += f", the last day of {due:%B} as it has no {anchor.day}{_ordinal(anchor.day)}"
        if self.unit == "working_days":
            skipped = holidays_between(anchor, due, calendar)
            words += ", skipping " + _and(["weekends", *skipped])
        return words

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read a setting such as `1 month`, `3 months`, `20 working days`."""
        match = re.fullmatch(
            rf"\s*(?P<number>{_NUMBER})\s+(?P<unit>months?|weeks?|fortnights?"
            r"|(?:working|business)\s+days?|days?)\s*",
            text,
            re.IGNORECASE,
        )
        if not match:
            raise ValueError(f"not a period of time: {text!r}")
        return _period(match["number"], match["unit"])


@dataclass(frozen=True)
class DeadlinePart:
    """One deadline phrase and the date it gives (None while it waits for an event)."""

    phrase: str
    due_date: date | None
    start: int
    end: int
    awaits_event: str | None = None  # e.g. "receiving the District Valuer's report"
    follows: int | None = None  # a chained part runs from this earlier part
    how: str = ""  # how its date was worked out, in words (empty while it waits)


@dataclass(frozen=True)
class Deadline:
    """When a recommendation is due, and how that was worked out."""

    due_date: date | None
    explicit: bool
    parts: tuple[DeadlinePart, ...] = ()
    assumed: bool = False  # a default for the kind of remedy, for a caseworker to confirm
    problems: tuple[str, ...] = field(default=())  # words not understood, shown to people
    how: str = ""  # how an assumed date was worked out, in words

    @property
    def distinct_deadlines(self) -> tuple[DeadlinePart, ...]:
        """One part for each different deadline the words state, in the order they come; more
        than one means the recommendation holds several deadlines."""
        seen: dict[object, DeadlinePart] = {}
        for part in self.parts:
            # Undated parts differ by the event they wait for, and a chain by its link.
            seen.setdefault(part.due_date or (part.awaits_event, part.follows), part)
        return tuple(seen.values())

    @property
    def awaits_events(self) -> tuple[str, ...]:
        """The events whose dates are still needed."""
        return tuple(p.awaits_event for p in self.parts if p.due_date is None and p.awaits_event)


@dataclass(frozen=True)
class DeadlineRules:
    """A deployment's deadline settings: the working-days calendar, and the period assumed
    for each kind of remedy whose words state none. Built once from the app's config."""

    calendar: str = DEFAULT_CALENDAR
    defaults: Mapping[str, Period] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.calendar not in WORKING_DAYS_CALENDARS:
            raise ValueError(f"unknown working-days calendar {self.calendar!r}")

    @classmethod
    def from_settings(cls, calendar: str, defaults: Mapping[str, str]) -> DeadlineRules:
        """The rules from the settings as written (`WORKING_DAYS_CALENDAR`,
        `DEFAULT_DEADLINES` such as `{"personal": "1 month"}`); ValueError if one is not
        understood."""
        return cls(calendar, {kind: Period.parse(text) for kind, text in defaults.items()})


# What a deployment that sets nothing uses (config.py's defaults), and callers that pass none.
DEFAULT_RULES = DeadlineRules(
    DEFAULT_CALENDAR,
    {"personal": Period(1, "months"), "service_improvement": Period(3, "months")},
)


def compute_deadline(
    text: str,
    decision_date: date,
    *,
    kind: str | None = None,
    event_dates: Mapping[str, date] | None = None,
    rules: DeadlineRules | None = None,
) -> Deadline:
    """Work out when `text` is due, from `decision_date` and any recorded event dates.

    `rules` give the working-days calendar and, by `kind` ("personal",
    "service_improvement"), the default period when the text states none; the result is then
    `assumed`, never `explicit`. Without `rules`, DEFAULT_RULES.
    """
    rules = rules or DEFAULT_RULES
    calendar = rules.calendar
    events = {_event_key(name): when for name, when in (event_dates or {}).items()}
    parts: list[DeadlinePart] = []
    problems: list[str] = []
    for match in _DEADLINE.finditer(text):
        if match["period"] and not (match["number"] or match["next"]):
            continue  # "within months": no length stated
        if match["period"]:
            part = _period_part(text, match, decision_date, parts, events, calendar, problems)
        else:
            part = _dated_part(text, match, decision_date, problems)
        if part is not None:
            parts.append(part)
    problems.extend(
        f"“{m.group(0).strip()}” was not understood as a deadline"
        for m in _UNCLEAR.finditer(text)
        if not any(p.start <= m.start() < p.end for p in parts)
    )
    if parts and not problems:
        dates = [p.due_date for p in parts]
        due = None if None in dates else max(d for d in dates if d is not None)
        return Deadline(due_date=due, explicit=True, parts=tuple(parts))
    default = rules.defaults.get(kind) if kind else None
    assumed = default.after(decision_date, calendar) if default else None
    return Deadline(
        due_date=assumed,
        explicit=False,
        parts=tuple(parts),
        assumed=default is not None,
        problems=tuple(problems),
        how=(
            default.explain(decision_date, assumed, "the decision", calendar)
            + f": the usual time for a {kind.replace('_', ' ')} remedy whose words give none"
            if default and assumed and kind
            else ""
        ),
    )


def add_months(anchor: date, months: int) -> date:
    """The same day `months` calendar months later, or that month's last day if shorter."""
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(anchor.day, month_calendar.monthrange(year, month)[1]))


def add_working_days(anchor: date, count: int, calendar: str = DEFAULT_CALENDAR) -> date:
    """The `count`-th working day after `anchor`: not a weekend, not a bank holiday."""
    closed = bank_holidays(calendar)
    day = anchor
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            count -= 1
    return day


@lru_cache(maxsize=8)
def bank_holidays(calendar: str) -> frozenset[date]:
    """Bank holidays, substitute days included, 1974 to 2100, for one calendar."""
    return frozenset(
        holidays.country_holidays(
            "GB", subdiv=WORKING_DAYS_CALENDARS[calendar], years=range(1974, 2101)
        )
    )


def holidays_between(after: date, until: date, calendar: str) -> list[str]:
    """The names of the bank holidays on weekdays after `after`, up to `until`, in order."""
    named = _named_holidays(calendar, tuple(range(after.year, until.year + 1)))
    return [
        name for day, name in sorted(named.items()) if after < day <= until and day.weekday() < 5
    ]


@lru_cache(maxsize=32)
def _named_holidays(calendar: str, years: tuple[int, ...]) -> dict[date, str]:
    found = holidays.country_holidays("GB", subdiv=WORKING_DAYS_CALENDARS[calendar], years=years)
    return dict(found.items())


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def is_working_day(day: date, calendar: str = DEFAULT_CALENDAR) -> bool:
    """Monday to Friday and not a bank holiday in the calendar."""
    return day.weekday() < 5 and day not in bank_holidays(calendar)


def text_without_deadlines(text: str) -> str:
    """The recommendation with its timescales taken out, as service improvements are
    published: "Within one month of my final decision, the Council will …" → "The Council
    will …"."""
    result = text
    for part in sorted(
        compute_deadline(text, date(2000, 1, 1)).parts, key=lambda p: p.start, reverse=True
    ):
        before, after = result[: part.start], result[part.end :]
        if not before.strip():  # a leading phrase: drop its comma, capitalise what follows
            after = after.lstrip(" ,")
            after = after[:1].upper() + after[1:]
            before = ""
        else:
            before = before.rstrip()
            if after[:1].isalnum():
                before += " "
        result = before + after
    return _EMPTY_BRACKETS.sub("", result)


def _period(number: str | None, unit: str) -> Period:
    if number is None:  # "within the next month"
        amount = 1
    elif number.isdigit():
        amount = int(number)
    else:
        amount = NUMBER_WORDS[" ".join(number.lower().split())]
    unit = unit.lower()
    if unit.startswith("month"):
        return Period(amount, "months")
    if unit.startswith("fortnight"):
        return Period(amount * 14, "days")
    if unit.startswith("week"):
        return Period(amount * 7, "days")
    if unit.startswith(("working", "business")):
        return Period(amount, "working_days")
    return Period(amount, "days")


def _period_part(
    text: str,
    match: re.Match[str],
    decision_date: date,
    parts: list[DeadlinePart],
    events: Mapping[str, date],
    calendar: str,
    problems: list[str],
) -> DeadlinePart | None:
    period = _period(match["number"], match["unit"])
    start, end = match.start(), match.end()
    anchor_word = _ANCHOR_WORD.match(text, end)
    anchor_text = _ANCHOR_TEXT.match(text, anchor_word.end()) if anchor_word else None
    chained = bool(match["further"]) or bool(_THEN_BEFORE.search(text, 0, start))
    if anchor_word and anchor_text:
        words = anchor_text.group(0)
        cut = _EVENT_END.search(words)
        words = words[: cut.start()] if cut else words.rstrip()
        decision = _DECISION.match(words)
        if decision:
            end = anchor_text.start() + decision.end()
            return _from_decision(text, start, end, period, decision_date, calendar)
        end = anchor_text.start() + len(words)
        event = words.strip()
        when = events.get(_event_key(event))
        due = period.after(when, calendar) if when else None
        how = period.explain(when, due, event, calendar) if when and due else ""
        return DeadlinePart(text[start:end], due, start, end, awaits_event=event, how=how)
    if chained:
        if not parts:
            problems.append(f"“{match.group(0)}” follows no earlier deadline")
            return None
        earlier = len(parts) - 1
        base = parts[earlier]
        due = period.after(base.due_date, calendar) if base.due_date else None
        how = (
            period.explain(base.due_date, due, "the deadline before", calendar)
            if base.due_date and due
            else ""
        )
        return DeadlinePart(text[start:end], due, start, end, base.awaits_event, earlier, how)
    return _from_decision(text, start, end, period, decision_date, calendar)


def _from_decision(
    text: str, start: int, end: int, period: Period, decision_date: date, calendar: str
) -> DeadlinePart:
    due = period.after(decision_date, calendar)
    how = period.explain(decision_date, due, "the decision", calendar)
    return DeadlinePart(text[start:end], due, start, end, how=how)


def _dated_part(
    text: str, match: re.Match[str], decision_date: date, problems: list[str]
) -> DeadlinePart | None:
    month_word = match["month"] or match["month_first"]
    if month_word.lower().rstrip(".") == "may" and not month_word.startswith("M"):
        return None  # "before may …" is the verb, not the month
    month = MONTHS[month_word.lower().rstrip(".")]
    day_text = match["day"] or match["day_after"]
    year_text = match["year"] or match["year_after"]
    phrase = match.group(0)
    if day_text is None and not match["end"]:
        problems.append(f"“{phrase}” does not say which day of the month")
        return None
    day = None if match["end"] else int(day_text)
    try:
        if year_text:
            due = _day_in_month(int(year_text), month, day)
        else:  # "by 31 October": the first one on or after the decision
            due = _next_occurrence(month, day, decision_date)
    except ValueError:
        problems.append(f"“{phrase}” is not a real date")
        return None
    if match["by"].lower() == "before":
        due -= timedelta(days=1)
    if due < decision_date:
        problems.append(f"“{phrase}” is before the decision date")
        return None
    before = ", less a day: they say “before”" if match["by"].lower() == "before" else ""
    how = "The date the words state" + before
    return DeadlinePart(phrase, due, match.start(), match.end(), how=how)


def _day_in_month(year: int, month: int, day: int | None) -> date:
    """That day, or the month's last day when `day` is None ("by the end of March")."""
    return date(year, month, day or month_calendar.monthrange(year, month)[1])


def _next_occurrence(month: int, day: int | None, on_or_after: date) -> date:
    for year in range(on_or_after.year, on_or_after.year + 9):
        try:
            candidate = _day_in_month(year, month, day)
        except ValueError:  # 29 February in a common year
            continue
        if candidate >= on_or_after:
            return candidate
    raise ValueError("no such date")


def _event_key(event: str) -> str:
    """Events are matched without regard to case, spacing or a leading 'the'."""
    key = " ".join(event.lower().replace("’", "'").split())
    return key[4:] if key.startswith("the ") else key
