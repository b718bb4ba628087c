"""The deadline rules of domain.md, one by one, on real sentences from the source documents."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import create_app, deadlines
from tracker.deadlines import (
    DEFAULT_RULES,
    DeadlineRules,
    Period,
    add_months,
    add_working_days,
    bank_holidays,
    compute_deadline,
    is_working_day,
    text_without_deadlines,
)
from tracker.plumbing.settings import deadline_rules

DECIDED = date(2024, 11, 12)
SCOTLAND = DeadlineRules("scotland")


def test_without_rules_the_deployment_defaults_apply(tmp_path) -> None:
    """England and Wales, one month personal, three months otherwise: as config.py says."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    assert deadline_rules(app.config) == DEFAULT_RULES
    assert (
        DeadlineRules.from_settings(
            "england-and-wales", {"personal": "1 month", "service_improvement": "3 months"}
        )
        == DEFAULT_RULES
    )


def due(text: str, decided: date = DECIDED, **kwargs) -> date | None:
    return compute_deadline(text, decided, **kwargs).due_date


# --- The source documents' own sentences -------------------------------------------------


def test_within_three_months_of_my_final_decision_statement() -> None:
    text = (
        "Within three months of my final decision statement, the Council will explain what "
        "action it will take to ensure it offers a choice of discharge locations"
    )
    result = compute_deadline(text, date(2024, 11, 12))
    assert result.due_date == date(2025, 2, 12)
    assert result.explicit is True and result.assumed is False
    [part] = result.parts
    assert part.phrase == "Within three months of my final decision statement"
    assert part.due_date == date(2025, 2, 12)


def test_within_one_month_of_the_ombudsmens_final_decision_statement() -> None:
    text = (
        "Within one month of the date of the Ombudsmen’s final decision statement, the Council "
        "has agreed it will confirm the steps it has taken to remind staff"
    )
    result = compute_deadline(text, date(2025, 1, 14))
    assert result.due_date == date(2025, 2, 14)
    assert result.parts[0].phrase == (
        "Within one month of the date of the Ombudsmen’s final decision statement"
    )


@pytest.mark.parametrize(
    "text",
    [
        "The Council has agreed to consider if there is a systemic issue with delay in completing"
        " annual reviews and advise the Ombudsman what steps the Council intends to take to ensure"
        " reviews are completed within statutory timescales.",
        "By training or otherwise remind relevant staff of the importance of arranging and"
        " securing any agreed personal budgets in a timely manner.",
        "The Council will provide a copy of the minutes of the meeting held on 3 April 2024 in"
        " which the Council shared learning about information sharing and anonymity.",
        "The Council agreed to make a total payment of £7,500 and undertake a range of service"
        " improvements.",
    ],
)
def test_seed_sentences_without_a_deadline_have_no_part(text: str) -> None:
    result = compute_deadline(text, DECIDED)
    assert result.parts == () and result.due_date is None and result.explicit is False


# --- Calendar months and the month-end rule ----------------------------------------------


@pytest.mark.parametrize(
    ("decided", "text", "expected"),
    [
        (date(2025, 1, 31), "within one month", date(2025, 2, 28)),
        (date(2024, 1, 31), "within one month", date(2024, 2, 29)),
        (date(2024, 11, 30), "within three months", date(2025, 2, 28)),
        (date(2023, 11, 30), "within three months", date(2024, 2, 29)),
        (date(2024, 2, 29), "within one month", date(2024, 3, 29)),
        (date(2024, 2, 29), "within twelve months", date(2025, 2, 28)),
        (date(2024, 8, 31), "within a month", date(2024, 9, 30)),
        (date(2024, 12, 15), "within 2 months", date(2025, 2, 15)),
        (date(2024, 10, 31), "within 4 months", date(2025, 2, 28)),
        (date(2024, 11, 12), "within 1 calendar month", date(2024, 12, 12)),
        (date(2024, 11, 12), "within the next month", date(2024, 12, 12)),
    ],
)
def test_months_are_calendar_months_ending_at_the_month_end(decided, text, expected) -> None:
    assert due(text, decided) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("within 2 weeks", date(2024, 11, 26)),
        ("within a fortnight", date(2024, 11, 26)),
        ("within two fortnights", date(2024, 12, 10)),
        ("within 4 weeks", date(2024, 12, 10)),
        ("within 14 days", date(2024, 11, 26)),
        ("within 56 days", date(2025, 1, 7)),
        ("within 28 calendar days", date(2024, 12, 10)),
    ],
)
def test_weeks_fortnights_and_days_are_calendar_days(text: str, expected: date) -> None:
    assert due(text) == expected


