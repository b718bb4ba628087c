"""Splitting a pasted "agreed action" section into proposed recommendations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.agreed_actions import propose_amount, propose_kind, split_agreed_actions
from tracker.deadlines import compute_deadline

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


# --- Paragraphs: every sentence with its own deadline or action is its own recommendation --

DECIDED = date(2024, 11, 12)

ISSUE_12 = (
    "Within one month of the final decision, the Council will apologise to Mrs X and pay her "
    "£300 for the distress caused. Within three months of the final decision, the Council will "
    "review its procedures for financial assessments and remind relevant staff to complete "
    "them in a timely manner."
)


def due(text: str) -> date | None:
    return compute_deadline(text, DECIDED).due_date


def test_a_paragraph_of_two_dated_actions_becomes_two_recommendations() -> None:
    # Issue 12: this came out as one personal remedy due in three months.
    apology, review = split_agreed_actions(ISSUE_12).recommendations
    assert apology.text == (
        "Within one month of the final decision, the Council will apologise to Mrs X and pay "
        "her £300 for the distress caused."
    )
    assert (apology.kind, apology.amount, due(apology.text)) == (
        "personal",
        Decimal("300.00"),
        date(2024, 12, 12),
    )
    assert review.text.startswith("Within three months of the final decision, the Council will")
    assert (review.kind, review.amount, due(review.text)) == (
        "service_improvement",
        None,
        date(2025, 2, 12),
    )


def test_wrapped_lines_of_a_pasted_paragraph_are_split_by_sentence() -> None:
    wrapped = "Agreed action\n" + ISSUE_12.replace("pay her ", "pay her\n").replace(
        "review its", "review\nits"
    )
    texts = [r.text for r in split_agreed_actions(wrapped).recommendations]
    assert len(texts) == 2 and texts[0].startswith("Within one month")
    assert "pay her £300" in texts[0] and "review its procedures" in texts[1]


def test_a_sentence_with_its_own_action_but_no_deadline_is_its_own_recommendation() -> None:
    actions = split_agreed_actions(
        "The Council will apologise to Mr Z within one month. The Council will also remind "
        "its staff of the complaints procedure. Pay Mr Z £150 for his time and trouble."
    )
    assert [(r.kind, r.amount) for r in actions.recommendations] == [
        ("personal", None),
        ("service_improvement", None),
        ("personal", Decimal("150.00")),
    ]


@pytest.mark.parametrize(
    "section",
    [
        # Titles, abbreviations, amounts and decimals do not end a sentence.
        "Mr. Z's care plan (see para. 3) will be reviewed by Dr. Y, e.g. at a meeting, i.e. "
        "with Mrs. Z present, and the Council will refund charges for room No. 12 of "
        "£1,250.50 within 1.5 weeks. Within three months, remind staff of the policy.",
        # A quotation keeps its full stops to itself.
        'The Council will write to Mr Z saying "We are sorry. We got this wrong." within one '
        "month. Within three months, remind staff of the policy.",
        # A sentence that only continues the one before stays with it, deadline or not.
        "The Council will apologise to Mr Z within one month. It should also explain what went "
        "wrong. This should be completed within 28 days of the date of this decision letter. "
        "Within three months, remind staff of the policy.",
    ],
)
def test_sentences_are_split_with_care(section: str) -> None:
    first, second = split_agreed_actions(section).recommendations
    assert second.text == "Within three months, remind staff of the policy."
    assert second.kind == "service_improvement"
    assert first.text in section


def test_a_continuation_carries_its_deadline_to_the_action_before_it() -> None:
    # PSOW early resolution (ombudsman.wales/findings/clinical-treatment-in-hospital-aneurin-
    # bevan-university-health-board-14/): the deadline is a sentence of its own.
    section = (
        "The Ombudsman contacted the Health Board and has agreed to\n\n"
        "a) Prioritise the completion of outstanding issues, so that a decision can be made "
        "whether it will be considered by the Redress Panel. This should be completed within "
        "12 weeks of the date of this decision letter.\n\n"
        "b) Provide the complainant with a 4 weekly update of progress until a decision has "
        "been made.\n\n"
        "The Ombudsman believes that this will resolve the issues raised in Mr A’s complaint.\n"
    )
    first, second = split_agreed_actions(section).recommendations
    assert first.text.startswith("The Ombudsman contacted the Health Board and has agreed to ")
    assert first.text.endswith("within 12 weeks of the date of this decision letter.")
    assert due(first.text) == date(2025, 2, 4)
    assert second.text.startswith("The Ombudsman contacted the Health Board and has agreed to ")
    assert "provide the complainant" in second.text


def test_the_evidence_sentence_and_the_lead_in_are_not_recommendations() -> None:
    actions = split_agreed_actions(
        "To remedy the injustice caused, the Council has agreed to:\n"
        + ISSUE_12
        + " The Council should provide us with evidence it has complied with the above actions."
    )
    assert len(actions.recommendations) == 2
    assert actions.evidence_note == (
        "The Council should provide us with evidence it has complied with the above actions."
    )


# --- Headings read as sentences and carry their deadline ----------------------------------


def test_a_heading_that_names_the_body_reads_on_into_each_item() -> None:
    actions = split_agreed_actions(
        "We recommend THAT the Council:\n"
        "- pay Mr X £200 within one month;\n"
        "- Review its procedure for assessments within three months."
    )
    assert [r.text for r in actions.recommendations] == [
        "We recommend that the Council pay Mr X £200 within one month.",
        "We recommend that the Council review its procedure for assessments within three months.",
    ]


def test_a_deadline_heading_carries_only_its_deadline_into_each_item() -> None:
    # PSOW (ombudsman.wales/findings/health-betsi-cadwaladr-university-health-board-21/).
    section = (
        "The Health Board therefore agreed to undertake the following action by 31 October: –\n"
        "1. Apologise to Ms X for the failure to provide her with regular and meaningful "
        "updates.\n"
        "2. Offer a £100 time and trouble payment in recognition of the poor communication.\n"
        "3. Issue the response no later than 31 October 2025.\n"
    )
    texts = [r.text for r in split_agreed_actions(section).recommendations]
    assert texts == [
        "By 31 October, apologise to Ms X for the failure to provide her with regular and "
        "meaningful updates.",
        "By 31 October, offer a £100 time and trouble payment in recognition of the poor "
        "communication.",
        "Issue the response no later than 31 October 2025.",  # its own deadline, not the heading's
    ]
    assert [due(text) for text in texts] == [date(2025, 10, 31)] * 3


def test_an_item_with_its_own_deadline_keeps_only_its_own() -> None:
    actions = split_agreed_actions(
        "Within one month of my final decision, the Council has agreed to:\n"
        "• apologise to Mrs X; and\n"
        "• review its charging procedure within three months.\n"
    )
    apology, review = (r.text for r in actions.recommendations)
    assert apology == (
        "Within one month of my final decision, the Council has agreed to apologise to Mrs X."
    )
    assert review == "The Council has agreed to review its charging procedure within three months."
    assert (due(apology), due(review)) == (date(2024, 12, 12), date(2025, 2, 12))


def test_a_whole_sentence_under_a_lead_in_heading_takes_only_the_deadline() -> None:
    [proposal] = split_agreed_actions(
        "Within one month of my final decision, the Council has agreed to:\n"
        "• The Council will apologise to Mrs X.\n"
    ).recommendations
    assert proposal.text == (
        "Within one month of my final decision, the Council will apologise to Mrs X."
    )


def test_a_title_heading_carries_nothing() -> None:
    texts = [
        r.text
        for r in split_agreed_actions(
            "Service improvements:\n- remind staff of the policy.\n- Review the procedure."
        ).recommendations
    ]
    assert texts == ["Remind staff of the policy.", "Review the procedure."]


# --- Kinds: reviews of how the body works are service improvements ------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The Head of Service will review the team's capacity.",
        "The Head of Adult Social Care will review the resources and capacity of the financial "
        "assessment team so that reassessments are completed on time.",
        "The Director will review staffing levels in the team that handles refunds.",
        "The Council will review its policy on backdating payments.",
        "The Council will reconsider its charging policy for respite care.",
        # PSOW special report (ombudsman.wales/blog/2018/03/27/health-board-slammed-over-two-
        # year-complaint-delay/).
        "The Chief Executive should personally respond to the Ombudsman having undertaken a "
        "review of the resources available to the complaints and concerns team and its "
        "capacity to deal with complaints received in a timely way.",
        "Ms Y, the Team Manager, will review the team's practice on carers' assessments.",
        "The Complaints Manager, Mr B, will review the procedure for handling complaints.",
    ],
)
def test_reviews_of_resources_policy_and_practice_are_service_improvements(text: str) -> None:
    assert propose_kind(text) == "service_improvement"


@pytest.mark.parametrize(
    "text",
    [
        "The Head of Service will apologise to Mrs X.",
        "The Council will review its procedures and pay Mr X £200.",
        "Review Mr X's care plan.",
        "The Council will reconsider Mrs X's application.",
    ],
)
def test_payments_apologies_and_the_complainants_own_matters_stay_personal(text: str) -> None:
    assert propose_kind(text) == "personal"


def test_an_unmarked_list_of_items_ending_in_semicolons_is_split() -> None:
    actions = split_agreed_actions(
        "Within one month of my final decision, the Council has agreed to:\n"
        "apologise to Mrs X;\npay her £300; and\nreview its procedures.\n"
    )
    assert [(r.text, r.kind) for r in actions.recommendations] == [
        ("Within one month of my final decision, the Council has agreed to apologise to Mrs X.",
         "personal"),
        ("Within one month of my final decision, the Council has agreed to pay her £300.",
         "personal"),
        ("Within one month of my final decision, the Council has agreed to review its "
         "procedures.", "service_improvement"),
    ]  # fmt: skip


def test_a_deadline_that_hangs_on_an_event_does_not_replace_the_headings() -> None:
    [reminder] = split_agreed_actions(
        "Within three months of my final decision, the Council will:\n"
        "- remind staff to issue amended plans within 4 weeks of the annual review.\n"
    ).recommendations
    assert reminder.text == (
        "Within three months of my final decision, the Council will remind staff to issue "
        "amended plans within 4 weeks of the annual review."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Within three months, it will review how it deals with requests for reassessment and "
        "train its staff.",
        # seeds/003: published as a service improvement.
        "The Council has agreed to consider if there is a systemic issue with delay in "
        "completing annual reviews and advise the Ombudsman what steps the Council intends to "
        "take to ensure reviews are completed within statutory timescales.",
    ],
)
def test_reviews_of_how_the_body_works_are_service_improvements(text: str) -> None:
    assert propose_kind(text) == "service_improvement"


def test_a_review_that_also_refunds_stays_personal() -> None:
    assert propose_kind("Review its procedures and refund the charges.") == "personal"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*ISSUE_12.split(" "), "\n", "\n\n", "- ", "1. ", ":", ";", "Mr.", "(", '"', "that"]
        ),
        max_size=60,
    ).map(" ".join)
)
def test_any_pasted_text_gives_proposals_never_an_error(section: str) -> None:
    actions = split_agreed_actions(section)
    for proposal in actions.recommendations:
        assert proposal.text.strip() and proposal.kind in ("personal", "service_improvement")
        assert proposal.amount is None or proposal.kind == "personal"
