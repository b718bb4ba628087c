"""The JSON API (/api/v1): token-authenticated, same permission rules as the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from flask import Flask, g, request
from flask.typing import ResponseReturnValue
from flask_smorest import Api, Blueprint

from tracker.api.parsing import FORM_AND_FILES, ArgumentsParser
from tracker.api.schemas import ErrorSchema
from tracker.extensions import csrf, db
from tracker.models import User
from tracker.plumbing import clock
from tracker.services import accounts
from tracker.services.errors import (
    ConflictError,
    FileTooLarge,
    Infected,
    StateError,
    ValidationError,
)
from tracker.web import unit_of_work
from tracker.web.http_errors import json_error
from tracker.web.limits import api_limit

API_PREFIX = "/api/v1"
PUBLIC_PATHS = {f"{API_PREFIX}/openapi.json"}


View = TypeVar("View", bound=Callable[..., Any])

# Every error answer an operation can give, documented once (each operation says which apply).
ERROR_ANSWERS: dict[int, tuple[str, str]] = {
    400: ("BadJson", "The body is not JSON that can be read: malformed, or nested too deep."),
    401: ("Unauthorised", "No valid API token: send `Authorization: Bearer TOKEN`."),
    403: ("Forbidden", "Your role does not allow this."),
    404: (
        "NotFound",
        "No such record, or (to a council officer) one of another council, exactly alike.",
    ),
    409: (
        "Conflict",
        "The record changed since the `version` you sent, or where it stands does not allow "
        "this (for example, no evidence awaits review).",
    ),
    410: (
        "Gone",
        "The evidence record exists but its file is no longer in the store (recorded in the "
        "audit trail for an administrator).",
    ),
    413: ("TooLarge", "The request, or a file in it, is larger than the limit."),
    422: (
        "Invalid",
        "A value is not valid; `fields` names each one with what is wrong. Text with a NUL "
        "character, or that is not valid Unicode (an unpaired surrogate such as `\\ud800`), "
        "is refused this way too. A file with a virus in it answers code `infected`.",
    ),
    429: (
        "TooManyRequests",
        "Too many requests with this token (RATELIMIT_API): `Retry-After` says how many "
        "seconds to wait.",
    ),
    503: (
        "Unavailable",
        "A service this needs (the virus scanner, the evidence store) is down or too slow: "
        "nothing was saved. "
        "Try again later (`Retry-After` says when).",
    ),
}

SPEC = {
    "info": {
        "description": (
            "Track Ombudsman remedies from final decision to compliance.\n\n"
            "Every call but this document needs `Authorization: Bearer TOKEN`. Errors are "
            '`{"error": {"code", "message", "fields"}}` with the status each operation lists. '
            "Text is stored as sent, so text that cannot be stored is refused (422, naming the "
            "field): a NUL character (each text field's `pattern` says so) or text that is not "
            "valid Unicode. JSON nested more than 64 levels deep is refused (400). A method a "
            "path does not list answers 405 with an `Allow` header."
        )
    },
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
}


class TrackerApi(Api):
    """flask-smorest's Api, answering errors in our own JSON shape (see tracker.web.http_errors)."""

    ERROR_SCHEMA = ErrorSchema
    # Each operation lists the errors it can give (TrackerBlueprint.answers), not a catch-all.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        """Leave error handling to tracker.web.http_errors, which also serves the HTML pages."""


class TrackerBlueprint(Blueprint):
    """flask-smorest's Blueprint reading arguments with our parser; `form_and_files` is one
    multipart/form-data request body."""

    ARGUMENTS_PARSER = ArgumentsParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING: ClassVar[dict[str, str]] = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        FORM_AND_FILES: "multipart/form-data",
    }

    def answers(self, *statuses: int) -> Callable[[View], View]:
        """Document the error answers (ERROR_ANSWERS) that the operation can give; every
        operation is rate limited per token, so each can also answer 429."""

        def decorator(view: View) -> View:
            for status in (*statuses, 429):
                view = self.alt_response(status, response=ERROR_ANSWERS[status][0])(view)
            return view

        return decorator


def api_blueprint(name: str, description: str) -> TrackerBlueprint:
    """A blueprint for /api/v1/<path>, answering the services' errors in the API's shape."""
    blueprint = TrackerBlueprint(
        name, __name__, url_prefix=f"{API_PREFIX}/{name.lower()}", description=description
    )
    blueprint.register_error_handler(ValidationError, _validation_error)
    blueprint.register_error_handler(FileTooLarge, _too_large)
    blueprint.register_error_handler(Infected, _infected)
    blueprint.register_error_handler(ConflictError, _conflict)
    blueprint.register_error_handler(StateError, _conflict)
    return blueprint


def init_api(app: Flask) -> None:
    """Register the API's blueprints, its token check and its error answers."""
    from tracker.api import authorities, cases, evidence, recommendations

    api = TrackerApi(app, spec_kwargs=SPEC)
    for name, description in ERROR_ANSWERS.values():
        answer: dict[str, Any] = {
            "description": description,
            "content": {"application/json": {"schema": ErrorSchema}},
        }
        if name == "Unauthorised":
            answer["headers"] = {
                "WWW-Authenticate": {"schema": {"type": "string"}, "example": 'Bearer realm="api"'}
            }
        if name in ("TooManyRequests", "Unavailable"):
            answer["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "example": 60}}
        api.spec.components.response(name, answer)
    for module in (authorities, cases, recommendations, evidence):
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
    user = token_user()
    if user is None:
        return json_error(401, "The API token is not valid, or has been revoked.")
    unit_of_work.save_early()  # the token's last use
    g.api_user = user
    return None


def token_user() -> User | None:
    """The owner of the request's bearer token, looked up once a request; None if there is
    no valid token. The upload limit asks before `_authenticate` may have run."""
    if "token_user" not in g:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        valid = scheme.lower() == "bearer" and token.strip()
        g.token_user = (
            accounts.user_for_token(db.session, token.strip(), now=clock.now()) if valid else None
        )
    return g.token_user  # type: ignore[no-any-return]


def _validation_error(error: ValidationError) -> ResponseReturnValue:
    return json_error(422, "The request is not valid.", error.fields)


def _infected(error: Infected) -> ResponseReturnValue:
    return json_error(422, error.message, error.fields, code="infected")


def _too_large(error: FileTooLarge) -> ResponseReturnValue:
    return json_error(413, error.message, error.fields)


def _conflict(error: ConflictError | StateError) -> ResponseReturnValue:
    code = "conflict" if isinstance(error, ConflictError) else "invalid_state"
    return json_error(409, error.message, code=code)
