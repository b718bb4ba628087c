"""What kind of remedy a recommendation's words suggest, and what sum they pay.

Personal remedies (apologies, payments, refunds, reassessments; anything naming the
complainant) are never published; service improvements (reviews of how the body works, its
resources, capacity, policies, procedures and practice, training and reminders to staff) are.
Proposals only, for the caseworker to confirm; in doubt, personal.
"""

from __future__ import annotations

import re
from decimal import Decimal

# A post held in the body: "the Head of Service", "the Team Manager".
POST = r"(?:head|director|manager|officer|executive|chair|lead|leader|co-?ordinator)s?"
AMOUNT = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{2}))?")
_RATE_AFTER = re.compile(r"\s*(?:a|an|per|each|every)\s+(?:day|week|fortnight|month|year)\b", re.I)
_PERSON = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z]\b|\bthe\s+complainant\b|\bthe\s+family\b", re.UNICODE
)
# A post holder named beside the post ("Ms Y, the Team Manager,", "the Complaints Manager
# (Mr B)"): not the complainant, so no reason on its own to keep the remedy personal.
_POST_HOLDER = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z]\b\s*[,(–-]\s*(?:the\s+|its\s+|a\s+)?"
    rf"(?:[\w'’-]+\s+){{0,4}}?(?i:{POST})\b"
    rf"|(?i:{POST})\b(?:\s+(?i:of|for)\s+(?:[\w'’-]+\s+){{0,3}}?[\w'’-]+)?\s*[,(]\s*"
    rf"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z]\b"
)
_PERSONAL_ACTION = re.compile(
    r"\b(?:apologi[sz]\w*|pay|pays|payment|refund\w*|reimburs\w*|compensat\w*|re-?assess\w*"
    r"|backdat\w*|write\s+off|waive\w*|reconsider\w*)\b",
    re.IGNORECASE,
)
# A personal action as a verb, not as a topic ("pay Mr X", but "its policy on refunds").
_PERSONAL_VERB = re.compile(
    r"(?:^|[,;]|\b(?:to|will|should|must|shall|and|or|also|then))\s+(?:also\s+)?"
    r"(?:apologi[sz]es?|pays?|refunds?|repays?|reimburses?|compensates?|re-?assess(?:es)?"
    r"|backdates?|write\s+off|writes\s+off|waives?|reconsiders?|make\s+(?:a\s+)?payments?)\b",
    re.IGNORECASE,
)
_SERVICE_ACTION = re.compile(
    r"\b(?:staff|officers|training|train|remind\w*|polic(?:y|ies)|procedures?|process(?:es)?"
    r"|practices?|guidance|systems?|systemic|learning|briefing|leaflets?|website"
    r"|review\s+(?:its|the)|all\s+(?:cases|residents|service\s+users))\b",
    re.IGNORECASE,
)
# A review of how the body works (its resources, capacity, policies, procedures, practice)
# is a service improvement whoever carries it out and whatever it is about.
_SYSTEMIC = re.compile(
    r"\b(?:review|reviews|reviewing|audit|examine|evaluate|reconsider|revise|amend|change"
    r"|update|improve|assess|consider)\b(?:(?:\s+[\w'’-]+){0,6}?\s+(?:resources?|capacity"
    r"|staffing|workloads?|polic(?:y|ies)|procedures?|practices?|process(?:es)?|guidance"
    r"|systems?|arrangements|protocols?|criteria|templates?|leaflets?|website)"
    r"|\s+(?:how|if|whether))\b",
    re.IGNORECASE,
)


def propose_kind(text: str) -> str:
    """Payments, apologies, refunds, reassessments, or anything naming the complainant, are
    personal remedies; reviews of resources, capacity, policy, procedure or practice,
    training and reminders to staff are service improvements, even when a named post holder
    carries them out. In doubt, personal: those are never published."""
    if _PERSON.search(_POST_HOLDER.sub(" ", text)) or propose_amount(text) is not None:
        return "personal"
    rest = _SYSTEMIC.sub(" ", text)
    if rest != text:  # a review of how the body works, unless it also pays, refunds, …
        return "personal" if _PERSONAL_VERB.search(rest) else "service_improvement"
    if _PERSONAL_ACTION.search(text) or not _SERVICE_ACTION.search(text):
        return "personal"
    return "service_improvement"


def names_a_remedy(text: str) -> bool:
    """Whether the words name something to put right, personal or for the service."""
    return bool(_PERSONAL_ACTION.search(text) or _SERVICE_ACTION.search(text))


def propose_amount(text: str) -> Decimal | None:
    """The sum of the amounts to be paid (£1,250 → 1250.00); rates such as "£150 a month"
    are not a sum to pay and are left out."""
    total = None
    for match in AMOUNT.finditer(text):
        if _RATE_AFTER.match(text, match.end()):
            continue
        pounds = Decimal(match.group(1).replace(",", ""))
        amount = pounds + (Decimal(match.group(2)) / 100 if match.group(2) else 0)
        total = (total or Decimal(0)) + amount
    return total.quantize(Decimal("0.01")) if total is not None else None
