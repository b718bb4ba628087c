"""schemathesis against the generated OpenAPI document: no server errors, no response that
breaks the schema, for every operation, as a caseworker and as a council officer."""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def test_the_api_keeps_its_own_contract(app, build) -> None:
    """Every operation, with generated input, as a caseworker, a council officer and an admin."""
    build.authority("LEICS")
    build.case(
        "LEICS",
        reference="24 007 343",
        recommendations=[("Within one month of my final decision, pay Mrs X £300.", "personal")],
    )
    tokens = [
        build.token(build.user(role, authority="LEICS" if role == "officer" else None))
        for role in ("caseworker", "officer", "admin")
    ]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, "every documented operation is exercised"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30")),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case) -> None:
            for token in tokens:
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        conforms()
