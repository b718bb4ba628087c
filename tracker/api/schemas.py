"""The API's request and response shapes; the OpenAPI document is generated from them."""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from tracker.models import (
    AuthorityType,
    ChaseMethod,
    ComplianceOutcome,
    DueDateSource,
    EscalationStep,
    Outcome,
    RecommendationKind,
    RecommendationStatus,
)
from tracker.plumbing import years
from tracker.plumbing.pagination import MAX_PER_PAGE
from tracker.services.authorities import LARGEST_POPULATION
from tracker.services.cases import MAX_AMOUNT
from tracker.services.compliance import MAX_FILES, MAX_NOTE, Action

# Text the API takes has no NUL character (tracker.web refuses one with a 422 naming the
# field): said as a pattern, the same in ECMA-262 and Python, so clients and generators see it.
STORABLE = r"^[^\u0000]*$"
# ... and, where the text must say something, at least one character that is not a space.
SAYS_SOMETHING = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


def _one_of(enum_class: type) -> validate.OneOf:
    return validate.OneOf([member.value for member in enum_class])


class Text(fields.String):
    """A string the API takes in: its document states the NUL rule as a `pattern` (a field may
    give a stricter one, such as SAYS_SOMETHING)."""

    def __init__(self, *, metadata: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(metadata={"pattern": STORABLE, **(metadata or {})}, **kwargs)


class ErrorBodySchema(Schema):
    """What went wrong."""

    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "A message per field, named like `recommendations.0.text`"},
    )


class ErrorSchema(Schema):
    """Every error answer: {"error": {"code", "message", "fields"}}."""

    error = fields.Nested(ErrorBodySchema, required=True)


class PageQuerySchema(Schema):
    """Which page of a list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PageSchema(Schema):
    """A page of a list."""

    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True)


class AuthoritySchema(Schema):
    """A council."""

    code = Text(
        required=True, validate=validate.Length(min=2, max=16), metadata={"example": "LEICS"}
    )
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=_one_of(AuthorityType))
    population = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=LARGEST_POPULATION)
    )


class RecommendationInSchema(Schema):
    """One recommendation of a new case."""

    text = Text(required=True, validate=validate.Length(min=1, max=20000))
    kind = fields.String(required=True, validate=_one_of(RecommendationKind))
    evidence_expected = Text(load_default="", validate=validate.Length(max=2000))
    # Checked by the case service, whose message names the field; the document says the range.
    amount = fields.Decimal(
        places=2,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "In pounds, for a payment: 1250 or 1250.00",
            "minimum": 0,
            "maximum": float(MAX_AMOUNT),
        },
    )


class CaseInSchema(Schema):
    """A decided case to record, with its recommendations."""

    reference = Text(
        required=True, validate=validate.Length(min=1, max=20), metadata={"example": "24 007 343"}
    )
    authority = Text(
        required=True,
        validate=validate.Length(min=1, max=16),
        metadata={"description": "The authority's code"},
    )
    category = Text(required=True, validate=validate.Length(min=1, max=100))
    subcategory = Text(load_default="", validate=validate.Length(max=100))
    decision_date = fields.Date(required=True)
    outcome = fields.String(required=True, validate=_one_of(Outcome))
    satisfactory_remedy = fields.Boolean(load_default=False)
    public_report = fields.Boolean(load_default=False)
    recommendations = fields.List(
        fields.Nested(RecommendationInSchema), load_default=list, validate=validate.Length(max=100)
    )
    compliance_outcome = fields.String(
        allow_none=True, load_default=None, validate=_one_of(ComplianceOutcome)
    )
    compliance_date = fields.Date(allow_none=True, load_default=None)


class DeadlinePartSchema(Schema):
    """One deadline phrase in the recommendation's words and the date it gives."""

    phrase = fields.String(required=True)
    due_date = fields.Date(allow_none=True, required=True)
    awaits_event = fields.String(
        allow_none=True, required=True, metadata={"description": "The event it waits for"}
    )
    event_date = fields.Date(allow_none=True, required=True)


