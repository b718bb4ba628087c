"""Your notifications: the notices sent to the signed-in person, and marking them read."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker.extensions import db
from tracker.plumbing import clock, mail
from tracker.plumbing.pagination import page_number, paginate
from tracker.services.notices import inbox, ledger
from tracker.web import access

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@access.signed_in
def index() -> ResponseReturnValue:
    """The signed-in person's notices, newest first."""
    user = access.acting_user()
    scope = access.case_scope(user)
    page = paginate(
        db.session,
        inbox.notices_for(user, scope),
        page_number(request.args.get("page")),
        current_app.config["PER_PAGE"],
    )
    return render_template("notifications/index.html", page=page)


@bp.route("/read", methods=["POST"])
@access.signed_in
def mark_read() -> ResponseReturnValue:
    """Mark all the signed-in person's notices as read."""
    user = access.acting_user()
    inbox.mark_all_read(db.session, user, access.case_scope(user), now=clock.now())
    flash("All your notifications are marked as read.", "success")
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def unread_notifications() -> dict[str, Callable[[], int]]:
    """`unread_notifications()` in every template: the signed-in person's unread count,
    counted (once a request) only when a page asks for it, as the navigation does."""

    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        if "unread_notifications" not in g:
            user = access.acting_user()
            g.unread_notifications = inbox.unread_count(db.session, user, access.case_scope(user))
        return g.unread_notifications

    return {"unread_notifications": count}


@bp.app_context_processor
def email_status() -> dict[str, object]:
    """`email_on` (whether this service sends e-mail at all) and `told_instead_of` (why
    someone has a council's notice) in every template that shows notices."""
    return {
        "email_on": mail.email_is_on(current_app.config),
        "told_instead_of": ledger.told_instead_of,
    }
