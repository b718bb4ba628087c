"""Importing earlier years' cases: `flask import cases FILE.csv` and the managers' page."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import USING_POSTGRES
from tests.helpers import count_queries, csrf_token, sign_in
from tracker.deadlines import DEFAULT_RULES
from tracker.extensions import db
from tracker.models import AuditEvent, Case, ComplianceOutcome, Outcome
from tracker.services import imports

HEADER = (
    "reference,authority,category,subcategory,decision_date,outcome,"
    "satisfactory_remedy,public_report,compliance_outcome,compliance_date"
)
# The contract's columns alone: the API's case fields without recommendations.
CONTRACT_HEADER = (
    "reference,authority,category,subcategory,decision_date,outcome,"
    "satisfactory_remedy,compliance_outcome,compliance_date"
)
GOOD = [
    "23 001 001,LEICS,Education,Special educational needs,2023-06-05,upheld,true,false,"
    "satisfied,2023-09-01",
    "23 001 002,LEICS,Highways,,2023-07-10,not_upheld,false,false,,",
    "23 001 003,leics,Adult care services,Charging,2023-08-14,assessed_and_closed,false,false,,",
]


def csv_file(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "cases.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")
    return path


def run_import(runner, path: Path):
    return runner.invoke(args=["import", "cases", str(path)])


def cases(app) -> dict[str, Case]:
    with app.app_context():
        found = db.session.scalars(sa.select(Case).order_by(Case.reference)).all()
        db.session.expunge_all()
        return {case.reference: case for case in found}


def events(app, action: str | None = None) -> int:
    with app.app_context():
        statement = sa.select(sa.func.count()).select_from(AuditEvent)
        if action:
            statement = statement.where(AuditEvent.action == action)
        return db.session.scalar(statement)


@pytest.fixture
def leics(build) -> str:
    return build.authority("LEICS")


# The command ---------------------------------------------------------------------------------


def test_a_file_of_cases_is_imported_and_each_is_on_record(app, runner, leics, tmp_path) -> None:
    result = run_import(runner, csv_file(tmp_path, *GOOD))
    assert result.exit_code == 0, result.output
    assert result.output == "Created 3, updated 0, unchanged 0, rejected 0.\n"
    found = cases(app)
    assert list(found) == ["23 001 001", "23 001 002", "23 001 003"]
    first = found["23 001 001"]
    assert first.outcome is Outcome.UPHELD and first.satisfactory_remedy
    assert first.category == "Education" and first.subcategory == "Special educational needs"
    assert first.decision_date == date(2023, 6, 5)
    assert first.compliance_outcome is ComplianceOutcome.SATISFIED
    assert first.compliance_date == date(2023, 9, 1)
    assert found["23 001 002"].subcategory == "" and found["23 001 002"].compliance_outcome is None
    assert events(app, "case.created") == 3


def test_re_importing_the_same_file_changes_nothing(app, runner, leics, tmp_path) -> None:
    path = csv_file(tmp_path, *GOOD)
    run_import(runner, path)
    before = {ref: (case.version, case.updated_at) for ref, case in cases(app).items()}
    trail = events(app)
    again = run_import(runner, path)
    assert again.exit_code == 0, again.output
    assert again.output == "Created 0, updated 0, unchanged 3, rejected 0.\n"
    assert {ref: (case.version, case.updated_at) for ref, case in cases(app).items()} == before
    assert events(app) == trail


def test_a_row_written_differently_but_the_same_is_unchanged(app, runner, leics, tmp_path) -> None:
    run_import(runner, csv_file(tmp_path, *GOOD))
    trail = events(app)
    respelled = GOOD[1].replace("23 001 002,LEICS,Highways", "23001002, leics ,  Highways ")
    result = run_import(runner, csv_file(tmp_path, respelled, name="again.csv"))
    assert result.output == "Created 0, updated 0, unchanged 1, rejected 0.\n", result.output
    assert events(app) == trail
    assert cases(app)["23 001 002"].version == 1


def test_a_corrected_row_updates_its_case_on_the_record(app, runner, leics, tmp_path) -> None:
    run_import(runner, csv_file(tmp_path, *GOOD))
    corrected = [
        GOOD[0],
        GOOD[1].replace("Highways", "Highways and transport"),
        GOOD[2].replace("assessed_and_closed", "upheld")[: -len(",,")]
        + ",satisfied_late,2023-12-01",
    ]
    result = run_import(runner, csv_file(tmp_path, *corrected, name="corrected.csv"))
    assert result.output == "Created 0, updated 2, unchanged 1, rejected 0.\n", result.output
    found = cases(app)
    assert found["23 001 002"].category == "Highways and transport"
    assert found["23 001 003"].outcome is Outcome.UPHELD
    assert found["23 001 003"].compliance_outcome is ComplianceOutcome.SATISFIED_LATE
    assert events(app, "case.updated") == 2
    assert events(app, "case.compliance_corrected") == 1


def test_an_outcome_corrected_away_from_upheld_takes_its_compliance_with_it(
    app, runner, leics, tmp_path
) -> None:
    run_import(runner, csv_file(tmp_path, *GOOD))
    not_upheld = "23 001 001,LEICS,Education,,2023-06-05,not_upheld,false,false,,"
    result = run_import(runner, csv_file(tmp_path, not_upheld, name="fix.csv"))
    assert result.output == "Created 0, updated 1, unchanged 0, rejected 0.\n", result.output
    case = cases(app)["23 001 001"]
    assert case.outcome is Outcome.NOT_UPHELD
    assert (case.compliance_outcome, case.compliance_date) == (None, None)


def test_bad_rows_are_reported_by_line_and_leave_nothing(app, runner, leics, tmp_path) -> None:
    rows = [
        GOOD[0],  # line 2
        "23 002 001,NOPE,Education,,2023-06-05,upheld,false,false,,",  # 3: no such council
        "23 002 002,LEICS,Education,,2023-02-30,upheld,false,false,,",  # 4: no such day
        "23 002 003,LEICS,Education,,2023-06-05,upheld,yes,false,,",  # 5: not true/false
        f"23 002 004,LEICS,Education,,{date(2027, 1, 4)},upheld,false,false,,",  # 6: future
        "23 001 001,LEICS,Education,,2023-06-05,upheld,false,false,,",  # 7: twice in the file
        "not a ref,LEICS,Education,,2023-06-05,upheld,false,false,,",  # 8
        "23 002 005,LEICS,Education,,2023-06-05,not_upheld,false,false,satisfied,2023-07-01",  # 9
        "23 002 006,LEICS,Education,,2023-06-05,upheld,false,false",  # 10: two cells short
        '23 002 007,LEICS,"Education,\nspread over lines",,2023-06-05,sideways,false,false,,',
        GOOD[1],  # line 13 (the quoted cell above spans lines 11 and 12)
    ]
    result = run_import(runner, csv_file(tmp_path, *rows))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Created 2, updated 0, unchanged 0, rejected 9."
    assert lines[1:] == [
        "Line 3: authority: There is no authority with the code NOPE",
        "Line 4: decision_date: Decision date must be a real date written YYYY-MM-DD, "
        "like 2024-06-03",
        "Line 5: satisfactory_remedy: Satisfactory remedy must be true or false "
        "(or left empty for false)",
        "Line 6: decision_date: Decision date must be today or in the past",
        "Line 7: reference: 23 001 001 is already on line 2",
        "Line 8: reference: Enter a case reference in the format 24 007 343",
        "Line 9: compliance_outcome: Only an upheld case has a compliance outcome",
        "Line 10: The row has 8 cells; the header row has 10",
        "Line 11: outcome: Choose the outcome",
    ]
    assert list(cases(app)) == ["23 001 001", "23 001 002"]
    assert events(app, "case.created") == 2


def test_a_row_failing_as_it_is_written_is_rejected_alone(app, runner, leics, build, tmp_path):
    """A case whose outcome comes from its recommendations cannot be overruled by a file:
    that is found only as the row is written, so its chunk goes in again row by row."""
    reference = build.case("LEICS", reference="23 003 001", decided=date(2023, 6, 5))
    overrule = (
        f"{reference},LEICS,Education,Special educational needs,2023-06-05,upheld,false,false,"
        "satisfied,2023-09-01"
    )
    result = run_import(runner, csv_file(tmp_path, GOOD[0], overrule, GOOD[1]))
    assert result.output.splitlines() == [
        "Created 2, updated 0, unchanged 0, rejected 1.",
        "Line 3: compliance_outcome: This case's compliance outcome comes from reviewing "
        "its recommendations, so it cannot be changed here",
    ]
    found = cases(app)
    assert found[reference].compliance_outcome is None and found[reference].version == 1
    assert set(found) == {"23 001 001", "23 001 002", reference}
    assert events(app, "case.created") == 3  # the two imported and the one built


def test_a_case_saved_by_someone_else_meanwhile_is_rejected_alone(
    app, runner, leics, build, tmp_path, monkeypatch
) -> None:
    """The import looked for the file's cases before someone else recorded one of them: the
    database's unique reference refuses the second, and only that row is rejected."""
    build.case("LEICS", reference="23 001 002", outcome="not_upheld", decided=date(2023, 7, 10))
    monkeypatch.setattr(imports._Import, "_load_cases", lambda self: {})
    result = run_import(runner, csv_file(tmp_path, *GOOD))
    assert result.output.splitlines() == [
        "Created 2, updated 0, unchanged 0, rejected 1.",
        "Line 3: reference: 23 001 002 was saved by someone else: import the file again",
    ]
    assert list(cases(app)) == ["23 001 001", "23 001 002", "23 001 003"]
    assert events(app, "case.created") == 3