class RecommendationSchema(Schema):
    """A recommendation and where it stands."""

    id = fields.Integer(required=True)
    case = fields.String(required=True, metadata={"description": "The case reference"})
    position = fields.Integer(required=True)
    text = fields.String(required=True)
    kind = fields.String(required=True, validate=_one_of(RecommendationKind))
    amount = fields.Decimal(
        places=2,
        allow_none=True,
        as_string=True,
        required=True,
        # Exact pounds and pence, so a string: "1250.00".
        metadata={"type": "string", "format": "decimal", "example": "1250.00"},
    )
    status = fields.String(required=True, validate=_one_of(RecommendationStatus))
    due_date = fields.Date(
        allow_none=True, required=True, metadata={"description": "The agreed due date"}
    )
    decision_due_date = fields.Date(
        allow_none=True, required=True, metadata={"description": "The date the decision gave"}
    )
    explicit = fields.Boolean(required=True)
    due_date_source = fields.String(
        allow_none=True,
        required=True,
        validate=_one_of(DueDateSource),
        metadata={"description": "stated, assumed (to be confirmed), caseworker or extension"},
    )
    deadline_parts = fields.List(fields.Nested(DeadlinePartSchema), required=True)
    overdue = fields.Boolean(required=True)
    assignee = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The e-mail of the council officer it is assigned to"},
    )
    escalation = fields.String(
        allow_none=True,
        required=True,
        validate=_one_of(EscalationStep),
        metadata={"description": "The latest step of the escalation ladder taken on its case"},
    )
    chasers = fields.Integer(
        required=True,
        metadata={"description": "Chasers sent by the scheduler and chases recorded by hand"},
    )
    last_chased_on = fields.Date(
        allow_none=True,
        required=True,
        metadata={"description": "The day of the latest chaser or chase by hand"},
    )
    version = fields.Integer(
        required=True, metadata={"description": "Send it back with a change to refuse stale ones"}
    )


class RecommendationWithActionsSchema(RecommendationSchema):
    """One recommendation, with what the person asking may do to it next."""

    actions = fields.List(
        fields.String(validate=_one_of(Action)),
        required=True,
        metadata={"description": "What the token's owner may do next, as the pages offer it"},
    )


class CaseSchema(Schema):
    """A case, its compliance outcome (null while open) and its recommendations."""

    reference = fields.String(required=True)
    authority = fields.String(required=True, metadata={"description": "The authority's code"})
    category = fields.String(required=True)
    subcategory = fields.String(required=True)
    decision_date = fields.Date(required=True)
    outcome = fields.String(required=True, validate=_one_of(Outcome))
    satisfactory_remedy = fields.Boolean(required=True)
    public_report = fields.Boolean(required=True)
    compliance_outcome = fields.String(
        allow_none=True, required=True, validate=_one_of(ComplianceOutcome)
    )
    compliance_date = fields.Date(allow_none=True, required=True)
    recommendations = fields.List(fields.Nested(RecommendationSchema), required=True)


class RecommendationQuerySchema(PageQuerySchema):
    """Filters for the recommendations list."""

    authority = Text(validate=validate.Length(min=1, max=16))
    status = fields.String(validate=_one_of(RecommendationStatus))
    overdue = fields.Boolean()


class RecommendationPageSchema(PageSchema):
    """A page of recommendations."""

    items = fields.List(fields.Nested(RecommendationSchema), required=True)


class _VersionedSchema(Schema):
    """A change that can say which version of the recommendation it was made against."""

    version = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "If given and the recommendation has changed since, 409"},
    )


def _note() -> Text:
    """An optional note, as long as the service allows."""
    return Text(load_default="", validate=validate.Length(max=MAX_NOTE))


def _reason() -> Text:
    """A note that must say something: the service refuses a blank one (422)."""
    return Text(
        required=True,
        validate=validate.Length(min=1, max=MAX_NOTE),
        metadata={"pattern": SAYS_SOMETHING},
    )


class ReviewSchema(_VersionedSchema):
    """A caseworker's decision on the evidence. It reads every decision (the service says what
    a missing note lacks); the document gives the two shapes, ReviewAccept and ReviewRefuse."""

    decision = fields.String(
        required=True, validate=validate.OneOf(["accept", "changes_requested", "not_complied"])
    )
    note = _note()


class ReviewAcceptSchema(ReviewSchema):
    """Accept the evidence; a note is optional."""

    decision = fields.String(required=True, validate=validate.OneOf(["accept"]))


class ReviewRefuseSchema(ReviewSchema):
    """Ask for changes, or record that the council has not complied: the note says why."""

    decision = fields.String(
        required=True, validate=validate.OneOf(["changes_requested", "not_complied"])
    )
    note = _reason()


class ExtensionRequestSchema(_VersionedSchema):
    """A council officer's request for more time."""

    until = fields.Date(required=True)
    reason = _reason()


class ExtensionDecisionSchema(_VersionedSchema):
    """A caseworker's answer to a request for more time. It reads either decision; the document
    gives the two shapes, ExtensionAgree and ExtensionRefuse."""

    decision = fields.String(required=True, validate=validate.OneOf(["agreed", "refused"]))
    note = _note()


class ExtensionAgreeSchema(ExtensionDecisionSchema):
    """Agree to the date asked for; a note is optional."""

    decision = fields.String(required=True, validate=validate.OneOf(["agreed"]))


class ExtensionRefuseSchema(ExtensionDecisionSchema):
    """Refuse the request: the note says why."""

    decision = fields.String(required=True, validate=validate.OneOf(["refused"]))
    note = _reason()


