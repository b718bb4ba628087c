"""API: authorities."""

from __future__ import annotations

from typing import Any

from tracker.api import api_blueprint
from tracker.api.payloads import authority_payload
from tracker.api.schemas import AuthoritySchema, StatisticsQuerySchema, StatisticsSchema
from tracker.extensions import db
from tracker.plumbing import clock
from tracker.plumbing.years import FinancialYear
from tracker.services.authorities import AuthorityInput, create_authority
from tracker.services.errors import ValidationError
from tracker.services.statistics import as_published, authority_figures
from tracker.web import access
from tracker.web.access import Permission

blp = api_blueprint("Authorities", "Councils (admins add them)")


@blp.route("", methods=["POST"])
@blp.arguments(AuthoritySchema)
@blp.response(201, AuthoritySchema)
@blp.answers(400, 401, 403, 413, 422)
@access.requires(Permission.MANAGE_AUTHORITIES)
def create(body: dict[str, Any]) -> dict[str, Any]:
    """Add an authority (admins only)."""
    authority = create_authority(
        db.session, AuthorityInput(**body), actor=access.acting_user(), now=clock.now()
    )
    return authority_payload(authority)


@blp.route("/<code>", methods=["GET"])
@blp.response(200, AuthoritySchema)
@blp.answers(401, 404)
@access.signed_in
def read(code: str) -> dict[str, Any]:
    """One authority. A council officer can see only their own."""
    return authority_payload(access.authority(code))


@blp.route("/<code>/statistics", methods=["GET"])
@blp.arguments(StatisticsQuerySchema, location="query")
@blp.response(200, StatisticsSchema)
@blp.answers(401, 404, 422)
@access.signed_in
def statistics(query: dict[str, Any], code: str) -> dict[str, Any]:
    """The authority's published figures for a financial year, against the averages of
    authorities of its type. A council officer can see only their own council's."""
    authority = access.authority(code)
    try:
        year = (
            FinancialYear.parse(query["year"])
            if "year" in query
            else FinancialYear.latest_complete(clock.today())
        )
    except ValueError as error:
        raise ValidationError({"year": str(error)}) from error
    return as_published(authority_figures(db.session, authority, year))
