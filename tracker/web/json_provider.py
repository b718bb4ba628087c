"""JSON as the application reads it: a document nested deeper than anyone writes is refused
while it is decoded, so nothing that walks it afterwards can recurse out of its stack."""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 64  # arrays and objects inside one another; the API's deepest body needs 3


class TooDeep(json.JSONDecodeError):
    """JSON nested more than MAX_DEPTH levels: not JSON we read, like any malformed JSON."""

    def __init__(self, document: str | bytes) -> None:
        text = document.decode("utf-8", "replace") if isinstance(document, bytes) else document
        super().__init__(f"nested more than {MAX_DEPTH} levels deep", text, 0)


class TrackerJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing documents nested deeper than MAX_DEPTH with a JSONDecodeError
    (a ValueError), which Flask and webargs both answer with a 400."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Decode `s`, refusing it if it is nested more than MAX_DEPTH levels deep."""
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            # The C decoder recurses once a level: 100,000 levels exhaust the stack before
            # any depth could be counted.
            raise TooDeep(s) from None
        if depth(value) > MAX_DEPTH:
            raise TooDeep(s)
        return value


def depth(value: object) -> int:
    """How many arrays and objects deep `value` goes, counted without recursion."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break  # deep enough to refuse; no need to look further
        pending.extend((child, level + 1) for child in children)
    return deepest
