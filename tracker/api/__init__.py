"""The JSON API (/api/v1): token-authenticated, same permission rules as the pages."""

from __future__ import annotations

from flask import Flask, g, request
from flask.typing import ResponseReturnValue
from flask_smorest import Api, Blueprint

from tracker import clock
from tracker.api.schemas import ErrorSchema
from tracker.errors import json_error
from tracker.extensions import csrf, db
from tracker.limits import api_limit
from tracker.services import accounts
from tracker.services.errors import ConflictError, StateError, ValidationError

API_PREFIX = "/api/v1"
PUBLIC_PATHS = {f"{API_PREFIX}/openapi.json"}


class TrackerApi(Api):
    """flask-smorest's Api, answering errors in our own JSON shape (see tracker.errors)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """Leave error handling to tracker.errors, which also serves the HTML pages."""


SPEC = {
    "info": {"description": "Track Ombudsman remedies from final decision to compliance."},
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
}


def api_blueprint(name: str, description: str) -> Blueprint:
    """A blueprint for /api/v1/<path>, answering the services' errors in the API's shape."""
    blueprint = Blueprint(
        name, __name__, url_prefix=f"{API_PREFIX}/{name.lower()}", description=description
    )
    blueprint.register_error_handler(ValidationError, _validation_error)
    blueprint.register_error_handler(ConflictError, _conflict)
    blueprint.register_error_handler(StateError, _conflict)
    return blueprint


def init_api(app: Flask) -> None:
    """Register the API's blueprints, its token check and its error answers."""
    from tracker.api import authorities, cases, recommendations

    api = TrackerApi(app, spec_kwargs=SPEC)
    for module in (authorities, cases, recommendations):
        csrf.exempt(module.blp)  # tokens, not cookies: no cross-site forgery to guard against
        api_limit(module.blp)  # one count per token across the whole API
        api.register_blueprint(module.blp)
    app.before_request(_authenticate)


def _authenticate() -> ResponseReturnValue | None:
    """Every API call but the OpenAPI document needs `Authorization: Bearer TOKEN`."""
    if not request.path.startswith(f"{API_PREFIX}/") or request.path in PUBLIC_PATHS:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return json_error(401, "Send your API token as 'Authorization: Bearer TOKEN'.")
    user = accounts.user_for_token(db.session, token.strip(), now=clock.now())
    if user is None:
        return json_error(401, "The API token is not valid, or has been revoked.")
    if db.session.dirty:
        db.session.commit()  # the token's last use
    g.api_user = user
    return None


def _validation_error(error: ValidationError) -> ResponseReturnValue:
    return json_error(422, "The request is not valid.", error.fields)


def _conflict(error: ConflictError | StateError) -> ResponseReturnValue:
    code = "conflict" if isinstance(error, ConflictError) else "invalid_state"
    return json_error(409, error.message, code=code)
