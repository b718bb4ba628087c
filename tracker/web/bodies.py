"""Request bodies: how large each may be and where its file parts go, decided before the
first byte of the body is read, whatever reads it first (CSRF's check reads the form).

Only a view marked with `accepts_files`, called by a signed-in person it allows, may take a
large body, and only its file parts stream to disk (the evidence store's incoming/). Every
other request is held to MAX_CONTENT_LENGTH (1 MB), refused by its length before it is
read, and any small file part it carries stays in memory.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any, Literal, NamedTuple, TypeVar

from flask import Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from tracker.models import User
from tracker.plumbing.storage import DiscardedFile, HashingFile, store_for
from tracker.web import access
from tracker.web.http_errors import is_api_request

F = TypeVar("F", bound=Callable[..., Any])


class FileUploads(NamedTuple):
    """What a view that takes files accepts from a caller it allows."""

    allows: Callable[..., bool]  # (user, **view_args): may this caller send files here?
    file_limit: Callable[[], int]  # the most bytes one file may have
    max_files: int  # files kept from one request; more are counted, then refused by the view


def accepts_files(
    allows: Callable[..., bool], *, file_limit: Callable[[], int], max_files: int
) -> Callable[[F], F]:
    """Mark a view that takes files. Only for a signed-in caller that `allows(user,
    **view_args)` may the body be larger than MAX_CONTENT_LENGTH (up to `max_files` files of
    `file_limit()` bytes, and the form) and file parts stream to the evidence store; everyone
    else gets the limit of every other view, then the view's usual answer."""

    def mark(view: F) -> F:
        view.accepts_files = FileUploads(allows, file_limit, max_files)  # type: ignore[attr-defined]
        return view

    return mark


class TrackerRequest(Request):
    """A request whose body limit and file parts depend on who may upload what, decided
    before the first byte of the body is read, whatever reads it first."""

    _uploads: FileUploads | Literal[False] | None = False  # False: not decided yet
    _streams: list[HashingFile]

    @property
    def max_content_length(self) -> int | None:
        """The upload limit for a caller the view allows; MAX_CONTENT_LENGTH for all else."""
        if self._max_content_length is not None or not current_app:
            return super().max_content_length
        uploads = self.allowed_uploads()
        if uploads is None:
            return current_app.config["MAX_CONTENT_LENGTH"]  # type: ignore[no-any-return]
        form = current_app.config["MAX_CONTENT_LENGTH"]
        return uploads.max_files * uploads.file_limit() + form  # type: ignore[no-any-return]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def allowed_uploads(self) -> FileUploads | None:
        """What this request may upload: its view's files if the caller is signed in and the
        view allows them, else nothing. Decided once, from the address and headers only."""
        if self._uploads is False:
            self._uploads = _allowed_uploads(self)
        return self._uploads

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        uploads = self.allowed_uploads()
        if uploads is None:
            return io.BytesIO()  # within the small body limit: memory, never the disk
        streams = self.__dict__.setdefault("_streams", [])
        if not filename or len(streams) >= uploads.max_files:
            return DiscardedFile()
        stream = store_for(current_app.config).incoming(uploads.file_limit())
        streams.append(stream)  # closed (deleted) with the request, even if parsing failed
        return stream  # type: ignore[return-value]

    def close(self) -> None:
        """Close the request's files, including any a failed parse did not hand over."""
        super().close()
        for stream in self.__dict__.get("_streams", []):
            stream.close()


def _allowed_uploads(request: Request) -> FileUploads | None:
    rule = request.url_rule
    if rule is None or request.method in {"GET", "HEAD", "OPTIONS"}:
        return None
    uploads = getattr(current_app.view_functions.get(rule.endpoint), "accepts_files", None)
    if uploads is None:
        return None
    user = _caller()
    if user is None or not uploads.allows(user, **(request.view_args or {})):
        return None
    return uploads  # type: ignore[no-any-return]


def _caller() -> User | None:
    """Who is asking: the API token's owner in the API, else the signed-in person."""
    if is_api_request():
        from tracker.api import token_user  # the API imports this module

        return token_user()
    return access.current_actor()


def refuse_large_bodies() -> None:
    """413 for a body over the request's limit, said by its length before a byte is read (a
    chunked body is stopped at the limit as it is read)."""
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
