"""Who may see and do what. Every page, API route and download goes through this module.

A council officer sees only their own authority's records: anything else answers 404,
exactly as if it did not exist. Caseworkers and managers see everything; only admins
manage accounts and authorities.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from tracker.extensions import db, login_manager
from tracker.models import Authority, Case, EvidenceFile, Recommendation, Role, User

# The role rules themselves live in tracker.permissions (services read them too).
from tracker.permissions import ROLE_PERMISSIONS as ROLE_PERMISSIONS
from tracker.permissions import Permission as Permission
from tracker.permissions import can as can
from tracker.services import records
from tracker.web.http_errors import is_api_request

F = TypeVar("F", bound=Callable[..., Any])


def current_actor() -> User | None:
    """The API token's owner inside the API, the signed-in person on pages, or None."""
    if "api_user" in g:
        return g.api_user
    if current_user.is_authenticated:
        return current_user._get_current_object()  # type: ignore[attr-defined]
    return None


def requires(*permissions: Permission) -> Callable[[F], F]:
    """Refuse the view unless someone is signed in (or token-authenticated) and allowed."""

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            user = current_actor()
            if user is None:
                if is_api_request():
                    abort(401)
                return login_manager.unauthorized()
            if not all(can(user, permission) for permission in permissions):
                abort(403)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate


def signed_in(view: F) -> F:
    """Any signed-in person, whatever their role (record routes then look up and `ensure`)."""
    return requires()(view)


def ensure(user: User, permission: Permission) -> None:
    """403 unless `user` may do this; call it after the record was found visible (else 404)."""
    if not can(user, permission):
        abort(403)


def _council_scope(user: User, council: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting records whose council is `council` to those `user` may see:
    all of them, their own council's (an officer's), or none."""
    if can(user, Permission.VIEW_ALL_COUNCILS):
        return sa.true()
    if user.role is Role.OFFICER and user.authority_id is not None:
        return council == user.authority_id
    return sa.false()


def case_scope(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting cases to those `user` may see."""
    return _council_scope(user, Case.authority_id)


def recommendation_scope(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting recommendations to those `user` may see, read from their own
    row (their case's council, which the database keeps equal to the case's)."""
    return _council_scope(user, Recommendation.authority_id)


def authority_scope(user: User) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting authorities to those `user` may see."""
    return _council_scope(user, Authority.id)


def _case_or_404(reference: str, user: User) -> Case:
    """The case with this reference, if `user` may see it; otherwise 404."""
    return records.case(db.session, reference, case_scope(user)) or abort(404)


def _authority_or_404(code: str, user: User) -> Authority:
    """The authority with this code, if `user` may see it; otherwise 404."""
    return records.authority(db.session, code, authority_scope(user)) or abort(404)


def _recommendation_or_404(recommendation_id: int, user: User) -> Recommendation:
    """The recommendation, if `user` may see its case; otherwise 404."""
    return records.recommendation(db.session, recommendation_id, case_scope(user)) or abort(404)


def may_submit_evidence(user: User, recommendation_id: int, **_: Any) -> bool:
    """Whether `user` may send evidence for this recommendation: their role allows it and
    they can see it. Decides whether an upload may reach the disk at all."""
    if not can(user, Permission.SUBMIT_EVIDENCE):
        return False
    return records.recommendation_exists(db.session, recommendation_id, case_scope(user))


def may_import(user: User, **_: Any) -> bool:
    """Whether `user` may import earlier years' records (and so upload their file)."""
    return can(user, Permission.IMPORT_RECORDS)


def acting_user() -> User:
    """The person acting, in a view already guarded by `requires` or `signed_in`."""
    user = current_actor()
    if user is None:
        abort(401)
    return user


def _evidence_file_or_404(file_id: int, user: User) -> EvidenceFile:
    """An evidence file, if `user` may see its recommendation's case; otherwise 404."""
    return records.evidence_file(db.session, file_id, case_scope(user)) or abort(404)


# The named guards: one call per kind of record loads it, scopes it to what the person acting
# may see (404 for another council's, exactly as if it did not exist), then checks that their
# role allows `permission` (403). Pages and the API alike use them.


def case(reference: str, permission: Permission | None = None) -> Case:
    """The case the person acting asked for, if they may see it and do `permission`."""
    user = acting_user()
    found = _case_or_404(reference, user)
    if permission is not None:
        ensure(user, permission)
    return found


def recommendation(recommendation_id: int, permission: Permission | None = None) -> Recommendation:
    """The recommendation the person acting asked for, if they may see it and do `permission`."""
    user = acting_user()
    found = _recommendation_or_404(recommendation_id, user)
    if permission is not None:
        ensure(user, permission)
    return found


def authority(code: str, permission: Permission | None = None) -> Authority:
    """The authority the person acting asked for, if they may see it and do `permission`."""
    user = acting_user()
    found = _authority_or_404(code, user)
    if permission is not None:
        ensure(user, permission)
    return found


def evidence_file(file_id: int) -> EvidenceFile:
    """An evidence file, to anyone who may see its recommendation's case."""
    return _evidence_file_or_404(file_id, acting_user())


def account(user_id: int) -> User:
    """An account, to someone who may manage accounts."""
    ensure(acting_user(), Permission.MANAGE_USERS)
    return records.account(db.session, user_id) or abort(404)


def published_authority(code: str) -> Authority:
    """For the public: the authority with this code if it has a published page; else 404."""
    return records.published_authority(db.session, code) or abort(404)