def trail(app, since: int) -> list[tuple]:
    """Every event after the first `since`, in order, as the timeline has it."""
    with app.app_context():
        found = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id)
        ).all()
        return [
            (event.action, event.entity_type, event.entity_id, event.case_id,
             event.recommendation_id, event.actor_id, event.before, event.after, event.note)
            for event in found
        ]  # fmt: skip


def test_corrections_are_on_record_as_one_event_each_change(app, runner, leics, tmp_path):
    """What each correction records: its details changed, and its compliance outcome cleared
    before them or set after them, with the same time as the case's own change."""
    run_import(runner, csv_file(tmp_path, *GOOD))
    ids = {reference: case.id for reference, case in cases(app).items()}
    first = events(app)
    corrected = [
        "23 001 001,LEICS,Education,,2023-06-05,not_upheld,false,false,,",
        GOOD[1].replace("Highways", "Highways and transport"),
        "23 001 003,LEICS,Adult care services,Charging,2023-08-14,upheld,false,true,"
        "satisfied_late,2023-12-01",
    ]
    result = run_import(runner, csv_file(tmp_path, *corrected, name="corrected.csv"))
    assert result.output == "Created 0, updated 3, unchanged 0, rejected 0.\n", result.output
    one, two, three = ids["23 001 001"], ids["23 001 002"], ids["23 001 003"]
    note = "Corrected from earlier records"
    assert trail(app, first) == [
        ("case.compliance_corrected", "case", one, one, None, None,
         {"compliance_outcome": "satisfied", "compliance_date": "2023-09-01"},
         {"compliance_outcome": None, "compliance_date": None}, note),
        ("case.updated", "case", one, one, None, None,
         {"subcategory": "Special educational needs", "outcome": "upheld",
          "satisfactory_remedy": True},
         {"subcategory": "", "outcome": "not_upheld", "satisfactory_remedy": False}, ""),
        ("case.updated", "case", two, two, None, None,
         {"category": "Highways"}, {"category": "Highways and transport"}, ""),
        ("case.updated", "case", three, three, None, None,
         {"outcome": "assessed_and_closed", "public_report": False},
         {"outcome": "upheld", "public_report": True}, ""),
        ("case.compliance_corrected", "case", three, three, None, None,
         {"compliance_outcome": None, "compliance_date": None},
         {"compliance_outcome": "satisfied_late", "compliance_date": "2023-12-01"}, note),
    ]  # fmt: skip
    found = cases(app)
    assert [found[reference].version for reference in found] == [2, 2, 2]  # one write each
    with app.app_context():
        times = db.session.scalars(
            sa.select(AuditEvent.occurred_at).where(AuditEvent.id > first).distinct()
        ).all()
    assert times == [found["23 001 001"].updated_at] == [found["23 001 003"].updated_at]


