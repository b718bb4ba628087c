"""Authority pages: everyone but officers may look (an officer, at their own council);
only admins add and change."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from tracker.authorities.forms import AuthorityForm
from tracker.extensions import db
from tracker.models import Authority
from tracker.plumbing import clock
from tracker.plumbing.pagination import page_number, paginate
from tracker.services import assignments
from tracker.services.authorities import (
    AuthorityInput,
    check_authority,
    create_authority,
    update_authority,
)
from tracker.web import access
from tracker.web.access import Permission
from tracker.web.forms import save_form

bp = Blueprint("authorities", __name__, url_prefix="/authorities")


@bp.route("/")
@access.requires(Permission.VIEW_AUTHORITIES)
def index() -> ResponseReturnValue:
    """All councils, by name."""
    statement = sa.select(Authority).order_by(Authority.name)
    page = paginate(
        db.session,
        statement,
        page_number(request.args.get("page")),
        current_app.config["PER_PAGE"] * 2,
    )
    return render_template("authorities/index.html", page=page)


@bp.route("/<code>")
@access.signed_in
def show(code: str) -> ResponseReturnValue:
    """A council: its officers, which of them are its link officers, and who holds what."""
    authority = access.authority(code)
    return render_template(
        "authorities/show.html",
        authority=authority,
        officers=assignments.officers(db.session, authority),
    )


@bp.route("/new", methods=["GET", "POST"])
@access.requires(Permission.MANAGE_AUTHORITIES)
def new() -> ResponseReturnValue:
    """Add a council."""
    form = AuthorityForm()
    if form.is_submitted():
        data = _input(form)
        authority = save_form(
            form,
            check=lambda: check_authority(db.session, data),
            save=lambda: create_authority(
                db.session, data, actor=access.acting_user(), now=clock.now()
            ),
        )
        if authority is not None:
            flash(f"{authority.name} was added.", "success")
            return redirect(url_for("authorities.index"))
    return render_template("authorities/form.html", form=form, authority=None)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@access.signed_in
def edit(code: str) -> ResponseReturnValue:
    """Change a council's details."""
    authority = access.authority(code, Permission.MANAGE_AUTHORITIES)
    user = access.acting_user()
    form = AuthorityForm(obj=authority)
    if request.method == "GET":
        form.type.data = authority.type.value
    if form.is_submitted():
        data = _input(form)
        saved = save_form(
            form,
            check=lambda: check_authority(db.session, data, existing=authority),
            save=lambda: update_authority(db.session, authority, data, actor=user, now=clock.now()),
        )
        if saved is not None:
            flash(f"{authority.name} was updated.", "success")
            return redirect(url_for("authorities.index"))
    return render_template("authorities/form.html", form=form, authority=authority)


def _input(form: AuthorityForm) -> AuthorityInput:
    return AuthorityInput(
        code=form.code.data or "",
        name=form.name.data or "",
        type=form.type.data or "",
        population=form.population.data,
    )
