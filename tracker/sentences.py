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
    quotes = _Quotes()
    for match in _SENTENCE_END.finditer(paragraph):
        # Abbreviations are short: look only just before the full stop, so that a long run of
        # them ("Mr. A Mr. B …") costs no more than reading it once.
        word = _LAST_WORD.search(paragraph, max(start, match.start() - 12), match.start())
        if word and word.group(0).lower() in ABBREVIATIONS:
            continue
        if quotes.open_after(paragraph, match.end()):
            continue
        found.append(paragraph[start : match.end()].strip())
        start = match.end()
    rest = paragraph[start:].strip()
    return [*found, rest] if rest else found


class _Quotes:
    """Quotation marks and brackets opened and not yet closed, read once from the start."""

    def __init__(self) -> None:
        self.read = 0
        self.brackets = self.squares = self.curly = self.straight = 0

    def open_after(self, text: str, end: int) -> bool:
        """Whether a quotation or a bracket is still open at `end` (ends only ever grow)."""
        chunk = text[self.read : end]
        self.read = end
        self.brackets += chunk.count("(") - chunk.count(")")
        self.squares += chunk.count("[") - chunk.count("]")
        self.curly += chunk.count("“") - chunk.count("”")
        self.straight += chunk.count('"')
        return self.brackets > 0 or self.squares > 0 or self.curly > 0 or self.straight % 2 == 1
