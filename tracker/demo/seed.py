"""Leicestershire County Council's published service improvements, 1 April 2024 to
31 March 2025, from the Ombudsman's council performance page (../shared/seeds/003_…)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class SeedCase(NamedTuple):
    """One case as the performance page lists it, with a decision date in that year."""

    reference: str
    category: str
    subcategory: str
    decided: date
    improvements: tuple[str, ...]


# The page lists the latest decision first; the dates are ours, within the year, in that order.
LEICESTERSHIRE_2024_25 = (
    SeedCase(
        "24 007 343",
        "Education",
        "Special educational needs",
        date(2025, 1, 28),
        (
            "The Council will share a copy of our decision and the Ombudsman’s Focus Report "
            "“Out of school, out of sight?” with relevant officers, to highlight good practice and "
            "identify wider points of learning.",
        ),
    ),
    SeedCase(
        "24 001 324",
        "Adult care services",
        "Assessment and care plan",
        date(2025, 1, 14),
        (
            "Within one month of the date of the Ombudsmen’s final decision statement, the Council "
            "has agreed it will confirm the steps it has taken to remind staff about the need to "
            "follow the steps in its complaints policy, particularly about working with other "
            "organisations and with signposting to the Ombudsman.",
        ),
    ),
    SeedCase(
        "24 013 530",
        "Adult care services",
        "Charging",
        date(2024, 12, 19),
        (
            "The Council will remind relevant staff of the importance of providing as much "
            "information as possible about the likely costs of adult social care at the time they "
            "arrange the care and ensuring the make a full record of the advice and information "
            "given.",
        ),
    ),
    SeedCase(
        "24 009 142",
        "Education",
        "Special educational needs",
        date(2024, 12, 3),
        (
            "The Council has agreed to consider if there is a systemic issue with delay in "
            "completing annual reviews and advise the Ombudsman if this is the case and if so, what "
            "steps the Council intends to take to ensure reviews are completed within statutory "
            "timescales.",
        ),
    ),
    SeedCase(
        "24 001 615",
        "Adult care services",
        "Assessment and care plan",
        date(2024, 11, 12),
        (
            "Within three months of my final decision statement, the Council will explain what "
            "action it will take to ensure it offers a choice of discharge locations to people and "
            "their families, in line with the relevant legislation and guidance; and ensure "
            "discharge decisions properly take into account the wishes of the person and their "
            "families; and properly record the reasons for any discharge decisions, ensuring this "
            "includes the individual circumstances of each case and the reasons if a choice cannot "
            "be offered.",
            "Within three months of my final decision statement, the Council will explain what "
            "action it will take to ensure the Care Home takes appropriate action to clarify a "
            "person’s dietary requirements as soon as there are any concerns raised; and ensure the "
            "Care Home properly considered all relevant information when designing an appropriate "
            "pressure care plan",
        ),
    ),
    SeedCase(
        "23 019 093",
        "Education",
        "Special educational needs",
        date(2024, 10, 22),
        (
            "By training or otherwise remind relevant staff of the importance of arranging and "
            "securing any agreed personal budgets in a timely manner where provisions agreed in an "
            "Education, Health and Care Plans are to be delivered on the school or college "
            "premises.",
        ),
    ),
    SeedCase(
        "23 017 894",
        "Adult care services",
        "Charging",
        date(2024, 9, 24),
        (
            "Review the Council’s systems and practice to ensure it completes financial "
            "assessments in a timely manner.",
            "By training or other means remind relevant staff they must issue service users with "
            "written record of the financial assessment outcome at an early stage which clearly "
            "sets out their assessed contributions towards their care and details of how the "
            "payments will be made.",
            "Remind relevant staff of the importance and need to issue care cost invoices to "
            "service users, their families and/or representatives in a timely manner and as soon "
            "as practicable after they start receiving care.",
        ),
    ),
    SeedCase(
        "23 015 739",
        "Adult care services",
        "Residential care",
        date(2024, 8, 29),
        (
            "The Council will send a reminder to officers about the need to confirm decisions, such "
            "as those relating to when Court of Protection proceedings have been discontinued, in "
            "writing.",
        ),
    ),
    SeedCase(
        "23 014 360",
        "Adult care services",
        "Charging",
        date(2024, 7, 30),
        (
            "The Council will remind relevant staff that financial assessments to inform adult "
            "social care charging decisions should be completed in a timely manner.",
        ),
    ),
    SeedCase(
        "23 013 577",
        "Children's care services",
        "Other",
        date(2024, 6, 25),
        (
            "The Council will provide a copy of the updated guidance for professionals about "
            "referrals.",
            "The Council will provide a copy of the minutes of the meeting held on 3 April 2024 in "
            "which the Council shared learning about information sharing and anonymity. If the "
            "Council does not hold any minutes, it should place the item on the agenda for the next "
            "manager’s meeting and provide the respective minutes.",
            "The Council will deliver a staff training session, or a comprehensive briefing paper, "
            "to all staff responsible for dealing with and acting upon referrals relating to child "
            "protection. The staff training/briefing paper should focus on the Council’s "
            "responsibilities around information sharing as outlined in the published procedures.",
        ),
    ),
)


class YearFigures(NamedTuple):
    """The counts the Ombudsman published for one council and year."""

    not_for_us: int
    assessed_and_closed: int
    upheld: int
    not_upheld: int
    satisfactory_remedies: int
    compliance_outcomes: int


# 2024-25, from the performance page: 122 dealt with, 46 not for us, 36 assessed and closed,
# 40 investigated, 33 upheld, 10 satisfactory remedies, 23 compliance outcomes, all satisfied.
LEICESTERSHIRE_FIGURES_2024_25 = YearFigures(46, 36, 33, 7, 10, 23)
# 2020-21, from the annual review letter: 19 investigated, 13 upheld, 1 satisfactory remedy,
# 7 compliance outcomes, all satisfied. The letter does not give the other counts.
LEICESTERSHIRE_FIGURES_2020_21 = YearFigures(14, 16, 13, 6, 1, 7)