class ExtensionSchema(Schema):
    """A request for more time and what was decided."""

    id = fields.Integer(required=True)
    recommendation = fields.Integer(required=True)
    until = fields.Date(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["pending", "agreed", "refused"]))
    decision_note = fields.String(required=True)
    due_date = fields.Date(
        allow_none=True, required=True, metadata={"description": "The agreed due date now"}
    )


class ChaseInSchema(Schema):
    """A chase made by hand: how, on which day (today or earlier) and what was said."""

    method = fields.String(required=True, validate=_one_of(ChaseMethod))
    date = fields.Date(required=True)
    note = _reason()


class EscalationInSchema(Schema):
    """A step of the escalation ladder taken on a case today, and why."""

    step = fields.String(required=True, validate=_one_of(EscalationStep))
    note = _reason()


class EscalationSchema(Schema):
    """A step taken on a case: which, why, by whom (their e-mail) and on which day."""

    step = fields.String(required=True, validate=_one_of(EscalationStep))
    note = fields.String(required=True)
    by = fields.String(required=True)
    on = fields.Date(required=True)


class AssigneeInSchema(Schema):
    """The officer of the recommendation's council to give it to (null: to nobody)."""

    email = Text(required=True, allow_none=True, validate=validate.Length(max=254))


class ChaseSchema(Schema):
    """A chase made by hand, as recorded."""

    id = fields.Integer(required=True)
    recommendation = fields.Integer(required=True)
    method = fields.String(required=True, validate=_one_of(ChaseMethod))
    date = fields.Date(required=True)
    note = fields.String(required=True)
    recorded_by = fields.String(required=True, metadata={"description": "Their e-mail address"})
    recorded_at = fields.DateTime(required=True)


class EvidenceUploadSchema(Schema):
    """A submission of evidence, as multipart/form-data: one or more `file` parts (each
    checked by what it contains, and under the size limit) and an optional `note`."""

    # A form has no null: leave the part out to skip the check.
    version = fields.Integer(
        load_default=None,
        metadata={"description": "If given and the recommendation has changed since, 409"},
    )

    file = fields.List(
        Upload(),
        required=True,
        validate=validate.Length(min=1),
        # The service refuses more, with its own message (the page's limit too).
        metadata={
            "description": f"One to {MAX_FILES} files: send one `file` part for each",
            "maxItems": MAX_FILES,
        },
    )
    note = _note()


class EvidenceFileSchema(Schema):
    """A kept file: its name, detected type, size and SHA-256."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class SubmissionSchema(Schema):
    """One revision of evidence."""

    recommendation = fields.Integer(required=True)
    revision = fields.Integer(required=True)
    note = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)
    files = fields.List(fields.Nested(EvidenceFileSchema), required=True)


class StatisticsQuerySchema(Schema):
    """Which financial year."""

    # Read by FinancialYear.parse, whose message names what is wrong; the pattern is the
    # years it accepts, for the document.
    year = fields.String(
        metadata={
            "description": f"The financial year, 1 April to 31 March, as `2024-25`, from "
            f"{years.FIRST} to {years.LAST}; the latest complete one if left out",
            "example": "2024-25",
            "pattern": years.PATTERN,
        },
    )


class AveragesSchema(Schema):
    """The same figures' averages over authorities of the same type; null with no data."""

    uphold_rate = fields.Integer(required=True, allow_none=True)
    satisfactory_remedy_rate = fields.Integer(required=True, allow_none=True)
    compliance_rate = fields.Integer(required=True, allow_none=True)
    upheld_per_100k = fields.Float(required=True, allow_none=True)


class StatisticsSchema(Schema):
    """An authority's published figures for a year: rates in whole percent rounded half up,
    per 100,000 residents to one decimal place, null where there is no data."""

    authority = fields.String(required=True, metadata={"example": "LEICS"})
    year = fields.String(required=True, metadata={"example": "2024-25"})
    complaints_dealt_with = fields.Integer(required=True)
    not_for_us = fields.Integer(required=True)
    assessed_and_closed = fields.Integer(required=True)
    investigated = fields.Integer(required=True)
    upheld = fields.Integer(required=True)
    uphold_rate = fields.Integer(required=True, allow_none=True)
    satisfactory_remedies = fields.Integer(required=True)
    satisfactory_remedy_rate = fields.Integer(required=True, allow_none=True)
    compliance_outcomes = fields.Integer(required=True)
    compliance_rate = fields.Integer(required=True, allow_none=True)
    on_time_rate = fields.Integer(required=True, allow_none=True)
    upheld_per_100k = fields.Float(required=True, allow_none=True)
    averages = fields.Nested(AveragesSchema, required=True)
