"""A decision's "agreed action" section, split into proposed recommendations.

A caseworker pastes the whole section; each bulleted or numbered action becomes one
recommendation, a heading such as "Within 20 working days:" carries over to the bullets under
it, and each proposal comes with a kind (personal remedy or service improvement) and, for
payments, an amount. Proposals only: the caseworker checks and corrects them before saving.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_BULLET = re.compile(
    r"^\s*(?:[-•*·▪◦●–—]|\(?\d{1,2}[.)]|\(?[a-h][.)]|\(?(?:i{1,3}|iv|v|vi{1,3}|ix|x)[.)])\s+(.+)$",
    re.IGNORECASE,
)
# A heading joined to its bullets with a space ("… the Council will: apologise" reads on).
_LEADS_ON = re.compile(r"\b(?:to|will|should|must|shall|agreed|agrees|has\s+agreed\s+to)$", re.I)
_TRAILING_JOIN = re.compile(r"\s*(?:[;,]\s*(?:and|or)?|\s+(?:and|or))\s*$", re.IGNORECASE)
_EVIDENCE = re.compile(r"\bevidence\b", re.IGNORECASE)
_AMOUNT = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?")
_RATE_AFTER = re.compile(r"\s*(?:a|an|per|each|every)\s+(?:day|week|fortnight|month|year)\b", re.I)
_PERSON = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z]\b|\bthe\s+complainant\b|\bthe\s+family\b", re.UNICODE
)
_PERSONAL_ACTION = re.compile(
    r"\b(?:apologi[sz]\w*|pay|pays|payment|refund\w*|reimburs\w*|compensat\w*|re-?assess\w*"
    r"|backdat\w*|write\s+off|waive\w*|reconsider\w*)\b",
    re.IGNORECASE,
)
_SERVICE_ACTION = re.compile(
    r"\b(?:staff|officers|training|train|remind\w*|polic(?:y|ies)|procedures?|process(?:es)?"
    r"|practices?|guidance|systems?|learning|briefing|leaflets?|website|review\s+(?:its|the)"
    r"|all\s+(?:cases|residents|service\s+users))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ProposedRecommendation:
    """One action from the pasted section, with the kind and amount it seems to have."""

    text: str
    kind: str  # "personal" or "service_improvement"
    amount: Decimal | None


@dataclass(frozen=True)
class AgreedActions:
    """The proposals, and what the section says about evidence (for every recommendation)."""

    recommendations: tuple[ProposedRecommendation, ...]
    evidence_note: str = ""


def split_agreed_actions(section: str) -> AgreedActions:
    """Split a pasted "agreed action" section into proposed recommendations."""
    actions: list[str] = []
    evidence: list[str] = []
    heading = ""
    paragraph_lines: list[str] = []
    bulleted = any(_BULLET.match(line) for line in section.splitlines())

    for raw in section.splitlines():
        line = " ".join(raw.split())
        bullet = _BULLET.match(raw)
        if not line:
            heading = "" if not bulleted else heading
            _flush(paragraph_lines, actions, evidence)
            continue
        if bullet:
            _flush(paragraph_lines, actions, evidence)
            actions.append(_with_heading(heading, _clean(bullet.group(1))))
        elif line.endswith(":"):
            _flush(paragraph_lines, actions, evidence)
            heading = line[:-1].strip()
        elif bulleted and actions and line[:1].islower():
            actions[-1] = _clean(f"{actions[-1].rstrip('.')} {line}")  # a wrapped bullet
        elif bulleted:
            _flush(paragraph_lines, actions, evidence)
            paragraph_lines.append(line)
            _flush(paragraph_lines, actions, evidence)
        else:
            paragraph_lines.append(line)
    _flush(paragraph_lines, actions, evidence)
    return AgreedActions(
        recommendations=tuple(propose(text) for text in actions),
        evidence_note=" ".join(evidence),
    )


def propose(text: str) -> ProposedRecommendation:
    """The kind and amount a recommendation's words suggest."""
    kind = propose_kind(text)
    return ProposedRecommendation(text, kind, propose_amount(text) if kind == "personal" else None)


def propose_kind(text: str) -> str:
    """Payments, apologies, refunds, reassessments, or anything naming the complainant, are
    personal remedies; training, reminders to staff and reviews of policy or procedure are
    service improvements. In doubt, personal: those are never published."""
    if _PERSON.search(text) or _PERSONAL_ACTION.search(text) or not _SERVICE_ACTION.search(text):
        return "personal"
    return "service_improvement"


def propose_amount(text: str) -> Decimal | None:
    """The sum of the amounts to be paid (£1,250 → 1250.00); rates such as "£150 a month"
    are not a sum to pay and are left out."""
    total = None
    for match in _AMOUNT.finditer(text):
        if _RATE_AFTER.match(text, match.end()):
            continue
        pounds = Decimal(match.group(1).replace(",", ""))
        amount = pounds + (Decimal(match.group(2)) / 100 if match.group(2) else 0)
        total = (total or Decimal(0)) + amount
    return total.quantize(Decimal("0.01")) if total is not None else None


def _flush(lines: list[str], actions: list[str], evidence: list[str]) -> None:
    """A paragraph is an action, a note about evidence, or a title to leave out."""
    if not lines:
        return
    paragraph = " ".join(lines)
    lines.clear()
    if _EVIDENCE.search(paragraph) and not _PERSONAL_ACTION.search(paragraph):
        evidence.append(paragraph)
    elif len(paragraph.split()) > 4 or _AMOUNT.search(paragraph):  # not "Agreed action"
        actions.append(_clean(paragraph))


def _with_heading(heading: str, bullet: str) -> str:
    """Carry the heading's words (and so its deadline) into each bullet under it."""
    if not heading:
        return bullet
    first, _, rest = bullet.partition(" ")
    if first[:1].isupper() and first[1:].islower() and first not in {"Mr", "Mrs", "Ms", "Miss"}:
        bullet = first.lower() + (" " + rest if rest else "")
    joiner = " " if _LEADS_ON.search(heading) else ", "
    return f"{heading}{joiner}{bullet}"


def _clean(text: str) -> str:
    """Tidy the end of an action: "…; and" or "…," becomes "…."."""
    text = _TRAILING_JOIN.sub("", " ".join(text.split()))
    return text if text.endswith((".", "!", "?", ")")) else f"{text}."
