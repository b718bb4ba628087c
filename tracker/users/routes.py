"""Account pages, for admins only."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import joinedload

from tracker.auth.forms import ConfirmForm
from tracker.extensions import db
from tracker.models import User
from tracker.plumbing import clock
from tracker.plumbing.pagination import page_number, paginate
from tracker.services import accounts, two_step
from tracker.services.authorities import authority_choices
from tracker.users.forms import UserForm
from tracker.web import access
from tracker.web.access import Permission
from tracker.web.forms import options, save_form

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/")
@access.requires(Permission.MANAGE_USERS)
def index() -> ResponseReturnValue:
    """Every account, by name."""
    statement = sa.select(User).options(joinedload(User.authority)).order_by(User.name)
    page = paginate(
        db.session,
        statement,
        page_number(request.args.get("page")),
        current_app.config["PER_PAGE"] * 2,
    )
    return render_template("users/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@access.requires(Permission.MANAGE_USERS)
def new() -> ResponseReturnValue:
    """Create an account."""
    form = _form()
    if form.is_submitted():
        data = _input(form)
        user = save_form(
            form,
            check=lambda: accounts.check_user(db.session, data),
            save=lambda: accounts.create_user(
                db.session, data, actor=access.acting_user(), now=clock.now()
            ),
        )
        if user is not None:
            flash(f"An account for {user.email} was created.", "success")
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@access.requires(Permission.MANAGE_USERS)
def edit(user_id: int) -> ResponseReturnValue:
    """Change an account; a new password or deactivation signs the person out everywhere."""
    user = access.account(user_id)
    form = _form(obj=user)
    if request.method == "GET":
        form.role.data = user.role.value
        form.authority.data = user.authority.code if user.authority else ""
    if form.is_submitted():
        data, actor = _input(form), access.acting_user()
        saved = save_form(
            form,
            check=lambda: accounts.check_user(db.session, data, existing=user, actor=actor),
            save=lambda: accounts.update_user(db.session, user, data, actor=actor, now=clock.now()),
        )
        if saved is not None:
            flash(f"The account for {user.email} was updated.", "success")
            return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=user, reset_form=ConfirmForm())


@bp.route("/<int:user_id>/two-step/reset", methods=["POST"])
@access.requires(Permission.MANAGE_USERS)
def reset_two_step(user_id: int) -> ResponseReturnValue:
    """Turn off someone's two-step sign-in (a lost phone); they set it up again if required."""
    user = access.account(user_id)
    two_step.reset(db.session, user, actor=access.acting_user(), now=clock.now())
    flash(f"Two-step sign-in for {user.email} was reset, and they were signed out.", "success")
    return redirect(url_for("users.edit", user_id=user.id))


def _form(obj: User | None = None) -> UserForm:
    form = UserForm(obj=obj)
    councils = authority_choices(db.session, sa.true())  # an admin may pick any council
    form.authority.choices = options(councils, blank="Not a council officer")
    return form


def _input(form: UserForm) -> accounts.UserInput:
    return accounts.UserInput(
        email=form.email.data or "",
        name=form.name.data or "",
        role=form.role.data or "",
        authority_code=form.authority.data or None,
        password=form.password.data or None,
        active=bool(form.active.data),
        link_officer=bool(form.link_officer.data),
    )