def test_corrections_events_are_stored_as_every_other_event_is(app, runner, leics, tmp_path):
    """The corrections' events go in from one JSON parameter: stored as the case's own
    change time is, to the character (SQLite compares and orders times as text), with
    JSON before and after and no actor."""
    run_import(runner, csv_file(tmp_path, *GOOD))
    first = events(app)
    corrected = [GOOD[0], GOOD[1].replace("Highways", "Highways and transport"), GOOD[2]]
    result = run_import(runner, csv_file(tmp_path, *corrected, name="corrected.csv"))
    assert result.output.startswith("Created 0, updated 1, unchanged 2,"), result.output
    with app.app_context():
        stored = db.session.execute(
            sa.text(
                "SELECT e.occurred_at = c.updated_at, e.actor_id, e.before, e.after"
                " FROM audit_events e JOIN cases c ON c.id = e.case_id WHERE e.id > :first"
            ),
            {"first": first},
        ).all()
    assert len(stored) == 1
    same_time, actor, *changes = stored[0]
    assert same_time and actor is None
    assert [json.loads(c) if isinstance(c, str) else c for c in changes] == [
        {"category": "Highways"},
        {"category": "Highways and transport"},
    ]


def test_corrections_are_written_together_not_a_case_at_a_time(
    app, runner, leics, tmp_path
) -> None:
    run_import(runner, csv_file(tmp_path, *GOOD))
    corrected = [
        "23 001 001,LEICS,Education,,2023-06-05,not_upheld,false,false,,",
        GOOD[1].replace("Highways", "Highways and transport"),
        GOOD[2].replace("Adult care services", "Adult social care"),
    ]
    with count_queries(app) as statements:
        result = run_import(runner, csv_file(tmp_path, *corrected, name="corrected.csv"))
    assert result.output == "Created 0, updated 3, unchanged 0, rejected 0.\n", result.output
    updates = [statement for statement in statements if "UPDATE cases" in statement]
    recorded = [statement for statement in statements if "INSERT INTO audit_events" in statement]
    assert (len(updates), len(recorded)) == (1, 1)  # and the audit trail is as before (above)


