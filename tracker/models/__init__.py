"""The data model, one module per aggregate; importing this package registers them all."""

from tracker.models.assignment import Assignment
from tracker.models.authority import Authority, AuthorityType
from tracker.models.base import Base
from tracker.models.case import (
    Case,
    ComplianceOutcome,
    FollowUp,
    Outcome,
    normalise_reference,
    reference_slug,
)
from tracker.models.chase import Chase, ChaseMethod
from tracker.models.escalation import (
    Escalation,
    EscalationLetter,
    EscalationLetterKind,
    EscalationStep,
)
from tracker.models.event import AuditEvent
from tracker.models.evidence import (
    EvidenceFile,
    EvidenceReview,
    EvidenceSubmission,
    ReviewDecision,
)
from tracker.models.extension import ExtensionRequest, ExtensionStatus
from tracker.models.job_run import HolidayCalendar, JobRun
from tracker.models.notification import Notification, NotificationRecipient
from tracker.models.publication import AnnualLetter, AuthoritySnapshot, Publication
from tracker.models.recommendation import (
    DeadlinePart,
    DueDateSource,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
)
from tracker.models.sign_in import (
    PasswordReset,
    RecoveryCode,
    SessionEnd,
    SignInFailure,
    UserSession,
)
from tracker.models.user import ApiToken, DigestFrequency, Role, User
from tracker.models.year_counts import AuthorityYearCounts

__all__ = [
    "AnnualLetter",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Authority",
    "AuthoritySnapshot",
    "AuthorityType",
    "AuthorityYearCounts",
    "Base",
    "Case",
    "Chase",
    "ChaseMethod",
    "ComplianceOutcome",
    "DeadlinePart",
    "DigestFrequency",
    "DueDateSource",
    "Escalation",
    "EscalationLetter",
    "EscalationLetterKind",
    "EscalationStep",
    "EvidenceFile",
    "EvidenceReview",
    "EvidenceSubmission",
    "ExtensionRequest",
    "ExtensionStatus",
    "FollowUp",
    "HolidayCalendar",
    "JobRun",
    "Notification",
    "NotificationRecipient",
    "Outcome",
    "PasswordReset",
    "Publication",
    "Recommendation",
    "RecommendationKind",
    "RecommendationStatus",
    "RecoveryCode",
    "ReviewDecision",
    "Role",
    "SessionEnd",
    "SignInFailure",
    "User",
    "UserSession",
    "normalise_reference",
    "reference_slug",
]
