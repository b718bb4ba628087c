"""What every page shares: templates, formatting, the signed-in user, text that cannot be
stored, and security headers (request bodies: `tracker.web.bodies`)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, abort, current_app, g, request
from flask.typing import ResponseReturnValue
from flask.wrappers import Response
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from markupsafe import Markup, escape
from werkzeug.routing import IntegerConverter

from tracker.auth.signing_in import session_limits
from tracker.extensions import db, login_manager
from tracker.models import User
from tracker.plumbing import clock, filetypes
from tracker.plumbing.formats import long_date, long_datetime, short_date
from tracker.plumbing.storage import EvidenceStore, store_for
from tracker.services import sessions
from tracker.web import access, unit_of_work
from tracker.web.bodies import TrackerRequest, refuse_large_bodies
from tracker.web.forms import error_summary
from tracker.web.http_errors import is_api_request, json_error
from tracker.web.json_provider import TrackerJSONProvider

SERVICE_NAME = "Remedy Tracker"


class RecordIdConverter(IntegerConverter):
    """`<int:…>` in every route stops at the largest whole number the database stores
    (PostgreSQL's `integer`): a huge number in an address is "not found", not a 500."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def evidence_store() -> EvidenceStore:
    """The evidence store of the running application."""
    return store_for(current_app.config)


def init_app(app: Flask) -> None:
    """Wire templates, sign-in loading and response headers into the application."""
    app.request_class = TrackerRequest
    app.json = TrackerJSONProvider(app)
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder or "templates"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.filters["long_datetime"] = long_datetime
    app.jinja_env.filters["highlight"] = highlight
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.filters["file_type"] = lambda content_type: filetypes.LABELS.get(
        content_type, content_type
    )
    app.jinja_env.globals["service_name"] = SERVICE_NAME
    app.jinja_env.globals["error_summary"] = error_summary
    app.jinja_env.globals["can"] = access.can
    app.jinja_env.globals["Permission"] = access.Permission

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)

    # First of all, before CSRF or the API's token check answer anything: a body larger than
    # this request may send is refused by its Content-Length, unread.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_large_bodies)
    app.before_request(_make_nonce)
    app.before_request(_refuse_text_that_cannot_be_stored)
    app.before_request(_note_session_use)
    app.context_processor(lambda: {"cspNonce": g.get("csp_nonce", "")})
    app.after_request(_security_headers)


def load_user(token: str) -> User | None:
    """The person of the live server-side session whose token the cookie carries, if any."""
    record = sessions.find_live(db.session, token, now=clock.now(), limits=session_limits())
    return record.user.signed_in_with(token) if record is not None else None


def _note_session_use() -> None:
    """Load the signed-in person before the view runs, and save the session's last use now
    (at most once a minute), so that no view's own transaction ever carries it."""
    if request.endpoint == "static" or is_api_request() or unit_of_work.is_exempt(request.endpoint):
        return
    if current_user.is_authenticated:
        unit_of_work.save_early()


def file_size(size: int) -> str:
    """`340 KB`, `1.2 MB`: decimal units, as the upload limit is written."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def highlight(text: str, phrases: Iterable[str]) -> Markup:
    """`text`, escaped, with each of `phrases` marked where it first appears."""
    spans: list[tuple[int, int]] = []
    for phrase in phrases:
        start = text.find(phrase) if phrase else -1
        if start >= 0 and not any(a < start + len(phrase) and start < b for a, b in spans):
            spans.append((start, start + len(phrase)))
    marked, position = Markup(""), 0
    for start, end in sorted(spans):
        marked += escape(text[position:start])
        marked += Markup('<mark class="app-deadline">{}</mark>').format(text[start:end])
        position = end
    return marked + escape(text[position:])


def _refuse_text_that_cannot_be_stored() -> ResponseReturnValue | None:
    """No text gets in that a database cannot store and no person types: a NUL character
    (PostgreSQL refuses it) or text that is not valid Unicode (an unpaired surrogate, which
    JSON can carry as `\\ud800`; UTF-8 cannot encode it). In the API it is a 422 naming the
    field; on a page, a 400; in an address, 404."""
    if any(_problem(str(value)) for value in (request.view_args or {}).values()):
        abort(404)
    fields = {
        name: problem
        for name, value in (
            *request.args.items(multi=True),
            *request.form.items(multi=True),
            *((name, upload.filename or "") for name, upload in request.files.items(multi=True)),
            *_strings(request.get_json(silent=True) if request.is_json else None),
        )
        if (problem := _problem(name) or _problem(value))
    }
    if not fields:
        return None
    if is_api_request():
        return json_error(422, "The request is not valid.", fields)
    abort(400, "The form contained characters that cannot be stored (NUL, or not Unicode).")


def _problem(text: str) -> str | None:
    """What makes `text` impossible to store, if anything."""
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode text (it has an unpaired surrogate)"
    return None


def _strings(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(field, text) for every string in a JSON document, keys too (`recommendations.0.text`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}{key}"
            yield name, str(key)
            yield from _strings(item, f"{name}.")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}{index}.")
    elif isinstance(value, str):
        yield path.rstrip("."), value


def _make_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def _security_headers(response: Response) -> Response:
    nonce = g.get("csp_nonce", "")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if is_api_request() or response.mimetype == "text/html":
        # Pages show casework: never keep them in shared or back-button caches.
        response.headers.setdefault("Cache-Control", "no-store")
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