def test_a_case_changed_meanwhile_is_rejected_and_keeps_that_change(
    app, runner, leics, tmp_path, monkeypatch
) -> None:
    """Someone saved a case after the import read it and before it wrote: the import's write
    misses it (its version moved on), reports it, and the other rows still go in."""
    run_import(runner, csv_file(tmp_path, *GOOD))
    read = imports._Import._load_cases

    def read_then_someone_saves(self):
        found = read(self)
        table = Case.__table__
        self.session.execute(
            sa.update(table)
            .where(table.c.reference == "23 001 002")
            .values(category="Changed meanwhile", version=table.c.version + 1)
        )
        return found

    monkeypatch.setattr(imports._Import, "_load_cases", read_then_someone_saves)
    first = events(app)
    corrected = [
        GOOD[0],
        GOOD[1].replace("Highways", "Highways and transport"),
        GOOD[2].replace("Adult care services", "Adult social care"),
    ]
    result = run_import(runner, csv_file(tmp_path, *corrected, name="corrected.csv"))
    assert result.output.splitlines() == [
        "Created 0, updated 1, unchanged 1, rejected 1.",
        "Line 3: reference: 23 001 002 was saved by someone else: import the file again",
    ]
    found = cases(app)
    assert (found["23 001 002"].category, found["23 001 002"].version) == ("Changed meanwhile", 2)
    assert (found["23 001 003"].category, found["23 001 003"].version) == ("Adult social care", 2)
    assert [(action, entity) for action, _, entity, *_ in trail(app, first)] == [
        ("case.updated", found["23 001 003"].id)
    ]


