"""Splitting a decision's paragraph into sentences."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.sentences import sentences


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Pay Mrs X £300. Remind staff.", ["Pay Mrs X £300.", "Remind staff."]),
        (
            "Apologise to Mrs X. The Council will pay her.",
            ["Apologise to Mrs X.", "The Council will pay her."],
        ),
        ("Write to Mr. X and Dr. Y. Then pay.", ["Write to Mr. X and Dr. Y.", "Then pay."]),
        (
            "See para. 3 and No. 12, e.g. Room A, i.e. Flat B. Pay.",
            ["See para. 3 and No. 12, e.g. Room A, i.e. Flat B.", "Pay."],
        ),
        ("Refund £1,250.50 within 1.5 weeks. Pay.", ["Refund £1,250.50 within 1.5 weeks.", "Pay."]),
        (
            'Say "We are sorry. We were wrong." Then pay.',
            ['Say "We are sorry. We were wrong."', "Then pay."],
        ),
        ("Say “Sorry. Wrong.” Then pay.", ["Say “Sorry. Wrong.”", "Then pay."]),
        (
            "Pay (see para. 3. It applies). Then review.",
            ["Pay (see para. 3. It applies).", "Then review."],
        ),
        ("Pay her. £300 is due.", ["Pay her.", "£300 is due."]),
        ("Pay her. 20 days later, review.", ["Pay her.", "20 days later, review."]),
        ("Pay her by 5 p.m. on Friday.", ["Pay her by 5 p.m. on Friday."]),
        ("Is it paid? Yes! Review it.", ["Is it paid?", "Yes!", "Review it."]),
        ("", []),
    ],
)
def test_a_paragraph_splits_where_its_sentences_end(paragraph: str, expected: list[str]) -> None:
    assert sentences(paragraph) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*'aZ .,()"“”£1?!', "Mr", "e.g", ". ", "Mrs. "]), max_size=80))
def test_no_words_are_lost_or_added(pieces: list[str]) -> None:
    normal = " ".join("".join(pieces).split())
    assert " ".join(sentences(normal)) == normal
