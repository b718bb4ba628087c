"""Recording decided cases and their recommendations, and correcting a case's details."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker.models import (
    Authority,
    Case,
    ComplianceOutcome,
    Outcome,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    User,
    normalise_reference,
)
from tracker.services import audit
from tracker.services.authorities import find_authority
from tracker.services.errors import ConflictError, ValidationError
from tracker.services.recommendations import DEADLINE_FIELDS, apply_deadline

CASE_FIELDS = (
    "reference",
    "authority_id",
    "category",
    "subcategory",
    "decision_date",
    "outcome",
    "satisfactory_remedy",
    "public_report",
    "compliance_outcome",
    "compliance_date",
)
RECOMMENDATION_FIELDS = (
    "position",
    "text",
    "kind",
    "amount",
    "status",
    "decision_due_date",
    "due_date",
    "explicit",
)
MAX_AMOUNT = Decimal("9999999999.99")
EARLIEST_DECISION = date(1974, 1, 1)  # the Local Government Ombudsman began work in 1974
E = TypeVar("E", Outcome, ComplianceOutcome, RecommendationKind)
CONFLICT_MESSAGE = (
    "Someone else changed this case while you were editing it. "
    "Check the details below and make your change again."
)


@dataclass
class RecommendationInput:
    """One remedy action as entered."""

    text: str
    kind: RecommendationKind | str
    amount: Decimal | None = None
    evidence_expected: str = ""


@dataclass
class CaseInput:
    """A decided case as entered in the form, the API or an import."""

    reference: str
    authority: str
    category: str
    subcategory: str
    decision_date: date | None
    outcome: Outcome | str
    satisfactory_remedy: bool = False
    public_report: bool = False
    compliance_outcome: ComplianceOutcome | str | None = None
    compliance_date: date | None = None
    recommendations: list[RecommendationInput] = field(default_factory=list)


@dataclass
class _Checked:
    reference: str
    authority: Authority
    outcome: Outcome
    compliance: ComplianceOutcome | None
    recommendations: list[RecommendationInput]  # text stripped, kind a RecommendationKind


def create_case(
    session: Session, data: CaseInput, *, actor: User | None, now: datetime, today: date
) -> Case:
    """Record a case and its recommendations, or raise ValidationError naming each problem."""
    checked = check_case(session, data, today)
    case = Case(
        created_by_id=actor.id if actor else None,
        created_at=now,
        compliance_outcome=checked.compliance,
        compliance_date=data.compliance_date if checked.compliance else None,
    )
    _apply_details(case, data, checked, now)
    session.add(case)
    audit.record(
        session,
        action="case.created",
        entity=case,
        actor=actor,
        now=now,
        after=audit.snapshot(case, CASE_FIELDS),
    )
    # Cases migrated from earlier records arrive with their compliance already decided.
    closed_status = _migrated_status(checked.compliance)
    for position, entry in enumerate(checked.recommendations, start=1):
        recommendation = Recommendation(
            case=case,
            position=position,
            text=entry.text,
            kind=entry.kind,
            amount=entry.amount,
            evidence_expected=entry.evidence_expected,
            status=closed_status or RecommendationStatus.OPEN,
            closed_at=now if closed_status else None,
            created_at=now,
            updated_at=now,
        )
        apply_deadline(recommendation, case.decision_date)
        session.add(recommendation)
        audit.record(
            session,
            action="recommendation.created",
            entity=recommendation,
            actor=actor,
            now=now,
            after=audit.snapshot(recommendation, RECOMMENDATION_FIELDS),
        )
    return case


def update_case(
    session: Session,
    case: Case,
    data: CaseInput,
    *,
    expected_version: int,
    actor: User | None,
    now: datetime,
    today: date,
) -> Case:
    """Correct a case's details (not its recommendations or compliance outcome).

    Raises ConflictError if someone else changed the case since `expected_version` was read.
    """
    if case.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    checked = check_case(session, data, today, existing=case)
    before = audit.snapshot(case, CASE_FIELDS)
    _apply_details(case, data, checked, now)
    old, new = audit.changes(before, audit.snapshot(case, CASE_FIELDS))
    if new:
        try:
            session.flush()  # bumps the version; a concurrent write makes the UPDATE miss
        except StaleDataError as error:
            raise ConflictError(CONFLICT_MESSAGE) from error
        audit.record(
            session, action="case.updated", entity=case, actor=actor, now=now, before=old, after=new
        )
        if "decision_date" in new:
            _redate(session, case, actor=actor, now=now)
    return case


def _redate(session: Session, case: Case, *, actor: User | None, now: datetime) -> None:
    """A corrected decision date moves the deadlines its recommendations' words give."""
    for recommendation in case.recommendations:
        before = audit.snapshot(recommendation, DEADLINE_FIELDS)
        apply_deadline(recommendation, case.decision_date)
        old, new = audit.changes(before, audit.snapshot(recommendation, DEADLINE_FIELDS))
        if new:
            recommendation.updated_at = now
            audit.record(
                session, action="recommendation.redated", entity=recommendation, actor=actor,
                now=now, before=old, after=new, note="The decision date was corrected",
            )  # fmt: skip


def _apply_details(case: Case, data: CaseInput, checked: _Checked, now: datetime) -> None:
    assert data.decision_date is not None  # check_case refuses a missing date
    case.reference = checked.reference
    case.authority = checked.authority
    case.category = " ".join(data.category.split())
    case.subcategory = " ".join((data.subcategory or "").split())
    case.decision_date = data.decision_date
    case.outcome = checked.outcome
    case.satisfactory_remedy = data.satisfactory_remedy
    case.public_report = data.public_report
    case.updated_at = now


