"""Repair words that typesetting split at a line end ("fyl-" + "keskommune") without joining real hyphens.

Justified PDFs hyphenate long Scandinavian compounds at almost every other line, and a split word
is lost to keyword search and reads badly in a quote. But a line can also end in a hyphen that
belongs to the text: a suspended compound ("Kompetanse- og tannhelsesjef", "etter- og
videreutdanning") or a hyphenated name ("Nord-Gudbrandsdal", "IKT-satsing"). The rule looks at
both halves and at the document's own vocabulary (the words it uses unbroken elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["join_line_break", "vocabulary"]

# A hyphen before one of these words suspends a compound: "Midt- og Nord-Gudbrandsdal".
_SUSPENDING = frozenset(
    {"og", "eller", "samt", "til", "mot", "enn", "som", "and", "or", "to", "och", "und", "&"}
)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


def vocabulary(lines: Iterable[str]) -> frozenset[str]:
    """Lower-cased words as they occur whole inside lines (not at a line end split by a hyphen)."""
    words: set[str] = set()
    for line in lines:
        body = line[:-1] if line.endswith("-") else line
        words.update(match.group(0).lower() for match in _WORD.finditer(body))
    return frozenset(words)


def join_line_break(left: str, right: str, known: frozenset[str] = frozenset()) -> str:
    """Join the text of one line (`left`) to the next (`right`) the way the printed page reads.

    >>> join_line_break("for fyl-", "keskommune og", frozenset())
    'for fylkeskommune og'
    >>> join_line_break("Midt- og Nord-", "Gudbrandsdal", frozenset())
    'Midt- og Nord-Gudbrandsdal'
    >>> join_line_break("Kompetanse-", "og tannhelsesjef", frozenset())
    'Kompetanse- og tannhelsesjef'
    """
    left, right = left.rstrip(), right.lstrip()
    if not left:
        return right
    if not right:
        return left
    head = re.search(r"([^\W\d_][\w]*(?:-[\w]+)*)-$", left)
    if not head or not right[0].isalpha():
        return f"{left} {right}"
    first = re.match(r"[\w]+", right)
    tail = first.group(0) if first else ""
    prefix = head.group(1).split("-")[-1]
    if tail.lower() in _SUSPENDING or not tail:
        return f"{left} {right}"
    joined = (prefix + tail).lower()
    hyphenated = f"{prefix}-{tail}".lower()
    if hyphenated in known and joined not in known:
        return left + right
    if joined in known:
        return left[:-1] + right
    # A capital after the hyphen (Nord-Gudbrandsdal, Per-Gunnar) or an abbreviation before it
    # (IKT-satsing) is a hyphen of the word itself; a lower-case continuation is typesetting.
    if tail[0].isupper() or (len(prefix) > 1 and prefix.isupper()):
        return left + right
    return left[:-1] + right
