"""Demonstration data: Leicestershire as the Ombudsman published it, and a few other councils.

Leicestershire's 2024-25 and 2020-21 figures come out as the source documents give them;
everything else is invented, deterministically, to look like real casework.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.deadlines import DeadlineRules
from tracker.demo.seed import (
    LEICESTERSHIRE_2024_25,
    LEICESTERSHIRE_FIGURES_2020_21,
    LEICESTERSHIRE_FIGURES_2024_25,
    YearFigures,
)
from tracker.models import (
    Authority,
    AuthorityType,
    Case,
    ComplianceOutcome,
    Outcome,
    Recommendation,
    Role,
    User,
)
from tracker.plumbing.years import FinancialYear
from tracker.services import accounts, assignments, chases, escalations
from tracker.services.authorities import AuthorityInput, create_authority, find_authority
from tracker.services.cases import CaseInput, RecommendationInput, create_case
from tracker.services.publications import publish

LEICESTERSHIRE = AuthorityInput(
    "LEICS", "Leicestershire County Council", AuthorityType.COUNTY, 734_000
)
OTHER_COUNCILS = (
    AuthorityInput("NOTTS", "Nottinghamshire County Council", AuthorityType.COUNTY, 841_000),
    AuthorityInput("DERBYS", "Derbyshire County Council", AuthorityType.COUNTY, 810_000),
    AuthorityInput("LEICITY", "Leicester City Council", AuthorityType.UNITARY, 373_000),
    AuthorityInput("RUTLAND", "Rutland County Council", AuthorityType.UNITARY, 41_900),
    AuthorityInput("BLABY", "Blaby District Council", AuthorityType.DISTRICT, 104_000),
    AuthorityInput("BIRM", "Birmingham City Council", AuthorityType.METROPOLITAN, 1_157_000),
    AuthorityInput("CAMDEN", "London Borough of Camden", AuthorityType.LONDON_BOROUGH, 218_000),
)
# (e-mail, name, role, council, link officer): Leicestershire names Olivia its link officer.
DEMO_USERS = (
    ("caseworker@example.org", "Casey Walker", Role.CASEWORKER, None, False),
    ("manager@example.org", "Morgan Hale", Role.MANAGER, None, False),
    ("admin@example.org", "Alex Price", Role.ADMIN, None, False),
    ("officer@leicestershire.example.org", "Olivia Shah", Role.OFFICER, "LEICS", True),
    ("finance@leicestershire.example.org", "Lewis Grant", Role.OFFICER, "LEICS", False),
    ("officer@nottinghamshire.example.org", "Noah Evans", Role.OFFICER, "NOTTS", False),
)
LINK_OFFICER, ASSIGNEE = DEMO_USERS[3][0], DEMO_USERS[4][0]
FIRST_YEAR = FinancialYear(2020)

CATEGORIES = {
    "county": [
        ("Education", "Special educational needs"),
        ("Education", "School transport"),
        ("Adult care services", "Assessment and care plan"),
        ("Adult care services", "Charging"),
        ("Adult care services", "Residential care"),
        ("Children's care services", "Other"),
        ("Highways and transport", "Highway repair and maintenance"),
    ],
    "district": [
        ("Planning and development", "Enforcement"),
        ("Housing", "Homelessness"),
        ("Environmental services", "Refuse and recycling"),
        ("Benefits and tax", "Council tax"),
    ],
}
PERSONAL_REMEDIES = (
    "Within one month of the final decision, the Council will apologise to {title} {initial} "
    "for the faults identified and pay {pronoun} £{amount} to acknowledge the distress caused.",
    "Within one month of my final decision, the Council will pay {title} {initial} £{amount} "
    "for the time and trouble {subject} was put to in pursuing the complaint.",
    "Within three months of my final decision, the Council will reassess {title} {initial}'s "
    "needs and send {pronoun} a copy of the new assessment.",
    "The Council will refund {title} {initial} £{amount} in overpaid charges within 20 working "
    "days of the final decision.",
)
SERVICE_IMPROVEMENTS = (
    "Within three months of my final decision, the Council will remind relevant staff of the "
    "need to respond to complaints within the timescales in its complaints policy.",
    "The Council will review its procedure for keeping records of decisions and tell us what "
    "changes it has made within three months of the final decision.",
    "Within two months of the final decision, the Council will provide training to relevant "
    "officers on the statutory guidance that applies to this service.",
)
TITLES = (("Mrs", "her", "she"), ("Mr", "him", "he"), ("Ms", "her", "she"), ("Miss", "her", "she"))


@dataclass
class DemoResult:
    """What `flask demo` did, to print."""

    password: str
    loaded: bool
    councils: int = 0
    cases: int = 0
    accounts: list[tuple[str, Role, str | None, bool]] = field(default_factory=list)


def load_demo(session: Session, *, now: datetime, today: date, rules: DeadlineRules) -> DemoResult:
    """Load the demonstration data once; (re)set the demo accounts' password every time."""
    password = "-".join(secrets.choice(_WORDS) for _ in range(4))
    result = DemoResult(password=password, loaded=find_authority(session, "LEICS") is None)
    if result.loaded:
        for council in (LEICESTERSHIRE, *OTHER_COUNCILS):
            create_authority(session, council, actor=None, now=now)
    caseworker = manager = None
    for email, name, role, authority, link_officer in DEMO_USERS:
        data = accounts.UserInput(
            email=email,
            name=name,
            role=role,
            authority_code=authority,
            password=password,
            link_officer=link_officer,
        )
        user = accounts.find_user(session, email)
        if user is None:
            user = accounts.create_user(session, data, actor=None, now=now)
        else:
            accounts.update_user(session, user, data, actor=None, now=now)
        result.accounts.append((email, role, authority, link_officer))
        caseworker = caseworker or (user if role is Role.CASEWORKER else None)
        manager = manager or (user if role is Role.MANAGER else None)
    if result.loaded:
        # The demo caseworker records the cases, so chasers about them copy her.
        maker = _CaseMaker(
            session,
            random.Random(2025),  # noqa: S311
            now=now,
            today=today,
            rules=rules,
            recorded_by=caseworker,
        )
        maker.leicestershire()
        for council in OTHER_COUNCILS:
            maker.council(council)
        result.cases, result.councils = maker.count, 1 + len(OTHER_COUNCILS)
        # Leicestershire's two source years, on its public performance page.
        leicestershire = find_authority(session, LEICESTERSHIRE.code)
        assert leicestershire is not None and manager is not None
        for year in (FinancialYear(2020), FinancialYear(2024)):
            publish(session, leicestershire, year, actor=manager, now=now)
        assert caseworker is not None
        _chased_and_escalated(session, leicestershire, caseworker, now=now, today=today)
    return result