def _migrated_status(compliance: ComplianceOutcome | None) -> RecommendationStatus | None:
    if compliance is None:
        return None
    if compliance is ComplianceOutcome.NOT_SATISFIED:
        return RecommendationStatus.NOT_COMPLIED
    return RecommendationStatus.ACCEPTED


def check_case(
    session: Session, data: CaseInput, today: date, *, existing: Case | None = None
) -> _Checked:
    """Apply every rule to a new case, or to corrections of `existing`; saves nothing.

    Raises ValidationError naming each problem. Corrections leave the compliance outcome
    and the recommendations as they stand, so those are checked as they are.
    """
    problems: dict[str, str] = {}
    if existing is not None:
        data = replace(
            data,
            compliance_outcome=existing.compliance_outcome,
            compliance_date=existing.compliance_date,
            recommendations=[],
        )
    reference = _reference(session, data.reference, problems, existing)
    authority = _authority(session, data.authority, problems)
    outcome = _choice(Outcome, data.outcome, "outcome", "Choose the outcome", problems)
    _check_decision(data, outcome, today, problems)
    compliance = _check_compliance(data, outcome, today, problems)
    recommendations = _recommendations(data.recommendations, outcome, problems)
    if existing is not None and existing.recommendations and outcome not in (None, Outcome.UPHELD):
        problems["outcome"] = "A case with recommendations must stay upheld"
    if problems:
        raise ValidationError(problems)
    assert reference is not None and authority is not None and outcome is not None
    return _Checked(reference, authority, outcome, compliance, recommendations)


def _reference(
    session: Session, text: str, problems: dict[str, str], existing: Case | None
) -> str | None:
    if not (text or "").strip():
        problems["reference"] = "Enter the case reference"
        return None
    try:
        reference = normalise_reference(text)
    except ValueError as error:
        problems["reference"] = str(error)
        return None
    clash = session.scalar(sa.select(Case.id).where(Case.reference == reference))
    if clash is not None and (existing is None or clash != existing.id):
        problems["reference"] = f"A case with the reference {reference} already exists"
    return reference


def _authority(session: Session, code: str, problems: dict[str, str]) -> Authority | None:
    if not (code or "").strip():
        problems["authority"] = "Choose the authority the complaint is about"
        return None
    authority = find_authority(session, code)
    if authority is None:
        problems["authority"] = f"There is no authority with the code {code}"
    return authority


def _choice(
    enum_class: type[E], value: object, name: str, message: str, problems: dict[str, str]
) -> E | None:
    try:
        return enum_class(value)
    except ValueError:
        problems[name] = message
        return None


def _check_decision(
    data: CaseInput, outcome: Outcome | None, today: date, problems: dict[str, str]
) -> None:
    if not " ".join((data.category or "").split()):
        problems["category"] = "Enter the category, for example Education"
    elif len(data.category) > 100:
        problems["category"] = "Category must be 100 characters or fewer"
    if len(data.subcategory or "") > 100:
        problems["subcategory"] = "Sub-category must be 100 characters or fewer"
    if data.decision_date is None:
        problems["decision_date"] = "Enter the decision date"
    elif data.decision_date > today:
        problems["decision_date"] = "Decision date must be today or in the past"
    elif data.decision_date < EARLIEST_DECISION:
        problems["decision_date"] = "Decision date must be on or after 1 January 1974"
    if data.satisfactory_remedy and outcome is not Outcome.UPHELD:
        problems["satisfactory_remedy"] = "Only an upheld case can have a satisfactory remedy"


def _check_compliance(
    data: CaseInput, outcome: Outcome | None, today: date, problems: dict[str, str]
) -> ComplianceOutcome | None:
    if not data.compliance_outcome:
        if data.compliance_date is not None:
            problems["compliance_outcome"] = "Choose the compliance outcome for this date"
        return None
    compliance = _choice(
        ComplianceOutcome,
        data.compliance_outcome,
        "compliance_outcome",
        "Choose satisfied, satisfied_late or not_satisfied",
        problems,
    )
    if outcome is not None and outcome is not Outcome.UPHELD:
        problems["compliance_outcome"] = "Only an upheld case has a compliance outcome"
    if data.compliance_date is None:
        problems["compliance_date"] = "Enter the date the compliance outcome was recorded"
    elif data.compliance_date > today:
        problems["compliance_date"] = "Compliance date must be today or in the past"
    elif data.decision_date is not None and data.compliance_date < data.decision_date:
        problems["compliance_date"] = "Compliance date must be on or after the decision date"
    return compliance


def _recommendations(
    entries: list[RecommendationInput], outcome: Outcome | None, problems: dict[str, str]
) -> list[RecommendationInput]:
    checked = []
    for index, entry in enumerate(entries):
        where, number = f"recommendations.{index}", index + 1
        text = (entry.text or "").strip()
        if not text:
            problems[f"{where}.text"] = f"Enter the text of recommendation {number}"
        kind = _choice(
            RecommendationKind,
            entry.kind,
            f"{where}.kind",
            f"Choose whether recommendation {number} is a personal remedy or a service improvement",
            problems,
        )
        if entry.amount is not None and not Decimal(0) <= entry.amount <= MAX_AMOUNT:
            problems[f"{where}.amount"] = f"Amount for recommendation {number} must be £0 or more"
        evidence = " ".join((entry.evidence_expected or "").split())
        if len(evidence) > 2000:
            problems[f"{where}.evidence_expected"] = (
                f"Evidence expected for recommendation {number} must be 2,000 characters or fewer"
            )
        if kind is not None and text:
            checked.append(replace(entry, text=text, kind=kind, evidence_expected=evidence))
    if entries and outcome is not None and outcome is not Outcome.UPHELD:
        problems["recommendations"] = "Only an upheld case has recommendations"
    return checked
