"""The page that sets up two-step sign-in, shared by signing in and the account page."""

from __future__ import annotations

from flask import render_template

from tracker.auth.forms import SetUpCodeForm
from tracker.models import User
from tracker.services import two_step


def render_set_up(form: SetUpCodeForm, secret: str, user: User, *, signing_in: bool) -> str:
    """The QR code to scan (an SVG `data:` image, which the CSP allows), the secret written
    out in groups of four for typing in instead, and a box for the first code."""
    import segno  # here, not with the module: a tenth of a second of every process's start-up

    link = two_step.app_link(secret, user.email)
    qr_code = segno.make(link, error="m").svg_data_uri(scale=5, border=4, dark="#0b0c0c")
    groups = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template(
        "auth/two_step_set_up.html",
        form=form,
        qr_code=qr_code,
        secret=groups,
        signing_in=signing_in,
    )