# --- Working days on the bank-holiday calendar -------------------------------------------


@pytest.mark.parametrize(
    ("decided", "count", "expected"),
    [
        # Christmas 2026 falls on a Friday: Boxing Day's substitute is Monday 28 December.
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 23), 3, date(2026, 12, 30)),
        # 2027: both Christmas days fall at the weekend; Monday 27 and Tuesday 28 are off.
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        # New Year's Day 2028 is a Saturday: Monday 3 January is its substitute.
        (date(2027, 12, 31), 1, date(2028, 1, 4)),
        # Easter 2025: Good Friday 18 April and Easter Monday 21 April.
        (date(2025, 4, 17), 1, date(2025, 4, 22)),
        (date(2025, 4, 17), 5, date(2025, 4, 28)),
        # From a Saturday, the first working day is the Monday.
        (date(2024, 11, 16), 1, date(2024, 11, 18)),
        (date(2024, 12, 20), 20, date(2025, 1, 22)),
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(decided, count, expected) -> None:
    assert due(f"within {count} working days", decided) == expected
    assert due(f"within {count} business days", decided) == expected


def test_the_calendar_is_a_setting(tmp_path) -> None:
    new_years_eve = date(2025, 12, 31)  # 1 January is off everywhere; 2 January in Scotland
    assert due("within 1 working day", new_years_eve) == date(2026, 1, 2)
    assert due("within 1 working day", new_years_eve, rules=SCOTLAND) == date(2026, 1, 5)
    before_st_patrick = date(2026, 3, 16)
    assert due("within 1 working day", before_st_patrick) == date(2026, 3, 17)
    northern_ireland = DeadlineRules("northern-ireland")
    assert due("within 1 working day", before_st_patrick, rules=northern_ireland) == date(
        2026, 3, 18
    )
    app = create_app(
        {"TESTING": True, "WORKING_DAYS_CALENDAR": "scotland", "INSTANCE_PATH": str(tmp_path)}
    )
    assert due("within 1 working day", new_years_eve, rules=deadline_rules(app.config)) == date(
        2026, 1, 5
    )


def test_an_unknown_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="calendar"):
        DeadlineRules(calendar="wales-only")


# --- Fixed dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "text", "expected"),
    [
        (date(2021, 7, 21), "The Council will do this by 4 November 2021.", date(2021, 11, 4)),
        (date(2025, 1, 2), "no later than 30 June 2025", date(2025, 6, 30)),
        (date(2025, 1, 2), "not later than 30th June 2025", date(2025, 6, 30)),
        (date(2025, 1, 2), "on or before 1st of March 2025", date(2025, 3, 1)),
        (date(2025, 1, 2), "by June 30, 2025", date(2025, 6, 30)),
        (date(2025, 1, 2), "by 4 Nov 2025", date(2025, 11, 4)),
        (date(2025, 1, 2), "before 1 May 2025", date(2025, 4, 30)),
        (date(2025, 1, 2), "by the end of March 2025", date(2025, 3, 31)),
        (date(2025, 1, 2), "by the end of February", date(2025, 2, 28)),
        (date(2024, 11, 12), "by 31 October", date(2025, 10, 31)),
        (date(2024, 10, 31), "by 31 October", date(2024, 10, 31)),
        (date(2024, 3, 1), "by 29 February", date(2028, 2, 29)),
        (date(2024, 1, 15), "by 29 February", date(2024, 2, 29)),
        (date(2025, 1, 2), "BY 30 JUNE 2025", date(2025, 6, 30)),
    ],
)
def test_fixed_dates_with_and_without_a_year(decided, text, expected) -> None:
    result = compute_deadline(text, decided)
    assert result.due_date == expected and result.explicit


# --- Numbers, case, parentheses ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("within three months", date(2025, 2, 12)),
        ("WITHIN THREE MONTHS", date(2025, 2, 12)),
        ("Within Twelve Months", date(2025, 11, 12)),
        ("within ten working days", date(2024, 11, 26)),
        ("within twenty-one days", date(2024, 12, 3)),
        ("within twenty one days", date(2024, 12, 3)),
        ("within one (1) month", date(2024, 12, 12)),
        ("within 20 (twenty) working days", date(2024, 12, 10)),
        ("The Council will remind staff (due within one month).", date(2024, 12, 12)),
        ("pay Mr X £300 within one month", date(2024, 12, 12)),
    ],
)
def test_numbers_in_digits_or_words_any_case_in_parentheses(text: str, expected: date) -> None:
    assert due(text) == expected