def test_a_corrected_decision_date_moves_its_recommendations_deadlines(
    app, runner, leics, build, tmp_path
) -> None:
    """A case with recommendations is corrected in the same file as cases without."""
    reference = build.case(
        "LEICS",
        reference="23 005 001",
        decided=date(2023, 6, 5),
        recommendations=[("Apologise to Mrs X within one month.", "personal")],
        category="Education",
        subcategory="Special educational needs",
    )
    run_import(runner, csv_file(tmp_path, *GOOD))
    first = events(app)
    corrected = [
        GOOD[1].replace("Highways", "Highways and transport"),
        f"{reference},LEICS,Education,Special educational needs,2023-07-05,upheld,false,false,,",
    ]
    result = run_import(runner, csv_file(tmp_path, *corrected, name="corrected.csv"))
    assert result.output == "Created 0, updated 2, unchanged 0, rejected 0.\n", result.output
    actions = sorted(action for action, *_ in trail(app, first))
    assert actions == ["case.updated", "case.updated", "recommendation.redated"]
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        assert case.recommendations[0].due_date == date(2023, 8, 5)
        assert case.version == 2


def test_the_contract_s_columns_alone_are_enough(app, runner, leics, tmp_path) -> None:
    row = "23 004 001,LEICS,Education,,2023-06-05,upheld,false,satisfied,2023-08-01"
    result = run_import(runner, csv_file(tmp_path, row, header=CONTRACT_HEADER))
    assert result.output == "Created 1, updated 0, unchanged 0, rejected 0.\n", result.output
    case = cases(app)["23 004 001"]
    assert case.public_report is False
    assert case.compliance_outcome is ComplianceOutcome.SATISFIED


def test_columns_left_out_keep_what_a_case_has(app, runner, leics, tmp_path) -> None:
    run_import(runner, csv_file(tmp_path, GOOD[0]))
    header = "reference,authority,category,subcategory,decision_date,outcome,satisfactory_remedy"
    row = "23 001 001,LEICS,Education,Transport,2023-06-05,upheld,true"
    result = run_import(runner, csv_file(tmp_path, row, header=header, name="less.csv"))
    assert result.output == "Created 0, updated 1, unchanged 0, rejected 0.\n", result.output
    case = cases(app)["23 001 001"]
    assert case.subcategory == "Transport"
    assert case.compliance_outcome is ComplianceOutcome.SATISFIED  # kept


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"reference,authority\r\n", "missing: category, subcategory"),
        (HEADER.encode() + b",council_name\r\n", "not recognised: council_name"),
        (HEADER.replace("public_report", "outcome").encode() + b"\r\n", "twice: outcome"),
        ("\N{POUND SIGN}".encode("latin-1") + b"," + HEADER.encode(), "must be UTF-8 text"),
        (HEADER.encode() + b'\r\n"23 001 001,LEICS\x00', "NUL characters"),
    ],
)
def test_a_file_that_cannot_be_read_imports_nothing(
    app, runner, leics, tmp_path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content + b"\r\n" + GOOD[0].encode())
    result = run_import(runner, path)
    assert result.exit_code == 1
    assert message in result.output and "Nothing was imported" in result.output
    assert cases(app) == {} and events(app, "case.created") == 0


