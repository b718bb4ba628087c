"""schemathesis, with every check it ships, against the API served over HTTP, as a caseworker, a
council officer and an admin: no server error, no answer the OpenAPI document does not describe,
no schema-valid request refused for a reason the document could have stated, nothing invalid
accepted, and no council officer reading another council's records.

It runs `st run` itself (the command a developer would run), with a configuration written here:
a fixed seed so that CI repeats the same requests (SCHEMATHESIS_SEED explores others), and a
modest number of examples (SCHEMATHESIS_EXAMPLES) so that it fits CI on both databases.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ST = Path(sys.executable).with_name("st")
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "1"))
REFERENCE = "24 007 343"

# Operations whose schema-valid requests can still be refused with a 422, for rules that depend
# on what is stored or on today's date, which no schema can state. Everything else a schema can
# say is in the document, so every other operation must accept whatever the document allows.
STORED_STATE_RULES = {
    ("POST", "/api/v1/authorities"): "a code and a name no other authority has",
    ("POST", "/api/v1/cases"): (
        "an authority that exists, a reference not used yet, a decision date from 1 January "
        "1974 to today, a compliance date between the decision and today"
    ),
    ("POST", "/api/v1/recommendations/{recommendation_id}/extension"): (
        "a date in the future and after the recommendation's current due date"
    ),
}

# The examples and coverage phases (the document's examples, then every boundary and invalid
# variant, deterministic) hardly depend on who asks: they run once, as the caseworker, to keep
# the test's time modest. Fuzzing and stateful sequences run as each role.
ROLES = {
    "caseworker": "examples,coverage,fuzzing,stateful",
    "officer": "fuzzing,stateful",
    "admin": "fuzzing,stateful",
}


def _toml(value: object) -> str:
    return json.dumps(value)  # TOML's strings, numbers and arrays read as JSON's


def configuration(auth_file: Path, user: str, recommendation_id: int) -> str:
    """schemathesis.toml: every check, the caller's identity, and the records that exist."""
    lines = [
        f"seed = {SEED}",
        "workers = 1",
        "[generation]",
        f"max-examples = {EXAMPLES}",
        "deterministic = true",
        'database = "none"',
        "[checks]",
        "enabled = true",
        "[auth.wfc]",
        f"path = {_toml(str(auth_file))}",
        f"user = {_toml(user)}",
        # The two councils' officers must never see each other's records.
        'peers = ["officer", "officer-notts"]',
        # Half of the identifiers drawn are records that exist, so requests reach the rules.
        "[dictionaries.recommendations]",
        f"values = [{recommendation_id}]",
        "[dictionaries.authorities]",
        'values = ["LEICS", "NOTTS"]',
        "[dictionaries.cases]",
        f"values = [{_toml(REFERENCE)}]",
        "[parameters]",
        '"path.recommendation_id" = { dictionary = "recommendations", probability = 0.5 }',
        '"path.code" = { dictionary = "authorities", probability = 0.5 }',
        '"path.reference" = { dictionary = "cases", probability = 0.5 }',
    ]
    for (method, path), _rule in STORED_STATE_RULES.items():
        lines += [
            "[[operations]]",
            f"include-method = {_toml(method)}",
            f"include-path = {_toml(path)}",
            "checks.positive_data_acceptance.expected-statuses = "
            '["2xx", "401", "403", "404", "409", "422"]',
        ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("role", ROLES)
def test_schemathesis_with_every_check_finds_nothing(
    build, live_server: str, tmp_path: Path, role: str
) -> None:
    build.authority("LEICS")
    build.authority("NOTTS")
    recommendation_id = build.payment_due(reference=REFERENCE)
    users = {
        "caseworker": build.user("caseworker"),
        "officer": build.user("officer", authority="LEICS"),
        "admin": build.user("admin"),
        "officer-notts": build.user("officer", authority="NOTTS"),
    }
    auth_file = tmp_path / "auth.json"
    auth_file.write_text(
        json.dumps(
            {
                "auth": [
                    {
                        "name": name,
                        "fixedHeaders": [
                            {"name": "Authorization", "value": f"Bearer {build.token(email)}"}
                        ],
                    }
                    for name, email in users.items()
                ]
            }
        )
    )
    config = tmp_path / "schemathesis.toml"
    config.write_text(configuration(auth_file, role, recommendation_id))
    result = subprocess.run(
        [
            str(ST),
            "--config-file",
            str(config),
            "run",
            f"{live_server}/api/v1/openapi.json",
            "--checks",
            "all",
            "--phases",
            ROLES[role],
            "--no-color",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
    selected = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", result.stdout)
    assert selected, result.stdout[-5_000:]
    assert selected[1] == selected[2] == selected[3] and int(selected[3]) >= 11, selected[0]
