"""GET /health: each dependency "ok" or a short reason; 503 when the database or the
evidence store cannot be used; no sign-in, no data revealed."""

from __future__ import annotations

from datetime import timedelta

from tracker import create_app, scheduler
from tracker.plumbing import clock
from tracker.plumbing.storage import LocalStore


def test_a_healthy_service_answers_ok_for_each_dependency(app, client) -> None:
    scheduler.daily_jobs(app)
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "checks": {"database": "ok", "evidence_store": "ok", "scheduler": "ok"},
    }
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers  # no session made for a monitor


def test_a_scheduler_that_never_ran_or_is_late_is_shown_but_the_service_stays_up(
    app, client
) -> None:
    assert client.get("/health").json["checks"]["scheduler"] == "never run"
    scheduler.daily_jobs(app, now=clock.now() - timedelta(hours=2, minutes=1))
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json["checks"]["scheduler"] == "late"
    scheduler.daily_jobs(app, now=clock.now() - timedelta(hours=1, minutes=59))
    assert client.get("/health").json["checks"]["scheduler"] == "ok"


def test_an_evidence_store_that_cannot_be_used_fails_the_check(app, client, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["EVIDENCE_DIR"] = str(blocker / "evidence")
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json["status"] == "fail"
    assert response.json["checks"]["evidence_store"] == "evidence folder cannot be created"
    assert response.json["checks"]["database"] == "ok"
    assert str(tmp_path) not in response.get_data(as_text=True)  # no path revealed


def test_the_local_store_names_its_problem_or_none(tmp_path) -> None:
    assert LocalStore(tmp_path / "new" / "evidence", 10).problem() is None  # made when missing
    assert (tmp_path / "new" / "evidence").is_dir()
    (tmp_path / "file").write_text("x")
    assert LocalStore(tmp_path / "file", 10).problem() == "evidence folder cannot be created"


def test_a_database_that_cannot_be_reached_fails_the_check(tmp_path) -> None:
    app = create_app(
        {
            "TESTING": True,
            # Nothing listens on port 1: the connection is refused at once.
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "EVIDENCE_DIR": str(tmp_path / "evidence"),
        }
    )
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json == {
        "status": "fail",
        "checks": {
            "database": "unreachable",
            "evidence_store": "ok",
            "scheduler": "unknown (no database)",
        },
    }
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_a_configured_scanner_is_checked_and_its_address_never_shown(
    app, client, clamd, tmp_path
) -> None:
    scheduler.daily_jobs(app)
    app.config["CLAMD_URL"] = clamd.tcp_url
    assert client.get("/health").json["checks"]["virus_scanner"] == "ok"
    app.config["CLAMD_URL"] = f"unix://{tmp_path / 'no-clamd.ctl'}"
    response = client.get("/health")
    assert response.status_code == 200  # scanning down refuses uploads, not the service
    assert response.json == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "evidence_store": "ok",
            "virus_scanner": "not answering",
            "scheduler": "ok",
        },
    }
    assert str(tmp_path) not in response.get_data(as_text=True)