def test_a_file_with_a_byte_order_mark_is_read(app, runner, leics, tmp_path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeff".encode() + f"{HEADER}\r\n{GOOD[1]}\r\n".encode())
    assert run_import(runner, path).output == "Created 1, updated 0, unchanged 0, rejected 0.\n"


@pytest.mark.skipif(USING_POSTGRES, reason="the write-ahead log beside the file is SQLite's")
def test_the_command_s_process_closes_the_database_when_it_ends(app, leics, tmp_path) -> None:
    """`flask import cases` as its own process: the import is in the database, and SQLite's
    write-ahead log is folded in and gone once the process has ended (its connection
    closed), as after any other command."""
    path = csv_file(tmp_path, *GOOD)
    database = Path(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    with app.app_context():
        db.engine.dispose()  # the test's own connection would keep the log open
    environment = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": f"sqlite:///{database}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "import", "cases", str(path)],
        cwd=Path(__file__).parents[1],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == "Created 3, updated 0, unchanged 0, rejected 0.\n"
    assert not database.with_name(f"{database.name}-wal").exists()
    assert len(cases(app)) == 3


def test_a_missing_file_is_a_clear_error(runner, tmp_path) -> None:
    result = run_import(runner, tmp_path / "nowhere.csv")
    assert result.exit_code != 0 and "nowhere.csv" in result.output


def test_an_oversized_file_is_refused_whole(app, leics, monkeypatch) -> None:
    monkeypatch.setattr("tracker.services.import_file.MAX_IMPORT_BYTES", 100)
    content = f"{HEADER}\r\n{GOOD[0]}\r\n".encode()
    with app.app_context(), pytest.raises(imports.ImportFileError, match="larger than"):
        imports.import_cases(
            db.session,
            content,
            actor=None,
            now=datetime(2026, 11, 23, 12, tzinfo=UTC),
            today=date(2026, 11, 23),
            rules=DEFAULT_RULES,
        )


def test_cases_imported_count_in_the_statistics(app, runner, leics, tmp_path) -> None:
    from tracker.plumbing.years import FinancialYear
    from tracker.services.statistics import authority_figures

    run_import(runner, csv_file(tmp_path, *GOOD))
    with app.app_context():
        from tracker.services.authorities import find_authority

        authority = find_authority(db.session, "LEICS")
        figures = authority_figures(db.session, authority, FinancialYear(2023))
    assert figures.counts.investigated == 2  # upheld and not upheld
    assert figures.counts.upheld == 1 and figures.counts.compliance_outcomes == 1


# The page ------------------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "cases.csv"):
    return client.post(
        "/imports/cases",
        data={
            "csrf_token": csrf_token(client, "/imports/cases"),
            "file": (io.BytesIO(content), name),
        },
        content_type="multipart/form-data",
    )


@pytest.fixture
def manager(client, build, leics) -> str:
    email = build.user("manager")
    sign_in(client, email)
    return email


def test_a_manager_imports_a_file_on_the_page(app, client, manager) -> None:
    page = client.get("/imports/cases")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Import earlier years’ cases" in html and 'enctype="multipart/form-data"' in html
    bad = "23 009 009,LEICS,Education,,2023-06-31,upheld,false,false,,"
    response = upload(client, "\r\n".join([HEADER, *GOOD, bad]).encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Import finished, with rows rejected" in html
    assert "Decision date must be a real date written YYYY-MM-DD" in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">5</td>' in html
    assert len(cases(app)) == 3
    with app.app_context():
        actors = db.session.scalars(
            sa.select(AuditEvent.actor_id).where(AuditEvent.action == "case.created")
        ).all()
    assert len(actors) == 3 and None not in actors  # on record as the manager's


def test_the_page_says_when_the_file_cannot_be_read(app, client, manager) -> None:
    response = upload(client, b"name,code\r\nLeicestershire,LEICS\r\n")
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "missing: reference" in html
    assert "Nothing was imported" in html
    assert cases(app) == {}


def test_the_page_asks_for_a_file(client, manager) -> None:
    response = client.post(
        "/imports/cases", data={"csrf_token": csrf_token(client, "/imports/cases")}
    )
    assert "Choose the CSV file to import" in response.get_data(as_text=True)


def test_the_page_needs_its_csrf_token(app, client, manager) -> None:
    response = client.post(
        "/imports/cases",
        data={"file": (io.BytesIO("\r\n".join([HEADER, *GOOD]).encode()), "cases.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert cases(app) == {}


@pytest.mark.parametrize("role", ["caseworker", "officer", "admin"])
def test_only_managers_import(app, client, build, leics, role: str) -> None:
    email = build.user(role, authority="LEICS" if role == "officer" else None)
    sign_in(client, email)
    assert client.get("/imports/cases").status_code == 403
    assert "/imports/cases" not in client.get("/").get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client) -> None:
    response = client.get("/imports/cases")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_managers_find_the_page_in_the_navigation(client, manager) -> None:
    assert 'href="/imports/cases"' in client.get("/").get_data(as_text=True)
