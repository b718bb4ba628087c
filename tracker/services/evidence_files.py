"""What happens to a stored evidence file after it was received."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tracker.models import EvidenceFile, Recommendation, User
from tracker.services import audit


def record_missing(
    session: Session, evidence_file: EvidenceFile, *, actor: User | None, now: datetime
) -> None:
    """Audit that a file someone asked for is no longer in the store (for an administrator
    to restore it from quarantine or a backup, or to ask the council for it again). The
    answer is an error, which rolls the request back: the event is recorded apart."""
    audit.record_apart(
        session,
        action="evidence.missing",
        entity=evidence_file,
        actor=actor,
        now=now,
        about=session.get(Recommendation, evidence_file.submission.recommendation_id),
        after={"name": evidence_file.original_name, "sha256": evidence_file.sha256},
    )
