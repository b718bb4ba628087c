"""Extension objects, created here and initialised in the application factory."""

from typing import Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers

from tracker.models.base import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
wtforms_helpers = WTFormsHelpers()
# Keyed by client address (the proxy's X-Forwarded-For when BEHIND_PROXY); see tracker.web.limits.
limiter = Limiter(key_func=get_remote_address)


def __getattr__(name: str) -> Any:
    """`migrate`, Flask-Migrate's object, made on first use: importing it imports Alembic,
    which only migrations need (see tracker.plumbing.migrations)."""
    if name != "migrate":
        raise AttributeError(name)
    from flask_migrate import Migrate

    from tracker.plumbing.migrations import MIGRATIONS

    globals()["migrate"] = migrate = Migrate(
        db=db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True
    )
    return migrate
