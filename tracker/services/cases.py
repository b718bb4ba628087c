"""Recording decided cases and their recommendations, and correcting a case's details."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tracker import deadlines
from tracker.deadlines import DeadlineRules
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
from tracker.services.authorities import authority_code, find_authority
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
COMPLIANCE_FIELDS = ("compliance_outcome", "compliance_date")
RECOMMENDATIONS_DECIDE_COMPLIANCE = (
    "This case's compliance outcome comes from reviewing its recommendations, "
    "so it cannot be changed here"
)


@dataclass
class RecommendationInput:
    """One remedy action as entered."""

    text: str
    kind: RecommendationKind | str
    amount: Decimal | None = None
    evidence_expected: str = ""
    # Words that hold several deadlines are saved due on the latest only once the caseworker
    # has confirmed that (the form asks); the API and imports take the words as they stand.
    deadlines_confirmed: bool = True


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
class KnownRecords:
    """Authorities by code and case ids by reference, looked up once to check many cases (an
    import) rather than once a case. `case_ids` must hold every existing case among the
    references to be checked; the database's unique keys still have the last word."""

    authorities: dict[str, Authority]
    case_ids: dict[str, int]

    def authority(self, code: str) -> Authority | None:
        """The council with this code (any letter case), if there is one."""
        return self.authorities.get(authority_code(code))


class CaseBeingCorrected(Protocol):
    """What the rules read of a case being corrected: a Case, or an import's reading of one
    (`import_corrections.CaseAsRead`)."""

    @property
    def id(self) -> int: ...
    @property
    def compliance_outcome(self) -> ComplianceOutcome | None: ...
    @property
    def compliance_date(self) -> date | None: ...
    @property
    def has_recommendations(self) -> bool: ...


@dataclass
class _Checked:
    reference: str
    authority: Authority
    outcome: Outcome
    compliance: ComplianceOutcome | None
    recommendations: list[RecommendationInput]  # text stripped, kind a RecommendationKind


def create_case(
    session: Session,
    data: CaseInput,
    *,
    actor: User | None,
    now: datetime,
    today: date,
    rules: DeadlineRules,
) -> Case:
    """Record a case and its recommendations, or raise ValidationError naming each problem."""
    case = add_case(session, data, actor=actor, now=now, today=today, rules=rules)
    record_created(session, case, actor=actor, now=now)
    return case


def add_case(
    session: Session,
    data: CaseInput,
    *,
    actor: User | None,
    now: datetime,
    today: date,
    rules: DeadlineRules,
    known: KnownRecords | None = None,
) -> Case:
    """Check a new case and add it and its recommendations to the session, or raise
    ValidationError naming each problem. Nothing is flushed or put on record yet: call
    `record_created` next. Cases added together are inserted together (an import)."""
    checked = check_case(session, data, today, rules=rules, known=known)
    case = Case(
        created_by_id=actor.id if actor else None,
        created_at=now,
        compliance_outcome=checked.compliance,
        compliance_date=data.compliance_date if checked.compliance else None,
        recommendations=[],  # known to be empty: reading it later needs no query
    )
    _apply_details(case, data, checked, now)
    session.add(case)
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
        apply_deadline(recommendation, case.decision_date, rules)
        session.add(recommendation)
    return case


def record_created(session: Session, case: Case, *, actor: User | None, now: datetime) -> None:
    """Put a case that `add_case` added, and its recommendations, on the audit trail
    (flushing first if they have no ids yet)."""
    audit.record(
        session,
        action="case.created",
        entity=case,
        actor=actor,
        now=now,
        after=audit.snapshot(case, CASE_FIELDS),
    )
    for recommendation in case.recommendations:
        audit.record(
            session,
            action="recommendation.created",
            entity=recommendation,
            actor=actor,
            now=now,
            after=audit.snapshot(recommendation, RECOMMENDATION_FIELDS),
        )


def update_case(
    session: Session,
    case: Case,
    data: CaseInput,
    *,
    expected_version: int,
    actor: User | None,
    now: datetime,
    today: date,
    rules: DeadlineRules,
    known: KnownRecords | None = None,
    batched: bool = False,
) -> Case:
    """Correct a case's details (not its recommendations or compliance outcome).

    Raises ConflictError if someone else changed the case since `expected_version` was read.
    `batched` leaves the UPDATE to the caller's next flush, with many others (an import):
    a concurrent change then raises StaleDataError there.
    """
    if case.version != expected_version:
        raise ConflictError(CONFLICT_MESSAGE)
    checked = check_case(session, data, today, rules=rules, existing=case, known=known)
    before = audit.snapshot(case, CASE_FIELDS)
    _apply_details(case, data, checked, now)
    old, new = audit.changes(before, audit.snapshot(case, CASE_FIELDS))
    if new:
        if not batched:
            _write_version(session)
        audit.record(
            session, action="case.updated", entity=case, actor=actor, now=now, before=old, after=new
        )
        if "decision_date" in new:
            _redate(session, case, actor=actor, now=now, rules=rules)
    return case