# --- Every name the ombudsmen give the decision ------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        # LGSCO decision statements and the joint LGSCO/PHSO ones (seeds/003).
        (
            "Within one month of the Ombudsman’s final decision, apologise to Mr X.",
            "Within one month of the Ombudsman’s final decision",
        ),
        (
            "Within one month of our final decision statement, apologise to Mr X.",
            "Within one month of our final decision statement",
        ),
        (
            "Within one month of the final decision, the Council will apologise to Mrs X.",
            "Within one month of the final decision",
        ),
        # PSOW early resolution: "This should be completed within 12 weeks of the date of this
        # decision letter." (ombudsman.wales/findings/clinical-treatment-in-hospital-aneurin-
        # bevan-university-health-board-14/)
        (
            "Prioritise the outstanding issues. This should be completed within one month of the"
            " date of this decision letter.",
            "within one month of the date of this decision letter",
        ),
        # SPSO: "within four weeks of the date of our decision letter"
        # (www.spso.org.uk/decision-review-process).
        (
            "Apologise to Mr C within one month of the date of our decision letter.",
            "within one month of the date of our decision letter",
        ),
        # Housing Ombudsman determinations are headed REPORT (housing-ombudsman.org.uk/
        # decisions/…); their orders run "Within four weeks of the date of this report, the
        # landlord is ordered to pay the resident £950 …".
        (
            "Within one month of the date of this report, the landlord is ordered to pay the"
            " resident £950.",
            "Within one month of the date of this report",
        ),
        # PSOW and PHSO investigation reports: "I recommend that within one month of the date
        # of this report the Health Board:" — the anchor ends where the body's name begins.
        (
            "I recommend that within one month of the date of this report the Health Board"
            " apologises to Mrs A.",
            "within one month of the date of this report",
        ),
        ("Within one month of the date of the final report, the Trust should apologise.",
         "Within one month of the date of the final report"),
        # The other names issue 12 lists: decision notice, decision letter, this letter, this
        # decision, and the Housing Ombudsman's older "determination".
        ("Within one month of the decision notice, pay Mr X £100.",
         "Within one month of the decision notice"),
        ("Within one month of the date of this decision notice, pay Mr X £100.",
         "Within one month of the date of this decision notice"),
        ("Within one month of the decision letter, pay Mr X £100.",
         "Within one month of the decision letter"),
        ("Within one month of the date of this letter, pay Mr X £100.",
         "Within one month of the date of this letter"),
        ("Within one month of the date of this decision, pay Mr X £100.",
         "Within one month of the date of this decision"),
        ("Within one month of the date of this determination, the landlord must pay £100.",
         "Within one month of the date of this determination"),
        ("Within one month of receipt of this report, pay Mr X £100.",
         "Within one month of receipt of this report"),
    ],
)  # fmt: skip
def test_every_name_of_the_decision_anchors_on_the_decision_date(text: str, phrase: str) -> None:
    result = compute_deadline(text, DECIDED)
    [part] = result.parts
    assert part.phrase == phrase and part.awaits_event is None
    assert result.due_date == date(2024, 12, 12) and result.explicit


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Within a month of the report of the independent investigator, reconsider the charge.",
         "the report of the independent investigator"),
        ("Within 10 days of the letter from the school, reconsider the charge.",
         "the letter from the school"),
        ("Within a month of the decision of the appeal panel, reconsider the charge.",
         "the decision of the appeal panel"),
        ("Within a month of receiving the report from the Trust, reconsider the charge.",
         "receiving the report from the Trust"),
    ],
)  # fmt: skip
def test_other_reports_letters_and_decisions_are_events(text: str, event: str) -> None:
    [part] = compute_deadline(text, DECIDED).parts
    assert part.awaits_event == event and part.due_date is None


# --- Several parts, events and chains ----------------------------------------------------


def test_several_deadlines_each_keep_their_date_and_the_latest_is_due() -> None:
    text = (
        "Within one month of my final decision, the Council will apologise to Mrs X, and "
        "within three months it will review its procedure."
    )
    result = compute_deadline(text, DECIDED)
    assert [p.due_date for p in result.parts] == [date(2024, 12, 12), date(2025, 2, 12)]
    assert [p.phrase for p in result.parts] == [
        "Within one month of my final decision",
        "within three months",
    ]
    assert result.due_date == date(2025, 2, 12)


