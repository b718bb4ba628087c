"""Error responses: JSON in the API, GOV.UK pages everywhere else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from tracker.extensions import db
from tracker.plumbing.storage import StorageUnavailable
from tracker.services.errors import Unavailable
from tracker.services.sign_in import describe_wait
from tracker.web.limits import retry_after

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}

API_MESSAGES = {
    401: "Send a valid API token as 'Authorization: Bearer TOKEN'.",
    403: "Your role does not allow this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    410: "This file is no longer in the store.",
    413: "The upload is larger than the limit.",
    429: "Too many requests. Wait and try again (see the Retry-After header).",
    500: "Something went wrong on our side. The change was not saved.",
    503: "A service this needs cannot be reached just now. Nothing was saved: try again later.",
}

PAGE_TEMPLATES = {400, 403, 404, 410, 413, 429, 500, 503}


def init_app(app: Flask) -> None:
    """Answer every HTTP error in the form the caller asked for."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(StorageUnavailable, _unavailable)
    # Unexpected exceptions reach this as a 500; the unfinished transaction is rolled back
    # when Flask-SQLAlchemy removes the session at the end of the request.
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Unavailable, _unavailable)


def is_api_request() -> bool:
    """Whether the request is for the JSON API: the one test of it, for errors, security
    headers, the session's last use and the upload limits alike."""
    return request.path.startswith("/api/")


def json_error(
    status: int,
    message: str,
    fields: dict[str, Any] | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> ResponseReturnValue:
    """The API's error body: {"error": {"code", "message", "fields"}}."""
    body = {
        "code": code or ERROR_CODES.get(status, "error"),
        "message": message,
        "fields": fields or {},
    }
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return jsonify(error=body), status, headers


def error_answer(status: int, message: str | None = None) -> ResponseReturnValue:
    """An error answered by a view itself (not raised, so that its unit of work may still
    keep what it recorded): JSON in the API, the status's page elsewhere."""
    if is_api_request():
        return json_error(status, message or API_MESSAGES.get(status, "Error."))
    return render_template(f"errors/{status}.html", message=message), status


def _http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    if status == 429:
        return _too_many_requests(error)
    if status >= 500:
        # Whatever failed may have left the transaction unusable; the error page (its
        # navigation asks the database who is signed in) must still show.
        db.session.rollback()
    if is_api_request():
        data = getattr(error, "data", None) or {}
        fields = _flatten(data.get("messages") or data.get("errors") or {})
        custom = error.description != type(error).description  # said by our own code
        message = data.get("message") or (
            "The request is not valid."
            if fields
            else error.description
            if custom
            else API_MESSAGES.get(status, error.description)
        )
        # The error's own headers still apply to the JSON answer: a 405's `Allow` above all.
        headers = {
            name: value for name, value in error.get_headers() if name.lower() != "content-type"
        }
        return json_error(status, message, fields, headers=headers)
    if status not in PAGE_TEMPLATES:
        return error
    return render_template(f"errors/{status}.html", error=error), status


def _unavailable(error: Unavailable | StorageUnavailable) -> ResponseReturnValue:
    """A service we depend on (the virus scanner, the evidence store) is down: 503, page or
    JSON, saying so; the request saved nothing."""
    return _http_error(ServiceUnavailable(error.message, retry_after=60))


def _too_many_requests(error: HTTPException) -> ResponseReturnValue:
    """A rate limit was reached: say when to come back, in the header and in words."""
    seconds = retry_after()
    headers = {"Retry-After": str(seconds)} if seconds else {}
    if is_api_request():
        response = make_response(json_error(429, API_MESSAGES[429]))
    else:
        wait = describe_wait(timedelta(seconds=seconds)) if seconds else "a few minutes"
        response = make_response(render_template("errors/429.html", wait=wait), 429)
    response.headers.update(headers)
    return response


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    return render_template("errors/csrf.html", error=error), 400


# webargs' locations, and the API's own (tracker.api.parsing.FORM_AND_FILES).
LOCATIONS = {"json", "query", "files", "form", "form_and_files", "view_args", "headers", "cookies"}


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """webargs nests messages by location and field; the API names fields `a.0.b`."""
    if isinstance(messages, dict):
        flat: dict[str, str] = {}
        for key, value in messages.items():
            # The location level (json, query, …) is not part of the field's name.
            flat.update(
                _flatten(value, prefix if not prefix and key in LOCATIONS else f"{prefix}{key}.")
            )
        return flat
    if isinstance(messages, list) and not all(isinstance(item, str) for item in messages):
        flat = {}
        for index, item in enumerate(messages):
            flat.update(_flatten(item, f"{prefix}{index}."))
        return flat
    text = " ".join(messages) if isinstance(messages, list) else str(messages)
    return {prefix.rstrip(".") or "_schema": text}
