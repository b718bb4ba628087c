"""Splitting a paragraph of a decision into its sentences, with care for how decisions write.

A full stop ends a sentence only where one ends: not after a title or an abbreviation ("Mrs.",
"Dr.", "e.g.", "i.e.", "No. 12", "para. 3"), not inside a number ("£1,250.50", "1.5"), and
not inside quotation marks or brackets ('"We are sorry. We got this wrong."').
"""

from __future__ import annotations

import re

# A full stop (or ! or ?), any closing quotation marks or brackets, a space, then what can
# start a sentence: a capital, a figure, a pound sign or an opening quotation mark or bracket.
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9£])")
_LAST_WORD = re.compile(r"[\w.]+$")
# Words a full stop follows without ending the sentence (compared in lower case).
ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "mx", "dr", "prof", "cllr", "st", "no", "nos", "para", "paras", "p",
     "pp", "e.g", "i.e", "eg", "ie", "cf", "vs", "approx", "ref", "sec", "s", "ss", "reg",
     "regs", "art", "sch", "fig", "vol", "ch", "cl"}
)  # fmt: skip


def sentences(paragraph: str) -> list[str]:
    """The sentences of `paragraph`, in order, each as it stands (spaces at the ends trimmed)."""
    found: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        word = _LAST_WORD.search(paragraph, start, match.start())
        if word and word.group(0).lower() in ABBREVIATIONS:
            continue
        if _still_open(paragraph[start : match.end()]):
            continue
        found.append(paragraph[start : match.end()].strip())
        start = match.end()
    rest = paragraph[start:].strip()
    return [*found, rest] if rest else found


def _still_open(text: str) -> bool:
    """Whether a quotation or a bracket opened in `text` is not yet closed."""
    return (
        text.count("(") > text.count(")")
        or text.count("[") > text.count("]")
        or text.count('"') % 2 == 1
        or text.count("“") > text.count("”")
    )