def _chased_and_escalated(
    session: Session, council: Authority, caseworker: User, *, now: datetime, today: date
) -> None:
    """The council's link officer gave its longest overdue recommendation to a colleague in
    finance; the caseworker rang the council about it yesterday, and today wrote to its
    chief executive."""
    longest_overdue = session.scalar(
        sa.select(Recommendation)
        .where(Recommendation.authority_id == council.id, Recommendation.overdue_condition(today))
        .order_by(Recommendation.due_date, Recommendation.id)
        .limit(1)
    )
    if longest_overdue is None:
        return
    link_officer = accounts.find_user(session, LINK_OFFICER)
    assert link_officer is not None
    assignments.assign(session, longest_overdue, ASSIGNEE, actor=link_officer, now=now)
    chases.record_chase(
        session,
        longest_overdue,
        "phone",
        "Rang the complaints manager: the council says it will send the evidence this week.",
        max(today - timedelta(days=1), longest_overdue.case.decision_date),
        actor=caseworker,
        today=today,
        now=now,
    )
    escalations.record_step(
        session,
        longest_overdue.case,
        "chief_executive_letter",
        "Overdue for months despite weekly chasers and a call: writing to the chief executive.",
        actor=caseworker,
        today=today,
        now=now,
    )


class _CaseMaker:
    """Makes cases through the same service the forms and the API use."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        *,
        now: datetime,
        today: date,
        rules: DeadlineRules,
        recorded_by: User | None,
    ):
        self.session, self.rng, self.now, self.today = session, rng, now, today
        self.rules = rules
        self.recorded_by = recorded_by
        self.references = set(session.scalars(sa.select(Case.reference)))
        self.references.update(seed.reference for seed in LEICESTERSHIRE_2024_25)
        self.count = 0

    def leicestershire(self) -> None:
        """The published years exactly; the others like any council."""
        code = LEICESTERSHIRE.code
        year = FinancialYear(2024)
        for seed in LEICESTERSHIRE_2024_25:
            self._add(
                code,
                seed.reference,
                seed.decided,
                Outcome.UPHELD,
                (seed.category, seed.subcategory),
                recommendations=[
                    RecommendationInput(text, "service_improvement") for text in seed.improvements
                ],
                compliance=(
                    ComplianceOutcome.SATISFIED,
                    self._complied(seed.decided, year.last_day),
                ),
            )
        seeded = len(LEICESTERSHIRE_2024_25)
        self._published_year(code, year, LEICESTERSHIRE_FIGURES_2024_25, already_upheld=seeded)
        self._published_year(code, FinancialYear(2020), LEICESTERSHIRE_FIGURES_2020_21)
        for start in range(FIRST_YEAR.start_year + 1, FinancialYear.of(self.today).start_year + 1):
            if start != 2024:
                self._typical_year(LEICESTERSHIRE, FinancialYear(start))

    def council(self, council: AuthorityInput) -> None:
        """Every year from 2020-21 to this one, in proportion to the population."""
        for start in range(FIRST_YEAR.start_year, FinancialYear.of(self.today).start_year + 1):
            self._typical_year(council, FinancialYear(start))

    def _published_year(
        self, code: str, year: FinancialYear, figures: YearFigures, already_upheld: int = 0
    ) -> None:
        """Cases that add up to the published figures, every compliance outcome in the year."""
        for outcome, count in (
            (Outcome.NOT_FOR_US, figures.not_for_us),
            (Outcome.ASSESSED_AND_CLOSED, figures.assessed_and_closed),
            (Outcome.NOT_UPHELD, figures.not_upheld),
        ):
            for _ in range(count):
                self._add(code, None, self._day_in(year), outcome, self._category("county"))
        in_year = figures.compliance_outcomes - already_upheld
        to_make = figures.upheld - already_upheld
        for index in range(to_make):
            decided = self._day_in(year, end_margin=60)
            if index < figures.satisfactory_remedies:
                self._add(
                    code,
                    None,
                    decided,
                    Outcome.UPHELD,
                    self._category("county"),
                    satisfactory_remedy=True,
                )
                continue
            complied_in_year = index - figures.satisfactory_remedies < in_year
            last = year.last_day if complied_in_year else year.last_day + timedelta(days=90)
            first = decided if complied_in_year else year.last_day + timedelta(days=1)
            self._add(
                code,
                None,
                decided,
                Outcome.UPHELD,
                self._category("county"),
                recommendations=self._remedies(),
                compliance=(ComplianceOutcome.SATISFIED, self._complied(max(first, decided), last)),
            )

    def _typical_year(self, council: AuthorityInput, year: FinancialYear) -> None:
        kind = "district" if council.type is AuthorityType.DISTRICT else "county"
        volume = max(4, min(90, council.population // 9_000))  # type: ignore[operator]
        if year.last_day > self.today:  # this year so far
            volume = volume * ((self.today - year.first_day).days + 1) // 365
        for _ in range(round(volume * self.rng.uniform(0.8, 1.2))):
            decided = self._day_in(year)
            roll = self.rng.random()
            if roll < 0.38:
                self._add(council.code, None, decided, Outcome.NOT_FOR_US, self._category(kind))
            elif roll < 0.68:
                self._add(
                    council.code, None, decided, Outcome.ASSESSED_AND_CLOSED, self._category(kind)
                )
            elif roll < 0.74:
                self._add(council.code, None, decided, Outcome.NOT_UPHELD, self._category(kind))
            elif self.rng.random() < 0.12:
                self._add(
                    council.code,
                    None,
                    decided,
                    Outcome.UPHELD,
                    self._category(kind),
                    satisfactory_remedy=True,
                )
            else:
                self._add(
                    council.code,
                    None,
                    decided,
                    Outcome.UPHELD,
                    self._category(kind),
                    recommendations=self._remedies(),
                    compliance=self._outcome(decided, year),
                )

    def _outcome(self, decided: date, year: FinancialYear) -> tuple[ComplianceOutcome, date] | None:
        """Recent decisions are still being complied with; older ones have an outcome,
        recorded within their own year (so the published years keep their figures)."""
        if decided > self.today - timedelta(days=100) and self.rng.random() < 0.85:
            return None
        complied = self._complied(decided, year.last_day)
        roll = self.rng.random()
        if roll < 0.90:
            return ComplianceOutcome.SATISFIED, complied
        if roll < 0.98:
            return ComplianceOutcome.SATISFIED_LATE, complied
        return ComplianceOutcome.NOT_SATISFIED, complied

    def _add(
        self,
        code: str,
        reference: str | None,
        decided: date,
        outcome: Outcome,
        category: tuple[str, str],
        *,
        satisfactory_remedy: bool = False,
        recommendations: list[RecommendationInput] | None = None,
        compliance: tuple[ComplianceOutcome, date] | None = None,
    ) -> None:
        data = CaseInput(
            reference=reference or self._reference(decided),
            authority=code,
            category=category[0],
            subcategory=category[1],
            decision_date=decided,
            outcome=outcome,
            satisfactory_remedy=satisfactory_remedy,
            recommendations=recommendations or [],
            compliance_outcome=compliance[0] if compliance else None,
            compliance_date=compliance[1] if compliance else None,
        )
        create_case(
            self.session,
            data,
            actor=self.recorded_by,
            now=self.now,
            today=self.today,
            rules=self.rules,
        )
        self.count += 1

    def _reference(self, decided: date) -> str:
        received = decided - timedelta(days=self.rng.randint(60, 300))
        while True:
            number = self.rng.randint(0, 999_999)
            reference = f"{received.year % 100:02d} {number // 1000:03d} {number % 1000:03d}"
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _day_in(self, year: FinancialYear, end_margin: int = 0) -> date:
        last = min(year.last_day - timedelta(days=end_margin), self.today - timedelta(days=1))
        return year.first_day + timedelta(days=self.rng.randint(0, (last - year.first_day).days))

    def _complied(self, after: date, latest: date) -> date:
        latest = min(latest, self.today)
        earliest = min(after + timedelta(days=14), latest)
        span = (latest - earliest).days
        return earliest + timedelta(days=self.rng.randint(0, min(span, 70)))

    def _category(self, kind: str) -> tuple[str, str]:
        return self.rng.choice(CATEGORIES[kind])

    def _remedies(self) -> list[RecommendationInput]:
        title, pronoun, subject = self.rng.choice(TITLES)
        initial = self.rng.choice("ABCDEFGHJKLMNPRSTW")
        amount = self.rng.choice((100, 150, 200, 250, 300, 500, 750, 1000, 1250))
        chosen = self.rng.sample(PERSONAL_REMEDIES, self.rng.randint(1, 2))
        remedies = [
            RecommendationInput(
                text.format(
                    title=title,
                    initial=initial,
                    pronoun=pronoun,
                    subject=subject,
                    amount=f"{amount:,}",
                ),
                "personal",
                Decimal(amount) if "£" in text else None,
            )
            for text in chosen
        ]
        if self.rng.random() < 0.5:
            remedies.append(
                RecommendationInput(self.rng.choice(SERVICE_IMPROVEMENTS), "service_improvement")
            )
        return remedies


_WORDS = (
    "amber",
    "bridge",
    "canal",
    "copper",
    "delta",
    "ember",
    "fable",
    "granite",
    "harbour",
    "island",
    "juniper",
    "kettle",
    "lantern",
    "meadow",
    "needle",
    "orchard",
    "pebble",
    "quarry",
    "ribbon",
    "saddle",
    "thistle",
    "umber",
    "velvet",
    "willow",
    "yonder",
    "zephyr",
)
