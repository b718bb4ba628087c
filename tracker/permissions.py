"""Which role may do what: a pure rule, read by the web layer's guards and by the services
that decide what may be done next (`compliance.available_actions`)."""

from __future__ import annotations

import enum

from tracker.models import Role, User


class Permission(enum.StrEnum):
    """Things a role may do."""

    VIEW_ALL_COUNCILS = "view_all_councils"
    VIEW_AUTHORITIES = "view_authorities"
    RECORD_CASES = "record_cases"
    REVIEW_EVIDENCE = "review_evidence"
    CHASE = "chase"  # record a chase made by hand
    ASSIGN = "assign"  # give a recommendation to an officer of its council
    ESCALATE = "escalate"  # take a step of the escalation ladder on a case, see the steps
    SUBMIT_EVIDENCE = "submit_evidence"
    REQUEST_EXTENSION = "request_extension"
    VIEW_STATISTICS = "view_statistics"
    PUBLISH = "publish"  # performance pages and annual letters
    IMPORT_RECORDS = "import_records"
    MANAGE_AUTHORITIES = "manage_authorities"
    MANAGE_USERS = "manage_users"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASEWORKER: frozenset(
        {
            Permission.VIEW_ALL_COUNCILS,
            Permission.VIEW_AUTHORITIES,
            Permission.RECORD_CASES,
            Permission.REVIEW_EVIDENCE,
            Permission.CHASE,
            Permission.ASSIGN,
            Permission.ESCALATE,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Permission.VIEW_ALL_COUNCILS,
            Permission.VIEW_AUTHORITIES,
            Permission.VIEW_STATISTICS,
            Permission.PUBLISH,
            Permission.IMPORT_RECORDS,
            Permission.ESCALATE,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Permission.VIEW_ALL_COUNCILS,
            Permission.VIEW_AUTHORITIES,
            Permission.MANAGE_AUTHORITIES,
            Permission.MANAGE_USERS,
        }
    ),
    Role.OFFICER: frozenset({Permission.SUBMIT_EVIDENCE, Permission.REQUEST_EXTENSION}),
}


# What a council's link officers may do besides what every officer may (domain.md).
LINK_OFFICER_PERMISSIONS = frozenset({Permission.ASSIGN})


def can(user: User | None, permission: Permission) -> bool:
    """Whether `user`'s role allows `permission` (a link officer's, for their council's
    remedies: what they may see is the council's, as for every officer)."""
    if user is None:
        return False
    if user.role is Role.OFFICER and user.link_officer:
        return permission in ROLE_PERMISSIONS[user.role] | LINK_OFFICER_PERMISSIONS
    return permission in ROLE_PERMISSIONS[user.role]
