"""Splitting a pasted "agreed action" section into proposed recommendations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.agreed_actions import propose_amount, propose_kind, split_agreed_actions

SECTION = """Agreed action
Within one month of my final decision, the Council has agreed to:
• apologise to Mrs X for the distress caused;
• pay Mrs X £300 to acknowledge the distress and £150 for her time
  and trouble; and
• reassess Mrs X's care needs.

Within three months of my final decision, the Council will:
1. remind staff of the need to follow its complaints policy;
2) review its procedure for charging for care.

Within 20 working days:
- Pay Mr Y £1,250.50.
- The Council will share learning from this complaint with its officers.

The Council should provide us with evidence it has complied with the above actions.
"""


def test_each_bullet_becomes_a_recommendation_carrying_its_heading() -> None:
    actions = split_agreed_actions(SECTION)
    assert [r.text for r in actions.recommendations] == [
        "Within one month of my final decision, the Council has agreed to apologise to Mrs X "
        "for the distress caused.",
        "Within one month of my final decision, the Council has agreed to pay Mrs X £300 to "
        "acknowledge the distress and £150 for her time and trouble.",
        "Within one month of my final decision, the Council has agreed to reassess Mrs X's "
        "care needs.",
        "Within three months of my final decision, the Council will remind staff of the need "
        "to follow its complaints policy.",
        "Within three months of my final decision, the Council will review its procedure for "
        "charging for care.",
        "Within 20 working days, pay Mr Y £1,250.50.",
        "Within 20 working days, the Council will share learning from this complaint with its "
        "officers.",
    ]
    assert actions.evidence_note == (
        "The Council should provide us with evidence it has complied with the above actions."
    )


def test_kinds_and_amounts_are_proposed() -> None:
    proposals = split_agreed_actions(SECTION).recommendations
    assert [(p.kind, p.amount) for p in proposals] == [
        ("personal", None),
        ("personal", Decimal("450.00")),
        ("personal", None),
        ("service_improvement", None),
        ("service_improvement", None),
        ("personal", Decimal("1250.50")),
        ("service_improvement", None),
    ]


def test_paragraphs_without_bullets_are_one_recommendation_each() -> None:
    actions = split_agreed_actions(
        "The Council will apologise to Mr Z within one month.\n\n"
        "The Council will remind staff within three months.\n"
    )
    assert [(r.text, r.kind) for r in actions.recommendations] == [
        ("The Council will apologise to Mr Z within one month.", "personal"),
        ("The Council will remind staff within three months.", "service_improvement"),
    ]


def test_nothing_to_split_gives_nothing() -> None:
    assert split_agreed_actions("").recommendations == ()
    assert split_agreed_actions("Agreed action\n\n").recommendations == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Apologise to Mrs X.", "personal"),
        ("Pay the complainant £250.", "personal"),
        ("Refund the overpaid charges.", "personal"),
        ("Reassess her needs.", "personal"),
        ("Provide training to staff on the guidance.", "service_improvement"),
        ("Remind relevant officers of the policy.", "service_improvement"),
        ("Review its procedure for school transport applications.", "service_improvement"),
        ("Remind staff of the policy, as happened to Mrs X.", "personal"),  # names someone
        ("Do what was agreed.", "personal"),  # in doubt: never published
    ],
)
def test_kind_proposals(text: str, kind: str) -> None:
    assert propose_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("pay Mr X £1,250", Decimal("1250.00")),
        ("pay £300 and £150", Decimal("450.00")),
        ("pay £99.99", Decimal("99.99")),
        ("pay £ 200", Decimal("200.00")),
        ("pay £150 a month, from March 2023", None),
        ("pay £150 per week and a one-off £500", Decimal("500.00")),
        ("apologise", None),
    ],
)
def test_amount_proposals(text: str, amount: Decimal | None) -> None:
    assert propose_amount(text) == amount