@pytest.mark.parametrize(
    ("text", "event"),
    [
        (
            "Within a month of receiving the District Valuer's report, the Council will reconsider"
            " the charge.",
            "receiving the District Valuer's report",
        ),
        (
            "The Council will share the notes within 5 working days following the meeting.",
            "the meeting",
        ),
        (
            "The Council will update Mr X within 2 weeks of the investigation starting.",
            "the investigation starting",
        ),
    ],
)
def test_a_deadline_hanging_on_an_event_waits_for_its_date(text: str, event: str) -> None:
    result = compute_deadline(text, DECIDED, kind="personal")
    [part] = result.parts
    assert part.awaits_event == event and part.due_date is None
    assert result.due_date is None and result.explicit is True and not result.assumed
    assert result.awaits_events == (event,)


def test_recording_the_events_date_dates_the_part() -> None:
    text = "Within a month of receiving the District Valuer's report, reconsider the charge."
    recorded = {"Receiving the District Valuer’s report": date(2025, 1, 31)}
    result = compute_deadline(text, DECIDED, event_dates=recorded)
    assert result.due_date == date(2025, 2, 28)


def test_a_chained_part_runs_from_the_earlier_one() -> None:
    text = (
        "Within one month of my final decision the Council will write to Mr X, then within a "
        "further 4 weeks it will meet him."
    )
    result = compute_deadline(text, DECIDED)
    assert [p.due_date for p in result.parts] == [date(2024, 12, 12), date(2025, 1, 9)]
    assert result.parts[1].follows == 0
    assert result.due_date == date(2025, 1, 9)


def test_a_chain_after_an_event_waits_for_the_event_too() -> None:
    text = (
        "Within 5 working days following the meeting the Council will send the minutes, "
        "then within a further 4 weeks it will report on the actions agreed."
    )
    waiting = compute_deadline(text, DECIDED)
    assert [p.due_date for p in waiting.parts] == [None, None]
    assert waiting.parts[1].awaits_event == "the meeting" and waiting.due_date is None
    met = compute_deadline(text, DECIDED, event_dates={"the meeting": date(2024, 12, 2)})
    assert [p.due_date for p in met.parts] == [date(2024, 12, 9), date(2025, 1, 6)]
    assert met.due_date == date(2025, 1, 6)


def test_the_different_deadlines_of_one_text_are_listed_once_each() -> None:
    two = compute_deadline(
        "Within one month of my final decision, apologise to Mrs X, and within three months "
        "review the procedure.",
        DECIDED,
    )
    assert [p.due_date for p in two.distinct_deadlines] == [date(2024, 12, 12), date(2025, 2, 12)]
    same = compute_deadline(
        "Within one month apologise to Mrs X; within 1 month pay her £100.", DECIDED
    )
    assert len(same.parts) == 2 and len(same.distinct_deadlines) == 1
    waiting = compute_deadline(
        "Within 5 working days following the meeting send the minutes, then within a further "
        "4 weeks report on the actions agreed.",
        DECIDED,
    )
    assert len(waiting.distinct_deadlines) == 2, "a chain is a second deadline, dated or not"
    assert compute_deadline("Remind staff.", DECIDED).distinct_deadlines == ()


def test_then_within_is_chained_too() -> None:
    result = compute_deadline(
        "Within 1 month, draft a plan; then within 2 months, adopt it.", DECIDED
    )
    assert result.due_date == date(2025, 2, 12)


# --- Words that are not deadlines --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "complete reviews within statutory timescales",
        "issue invoices in a timely manner",
        "provide the minutes of the meeting held on 3 April 2024",
        "the charges paid since 1 January 2020",
        "pay £150 a month, from March 2023",
        "secure accommodation 56 days after the relief duty was accepted",
        "monitor the care package for three months",
        "review the placement every six months",
        "before may be removed",
    ],
)
def test_words_that_are_not_deadlines_give_no_part(text: str) -> None:
    result = compute_deadline(text, DECIDED)
    assert result.parts == () and result.problems == () and result.due_date is None


# --- Nothing stated, or not understood ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("personal", date(2024, 12, 12)), ("service_improvement", date(2025, 2, 12))],
)
def test_with_no_deadline_the_kinds_default_is_assumed(kind: str, expected: date) -> None:
    result = compute_deadline("Remind staff of the complaints policy.", DECIDED, kind=kind)
    assert result.due_date == expected
    assert result.assumed is True and result.explicit is False and result.parts == ()


