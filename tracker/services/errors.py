"""Errors the services raise; pages and the API turn them into messages and status codes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError


class DomainError(Exception):
    """Something the rules do not allow; `message` is fit to show to the person acting."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Input that breaks the rules, with a message per field (`recommendations.0.text`)."""

    def __init__(self, fields: Mapping[str, str], message: str = "The input is not valid") -> None:
        super().__init__(message)
        self.fields = dict(fields)


class FileTooLarge(ValidationError):
    """A file over the size limit: a form error on a page, 413 in the API."""


class Infected(ValidationError):
    """A file the virus scanner found a virus in: a form error on a page, 422 `infected` in
    the API. Nothing of the submission is kept."""

    def __init__(self, field: str, file_name: str, signature: str) -> None:
        message = f"“{file_name}” contains a virus ({signature}) and was not kept"
        super().__init__({field: message}, f"{message}.")
        self.signature = signature


class ConflictError(DomainError):
    """The record changed since the person looked at it."""


class StateError(DomainError):
    """The action does not fit where the record stands (reviewing a closed recommendation)."""


class SignInRefused(DomainError):
    """Wrong e-mail or password, or too many attempts."""


class Unavailable(Exception):
    """Something the service depends on is down or too slow, so nothing could be done: 503 on
    a page and in the API. Not a refusal of the input: the same request may succeed later."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ScannerUnavailable(Unavailable):
    """The virus scanner could not be reached or gave no verdict in time: the files are not
    kept unscanned. `reason` says what went wrong, for operators."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            "The virus scanner is not available, so your files were not kept. "
            "Try again in a few minutes."
        )
        self.reason = reason


@contextmanager
def stale_as_conflict(message: str) -> Iterator[None]:
    """Turn a lost race (a concurrent change got there first) into a ConflictError."""
    try:
        yield
    except (StaleDataError, IntegrityError) as error:
        raise ConflictError(message) from error
