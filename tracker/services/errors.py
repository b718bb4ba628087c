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


class ConflictError(DomainError):
    """The record changed since the person looked at it."""


class StateError(DomainError):
    """The action does not fit where the record stands (reviewing a closed recommendation)."""


class SignInRefused(DomainError):
    """Wrong e-mail or password, or too many attempts."""


@contextmanager
def stale_as_conflict(message: str) -> Iterator[None]:
    """Turn a lost race (a concurrent change got there first) into a ConflictError."""
    try:
        yield
    except (StaleDataError, IntegrityError) as error:
        raise ConflictError(message) from error


class StorageUnavailable(DomainError):
    """The evidence store cannot be used just now (a bucket down or slow): 503, nothing saved."""