def test_with_no_deadline_and_no_kind_there_is_no_date() -> None:
    result = compute_deadline("Remind staff of the complaints policy.", DECIDED)
    assert result.due_date is None and not result.assumed and not result.explicit


@pytest.mark.parametrize(
    "text",
    [
        "Apologise within 10 school days.",
        "Pay Mrs X within two to three weeks.",
        "Pay Mrs X within 2-3 weeks.",
        "Review the policy by March 2025.",
        "Review the policy by 31 June 2025.",
        "Review the policy by the end of the financial year.",
        "Review the policy by 1 January 2020.",  # before the decision
        "Then within a further 4 weeks report back.",  # a chain with nothing to follow
        "Within one month of my final decision apologise, and within 10 school days pay.",
    ],
)
def test_unclear_words_never_give_a_confident_date(text: str) -> None:
    result = compute_deadline(text, DECIDED, kind="personal")
    assert result.problems, "the words not understood are reported"
    assert result.explicit is False
    assert result.assumed is True and result.due_date == date(2024, 12, 12)
    assert compute_deadline(text, DECIDED).due_date is None


# --- Publication text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published"),
    [
        (
            "Within one month of the date of the Ombudsmen’s final decision statement, the Council"
            " has agreed it will confirm the steps it has taken.",
            "The Council has agreed it will confirm the steps it has taken.",
        ),
        ("The Council will remind staff within three months.", "The Council will remind staff."),
        ("The Council will remind staff (due within one month).", "The Council will remind staff."),
        ("Remind staff in a timely manner.", "Remind staff in a timely manner."),
    ],
)
def test_published_text_leaves_out_the_timescale(text: str, published: str) -> None:
    assert text_without_deadlines(text) == published


# --- Settings ----------------------------------------------------------------------------


def test_default_periods_are_read_like_deadlines() -> None:
    assert Period.parse("3 months") == Period(3, "months")
    assert Period.parse("twenty working days") == Period(20, "working_days")
    assert Period.parse("a fortnight") == Period(14, "days")
    with pytest.raises(ValueError):
        Period.parse("soon")


# --- Properties --------------------------------------------------------------------------

anchors = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
calendars = st.sampled_from(sorted(deadlines.WORKING_DAYS_CALENDARS))


@settings(max_examples=300, deadline=None)
@given(anchor=anchors, count=st.integers(min_value=1, max_value=60), calendar=calendars)
def test_a_working_day_result_is_a_working_day_strictly_after_the_anchor(
    anchor: date, count: int, calendar: str
) -> None:
    result = add_working_days(anchor, count, calendar)
    assert result > anchor
    assert result.weekday() < 5 and result not in bank_holidays(calendar)
    between = [anchor + timedelta(days=n) for n in range(1, (result - anchor).days + 1)]
    assert sum(is_working_day(day, calendar) for day in between) == count


@settings(max_examples=300, deadline=None)
@given(anchor=anchors, months=st.integers(min_value=0, max_value=36))
def test_month_results_never_overflow_the_month(anchor: date, months: int) -> None:
    result = add_months(anchor, months)
    assert (result.year * 12 + result.month) - (anchor.year * 12 + anchor.month) == months
    assert result.day == anchor.day or (
        result.day < anchor.day and (result + timedelta(days=1)).month != result.month
    )
    assert result >= anchor


numbers = st.sampled_from(["1", "2", "3", "12", "one", "two", "three", "six", "twelve", "ten", "a"])
units = st.sampled_from(
    [
        "month",
        "months",
        "week",
        "weeks",
        "day",
        "days",
        "working days",
        "fortnight",
        "calendar days",
    ]
)
anchor_words = st.sampled_from(
    [
        "",
        " of my final decision",
        " of this decision",
        " of the date of this report",
        " following the meeting",
    ]
)


@settings(max_examples=300, deadline=None)
@given(decided=anchors, number=numbers, unit=units, anchor=anchor_words, kind=st.none())
def test_results_never_precede_the_decision(decided, number, unit, anchor, kind) -> None:
    result = compute_deadline(f"The Council will act within {number} {unit}{anchor}.", decided)
    for part in result.parts:
        assert part.due_date is None or part.due_date >= decided
    assert result.due_date is None or result.due_date >= decided


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=300), decided=anchors)
def test_any_text_gives_an_answer_and_never_a_date_before_the_decision(text, decided) -> None:
    result = compute_deadline(text, decided, kind="personal")
    assert result.due_date is not None  # a date, or the assumed default
    assert result.due_date >= decided
    assert not (result.explicit and result.problems)
