"""A decision's "agreed action" section, split into proposed recommendations.

A caseworker pastes the whole section. Each bulleted or numbered item becomes a
recommendation, and so does each sentence of a paragraph or item that carries its own
deadline or its own action; a sentence that only continues the one before ("This should
include …", "It should also …") stays with it. A heading such as "Within 20 working days:"
carries its deadline into the items under it, and a lead-in such as "We recommend that the
Council:" reads on into each of them. Each proposal comes with a kind (personal remedy or
service improvement) and, for payments, an amount. Proposals only: the caseworker checks and
corrects them before saving.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tracker import deadlines
from tracker.remedy_kinds import AMOUNT, POST, names_a_remedy, propose_amount, propose_kind
from tracker.sentences import sentences

_BULLET = re.compile(
    r"^\s*(?:[-•*·▪◦●–—]|\(?\d{1,2}[.)]|\(?[a-h][.)]|\(?(?:i{1,3}|iv|v|vi{1,3}|ix|x)[.)])\s+(.+)$",
    re.IGNORECASE,
)
_HEADING_END = re.compile(r"\s*:\s*[-–—]?\s*$")  # "… by 31 October: –" (PSOW) ends one too
_LIST_ITEM_END = re.compile(r";\s*(?:and|or)?$", re.IGNORECASE)
_TERMINAL = (".", ";", ":", "!", "?")
_TRAILING_JOIN = re.compile(r"\s*(?:[;,]\s*(?:and|or)?|\s+(?:and|or))\s*$", re.IGNORECASE)
# Who acts: the body, or one of its post holders.
_BODY = (
    r"(?:council|authority|landlord|board|trust|organisation|association|practice|provider"
    r"|home|school|academy|college|university|partnership|department|agency|service|team)s?"
)
_MODAL = (
    r"(?:will|should|must|shall|agrees\s+to|agreed\s+to|(?:has|have)\s+(?:also\s+)?agreed"
    r"|(?:is|are)\s+(?:asked\s+|ordered\s+|required\s+)?to|needs?\s+to|undertakes\s+to"
    r"|(?:has|have)\s+undertaken\s+to)"
)
_ACTION_VERB = (
    r"(?:apologi[sz]e|pay|make|refund|repay|reimburse|compensate|re-?assess|assess|review"
    r"|remind|train|provide|arrange|offer|write|re-?issue|issue|share|consider|reconsider"
    r"|complete|carry\s+out|take|ensure|update|amend|produce|prepare|identify|contact|meet"
    r"|confirm|explain|send|give|set|put|agree|backdate|waive|hold|invite|create|develop"
    r"|introduce|implement|establish|appoint|audit|check|publish|circulate|deliver"
    r"|undertake|decide|reinstate|remove|correct|respond|investigate|prioriti[sz]e|inform"
    r"|tell|ask|discuss|seek|cancel|withdraw|recalculate|refer|secure|restore|rectify"
    r"|repair|replace|remedy)"
)
# A sentence whose subject acts: "The Council will …", "The Head of Service should …", "We
# recommend …", after any leading phrase ("Within one month of my final decision, …").
_SUBJECT_ACTS = re.compile(
    rf"""
    ^(?:[^,]{{1,120}},\s*)?
    (?:
      (?:we|i)\s+(?:also\s+)?recommend
      | (?:(?:the|its)\s+(?:[\w'’&-]+\s+){{0,4}}?|(?-i:[A-Z])[\w'’&-]*\s+(?:[\w'’&-]+\s+){{0,3}}?)?
        (?:{_BODY}|{POST})
        (?:['’]s\s+[\w'’&\s-]{{0,40}}?\b{POST})?
        (?:\s+(?:of|for)\s+[\w'’&\s-]{{1,60}}?)?
        (?:\s*,[^,]{{1,60}},)?
        \s+(?:also\s+|personally\s+)?{_MODAL}
    )\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Or an imperative: "Pay Mr X £100", "Within three months, remind staff …".
_IMPERATIVE = re.compile(rf"^(?:[^,]{{1,120}},\s*)?{_ACTION_VERB}\b", re.IGNORECASE)
# A sentence that only continues the one before it.
_CONTINUES = re.compile(
    r"^(?:this|these|that|those|it|its|they|their|such|he|she|his|her|the\s+(?:review|training"
    r"|apology|payment|letter|plan|action\s+plan|assessment|reassessment|report|response"
    r"|explanation|meeting|remedy|update|guidance|reminder|sum|amount|refund|briefing|learning"
    r"|changes?))\b",
    re.IGNORECASE,
)
# The Ombudsman's own view of the remedy: not an action.
_REMARK = re.compile(
    r"^(?:the\s+ombudsm[ae]n|i|we)\s+(?:also\s+)?(?:believes?|considers?|thinks?|(?:am|is|are)"
    r"\s+satisfied)\s+(?:that\s+)?(?:this|these|the\s+(?:above|remedy|action|agreed))\b",
    re.IGNORECASE,
)
_EVIDENCE = re.compile(r"\bevidence\b", re.IGNORECASE)
_EVIDENCE_NOTE = re.compile(
    r"^(?:[^,.]{0,80}?\b(?:will|should|must|shall|to)\s+)?(?:also\s+)?(?:provide|send|give"
    r"|supply|submit|forward|upload|show)\b(?:\s+[\w'’]+){0,5}?\s+evidence\b|^(?:as\s+)?evidence\b",
    re.IGNORECASE,
)
# A heading that reads on into its items: "… has agreed to", "We recommend that the Council".
_READS_ON = re.compile(r"\b(?:to|will|should|must|shall|agreed|agrees|that)$", re.IGNORECASE)
_ENDS_WITH_BODY = re.compile(rf"\bthe\s+(?:[\w'’-]+\s+){{0,2}}?{_BODY}$", re.IGNORECASE)
_THAT = re.compile(r"\bthat\b", re.IGNORECASE)
_KEEP_CAPITAL = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "I", "Council"})
_ANY_DECISION = date(2000, 1, 1)  # deadlines are only looked for here, not dated


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


@dataclass
class _Block:
    """An item or a paragraph of the section, and the heading it stands under."""

    heading: str
    item: bool
    lines: list[str] = field(default_factory=list)


def split_agreed_actions(section: str) -> AgreedActions:
    """Split a pasted "agreed action" section into proposed recommendations."""
    actions: list[str] = []
    evidence: list[str] = []
    for block in _blocks(section):
        for action in _actions(" ".join(block.lines), evidence, item=block.item):
            actions.append(_with_heading(block.heading, action))
    return AgreedActions(
        recommendations=tuple(propose(text) for text in actions),
        evidence_note=" ".join(evidence),
    )


def propose(text: str) -> ProposedRecommendation:
    """The kind and amount a recommendation's words suggest."""
    kind = propose_kind(text)
    return ProposedRecommendation(text, kind, propose_amount(text) if kind == "personal" else None)


def _blocks(section: str) -> list[_Block]:
    """The section's items and paragraphs, each under the heading it follows."""
    lines = section.splitlines()
    bulleted = any(_BULLET.match(line) for line in lines)
    blocks: list[_Block] = []
    heading, heading_has_items = "", False
    current: _Block | None = None
    for raw in lines:
        line = " ".join(raw.split())
        bullet = _BULLET.match(raw)
        if not line:
            current = None
        elif bullet:
            current = _Block(heading, item=True, lines=[bullet.group(1)])
            blocks.append(current)
            heading_has_items = True
        elif _HEADING_END.search(line) or (bulleted and _READS_ON.search(line)):
            current, heading_has_items = None, False
            heading = re.sub(r"\bTHAT\b", "that", _HEADING_END.sub("", line))
        elif _is_title(line, current):
            current, heading = None, ""
        elif current is not None and _LIST_ITEM_END.search(current.lines[-1]):
            current.item = True  # "apologise to Mrs X;" / "pay her £300.": a list, unmarked
            current = _Block(current.heading, item=True, lines=[line])
            blocks.append(current)
        elif current is not None and (not bulleted or line[:1].islower()):
            current.lines.append(line)  # a wrapped line
        else:
            # In a list, a paragraph after the items under a heading no longer stands under it.
            current = _Block("" if heading_has_items else heading, item=False, lines=[line])
            blocks.append(current)
    return blocks


def _is_title(line: str, current: _Block | None) -> bool:
    """A short line that names the section ("Agreed action"), not part of a sentence."""
    return (
        len(line.split()) <= 4
        and line[:1].isupper()
        and not line.endswith((*_TERMINAL, ",", ")"))
        and not any(character.isdigit() or character == "£" for character in line)
        and not re.match(_ACTION_VERB + r"\b", line, re.IGNORECASE)
        and (current is None or current.lines[-1].endswith(_TERMINAL))
    )


def _actions(text: str, evidence: list[str], *, item: bool) -> list[str]:
    """The recommendations in one item or paragraph: a sentence with its own deadline or its
    own action starts one; a sentence that only continues the one before stays with it; the
    sentence about evidence goes to the evidence note."""
    groups: list[list[str]] = []
    for sentence in sentences(text):
        if (groups or not item) and _is_evidence(sentence):
            evidence.append(sentence)
        elif _REMARK.match(sentence):
            continue
        elif groups and (_CONTINUES.match(sentence) or not _starts_action(sentence)):
            groups[-1].append(sentence)
        else:
            groups.append([sentence])
    actions = [_clean(" ".join(group)) for group in groups]
    # A paragraph of a few words ("Agreed action") is a title; an item is always an action.
    return [
        action
        for action in actions
        if item or len(action.split()) > 4 or AMOUNT.search(action) or _states_deadline(action)
    ]


def _starts_action(sentence: str) -> bool:
    """Whether the sentence carries its own action or its own deadline."""
    if _SUBJECT_ACTS.match(sentence) or _IMPERATIVE.match(sentence):
        return True
    return _states_deadline(sentence)


def _states_deadline(text: str) -> bool:
    found = deadlines.compute_deadline(text, _ANY_DECISION)
    return bool(found.parts or found.problems)


def _states_own_date(text: str) -> bool:
    """Whether the text dates itself from the decision ("within three months", "by 31
    October"); a deadline hanging on another event ("within 4 weeks of the annual review")
    may describe the work rather than date it, so a heading's deadline still applies."""
    found = deadlines.compute_deadline(text, _ANY_DECISION)
    return any(p.awaits_event is None and p.follows is None for p in found.parts)


def _is_evidence(sentence: str) -> bool:
    """The sentence that asks for evidence ("The Council should provide us with evidence
    …"), or one about evidence that names nothing to put right."""
    if _EVIDENCE_NOTE.match(sentence):
        return True
    return bool(_EVIDENCE.search(sentence)) and not names_a_remedy(sentence)


def _with_heading(heading: str, action: str) -> str:
    """Carry the heading into an action under it so that it reads as a sentence: a lead-in
    ("… the Council has agreed to", "We recommend that the Council") reads on into the
    action; otherwise only the heading's deadline is carried ("Within 20 working days, pay
    …"). An action that states its own deadline keeps only its own."""
    own_deadline = _states_own_date(action)
    if heading and _leads_in(heading) and not _SUBJECT_ACTS.match(action):
        lead = deadlines.text_without_deadlines(heading) if own_deadline else heading
        return f"{lead} {_lower_first(action)}"
    carried = "" if own_deadline or not heading else _deadline_words(heading)
    return f"{carried}, {_lower_first(action)}" if carried else action[:1].upper() + action[1:]


def _leads_in(heading: str) -> bool:
    """Whether the heading reads on into its items: "… the Council has agreed to", "We
    recommend that the Council"; not a title such as "Actions for the Council"."""
    if _READS_ON.search(heading):
        return True
    return bool(_ENDS_WITH_BODY.search(heading) and _THAT.search(heading))


def _deadline_words(heading: str) -> str:
    """The heading's deadline phrases ("Within 20 working days"), or nothing."""
    phrases = [p.phrase for p in deadlines.compute_deadline(heading, _ANY_DECISION).parts]
    words = " and ".join(phrases)
    return words[:1].upper() + words[1:]


def _lower_first(action: str) -> str:
    """The action with its first word in lower case, to read on after a heading: "Pay Mr Y"
    as "pay Mr Y", "The Council" as "the Council"; a name such as "Leicestershire County
    Council" stays as it is."""
    first, _, rest = action.partition(" ")
    second = rest.split(" ", 1)[0]
    named = second[:1].isupper() and second.rstrip(".") not in _KEEP_CAPITAL
    if first in _KEEP_CAPITAL or not (first[:1].isupper() and first[1:].islower()):
        return action
    if named and first != "The":
        return action
    return first.lower() + (" " + rest if rest else "")


def _clean(text: str) -> str:
    """Tidy the end of an action: "…; and" or "…," becomes "…."."""
    text = _TRAILING_JOIN.sub("", " ".join(text.split()))
    return text if text.endswith((".", "!", "?", ")")) else f"{text}."