def correct_compliance(
    session: Session,
    case: Case,
    outcome: ComplianceOutcome | str | None,
    compliance_date: date | None,
    *,
    actor: User | None,
    now: datetime,
    today: date,
    batched: bool = False,
) -> bool:
    """Correct the compliance outcome a case was recorded with from earlier records (an
    import); returns whether it changed. Raises ValidationError naming each problem, and
    ConflictError (or with `batched`, as `update_case`) if someone else changed the case.

    Only for a case with no recommendations: otherwise the outcome is theirs to decide
    (`compliance.settle_case`), and a record from elsewhere must not overrule them.
    """
    before = audit.snapshot(case, COMPLIANCE_FIELDS)
    asked = {"compliance_outcome": outcome or None, "compliance_date": compliance_date}
    if audit.snapshot_values(asked) == before:
        return False
    if case.recommendations:
        raise ValidationError({"compliance_outcome": RECOMMENDATIONS_DECIDE_COMPLIANCE})
    problems: dict[str, str] = {}
    data = CaseInput(
        reference=case.reference,
        authority="",  # not needed: only the compliance rules are applied
        category=case.category,
        subcategory=case.subcategory,
        decision_date=case.decision_date,
        outcome=case.outcome,
        compliance_outcome=outcome,
        compliance_date=compliance_date,
    )
    compliance = _check_compliance(data, case.outcome, today, problems)
    if problems:
        raise ValidationError(problems)
    case.compliance_outcome = compliance
    case.compliance_date = compliance_date if compliance else None
    case.updated_at = now
    if not batched:
        _write_version(session)
    old, new = audit.changes(before, audit.snapshot(case, COMPLIANCE_FIELDS))
    audit.record(
        session,
        action="case.compliance_corrected",
        entity=case,
        actor=actor,
        now=now,
        before=old,
        after=new,
        note="Corrected from earlier records",
    )
    return True


def _write_version(session: Session) -> None:
    """Write a case's change now: the UPDATE bumps its version, and misses if a concurrent
    write bumped it first."""
    try:
        session.flush()
    except StaleDataError as error:
        raise ConflictError(CONFLICT_MESSAGE) from error


def _redate(
    session: Session, case: Case, *, actor: User | None, now: datetime, rules: DeadlineRules
) -> None:
    """A corrected decision date moves the deadlines its recommendations' words give."""
    for recommendation in case.recommendations:
        before = audit.snapshot(recommendation, DEADLINE_FIELDS)
        apply_deadline(recommendation, case.decision_date, rules)
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
    session: Session,
    data: CaseInput,
    today: date,
    *,
    rules: DeadlineRules,
    existing: CaseBeingCorrected | None = None,
    known: KnownRecords | None = None,
    with_compliance: bool = False,
) -> _Checked:
    """Apply every rule to a new case, or to corrections of `existing`; saves nothing.

    Raises ValidationError naming each problem. Corrections leave the compliance outcome
    and the recommendations as they stand, so those are checked as they are; or, with
    `with_compliance`, the compliance outcome `data` gives (an import corrects both). With
    `known`, the reference and the authority are looked up there instead of in the database.
    """
    problems: dict[str, str] = {}
    if existing is not None:
        if not with_compliance:
            data = replace(
                data,
                compliance_outcome=existing.compliance_outcome,
                compliance_date=existing.compliance_date,
            )
        if data.recommendations:  # (an import's rows have none: no copy a row)
            data = replace(data, recommendations=[])
    reference = _reference(session, data.reference, problems, existing, known)
    authority = _authority(session, data.authority, problems, known)
    outcome = _choice(Outcome, data.outcome, "outcome", "Choose the outcome", problems)
    _check_decision(data, outcome, today, problems)
    compliance = _check_compliance(data, outcome, today, problems)
    recommendations = _recommendations(data.recommendations, outcome, problems)
    if data.decision_date is not None and "decision_date" not in problems:
        _check_several_deadlines(data.recommendations, data.decision_date, rules, problems)
    if (
        existing is not None
        and existing.has_recommendations
        and outcome not in (None, Outcome.UPHELD)
    ):
        problems["outcome"] = "A case with recommendations must stay upheld"
    if problems:
        raise ValidationError(problems)
    assert reference is not None and authority is not None and outcome is not None
    return _Checked(reference, authority, outcome, compliance, recommendations)


def _reference(
    session: Session,
    text: str,
    problems: dict[str, str],
    existing: CaseBeingCorrected | None,
    known: KnownRecords | None,
) -> str | None:
    if not (text or "").strip():
        problems["reference"] = "Enter the case reference"
        return None
    try:
        reference = normalise_reference(text)
    except ValueError as error:
        problems["reference"] = str(error)
        return None
    if known is not None:
        clash = known.case_ids.get(reference)
    else:
        clash = session.scalar(sa.select(Case.id).where(Case.reference == reference))
    if clash is not None and (existing is None or clash != existing.id):
        problems["reference"] = f"A case with the reference {reference} already exists"
    return reference


def _authority(
    session: Session, code: str, problems: dict[str, str], known: KnownRecords | None
) -> Authority | None:
    if not (code or "").strip():
        problems["authority"] = "Choose the authority the complaint is about"
        return None
    authority = known.authority(code) if known is not None else find_authority(session, code)
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


def _check_several_deadlines(
    entries: list[RecommendationInput],
    decision_date: date,
    rules: DeadlineRules,
    problems: dict[str, str],
) -> None:
    """One recommendation holding several different deadlines is split, or the caseworker
    confirms it is all due on the latest: never the later date taken silently (issue 12)."""
    for index, entry in enumerate(entries):
        if entry.deadlines_confirmed or not (entry.text or "").strip():
            continue
        count = len(
            deadlines.compute_deadline(entry.text, decision_date, rules=rules).distinct_deadlines
        )
        if count > 1:
            problems[f"recommendations.{index}.deadlines_confirmed"] = (
                f"Recommendation {index + 1} holds {count} deadlines: split it into {count} "
                f"recommendations, or confirm it is all due on the "
                f"{'later' if count == 2 else 'latest'} date"
            )


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
