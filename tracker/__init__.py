"""Remedy Tracker: Ombudsman remedies tracked from final decision to compliance."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, TestConfig

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; keys in `config` override every other setting."""
    # Tests keep their instance folder (database, secret key) out of the working tree.
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    app = Flask(
        __name__, template_folder=str(PROJECT_ROOT / "templates"), instance_path=instance_path
    )
    app.config.from_object(TestConfig if config and config.get("TESTING") else Config)
    if config:
        app.config.update(config)

    from tracker.plumbing import settings

    settings.complete(app)
    if not app.testing:
        from tracker.plumbing import logs

        logs.configure()
    if app.config["BEHIND_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    _register_extensions(app)
    _register_blueprints(app)
    _register_web(app)
    _register_cli(app)
    return app


def _register_extensions(app: Flask) -> None:
    from tracker.extensions import csrf, db, limiter, login_manager, wtforms_helpers
    from tracker.plumbing import migrations
    from tracker.plumbing.database import configure_engine

    db.init_app(app)
    migrations.init_app(app)
    login_manager.init_app(app)
    # Before the other request hooks: a limited request is refused before anything is read.
    limiter.init_app(app)
    csrf.init_app(app)
    wtforms_helpers.init_app(app)
    with app.app_context():
        configure_engine(db.engine)


def _register_blueprints(app: Flask) -> None:
    from tracker.account.routes import bp as account_bp
    from tracker.api import init_api
    from tracker.auth.reset import bp as passwords_bp
    from tracker.auth.routes import bp as auth_bp
    from tracker.authorities.routes import bp as authorities_bp
    from tracker.cases.routes import bp as cases_bp
    from tracker.evidence.routes import bp as evidence_bp
    from tracker.home.routes import bp as home_bp
    from tracker.imports.routes import bp as imports_bp
    from tracker.letters.escalation import bp as escalation_letters_bp
    from tracker.letters.routes import bp as letters_bp
    from tracker.notifications.routes import bp as notifications_bp
    from tracker.operations.routes import bp as operations_bp
    from tracker.public.routes import bp as public_bp
    from tracker.recommendations.routes import bp as recommendations_bp
    from tracker.stats.routes import bp as stats_bp
    from tracker.users.routes import bp as users_bp
    from tracker.web import RecordIdConverter

    app.url_map.converters["int"] = RecordIdConverter  # before any route is added
    for blueprint in (
        auth_bp,
        passwords_bp,
        account_bp,
        home_bp,
        authorities_bp,
        cases_bp,
        recommendations_bp,
        evidence_bp,
        users_bp,
        notifications_bp,
        stats_bp,
        public_bp,
        letters_bp,
        escalation_letters_bp,
        imports_bp,
        operations_bp,
    ):
        app.register_blueprint(blueprint)
    init_api(app)


def _register_web(app: Flask) -> None:
    from tracker import web
    from tracker.web import http_errors, request_log, unit_of_work

    web.init_app(app)
    request_log.init_app(app)  # after web: its hook goes first of all
    http_errors.init_app(app)
    unit_of_work.init_app(app)


def _register_cli(app: Flask) -> None:
    from tracker.cli import scheduler_command, sweep_command, users_cli
    from tracker.demo import demo_command
    from tracker.evidence.cli import evidence_cli
    from tracker.imports.cli import import_cli
    from tracker.recommendations.cli import deadlines_cli

    for command in (
        users_cli,
        demo_command,
        sweep_command,
        scheduler_command,
        import_cli,
        evidence_cli,
        deadlines_cli,
    ):
        app.cli.add_command(command)
