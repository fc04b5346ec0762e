"""Resolve a short follow-up question ("og hvem finansierer det?") against the conversation.

Without a language model the robust move is to retrieve with the previous question's words added
whenever the new question leans on it: it is short, refers back ("det", "they", "dette"), or
starts like a continuation ("og ...", "what about ..."). A self-contained question stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["History", "resolve_followup"]

History = Sequence[tuple[str, str]]  # (question, answer) pairs, oldest first

_REFERS_BACK = {
    # nb/nn/da/sv
    "det", "den", "dette", "denne", "disse", "dei", "de", "dem", "deres", "dets", "dens", "der",
    "han", "hun", "ho", "ham", "henne", "hans", "hennes", "hen", "dess", "dessa", "detta", "samme",
    "dit", "hertil", "heri", "derfor",
    # en
    "it", "its", "they", "them", "their", "this", "that", "these", "those", "there", "he", "she",
    "his", "her", "same",
}  # fmt: skip
_CONTINUATION = re.compile(
    r"^(?:og|men|så|eller|and|but|so|or|what about|how about|hva med|hvad med|kva med|vad sägs om|"
    r"och|også|også)\b",
    re.IGNORECASE,
)


def resolve_followup(question: str, history: History | None) -> str:
    """The text to retrieve with: the question, prefixed by the previous one when it depends on it."""
    if not history:
        return question
    previous = history[-1][0].strip()
    words = re.findall(r"\w+", question.lower())
    content = [w for w in words if len(w) > 3 and w not in _REFERS_BACK]
    depends = bool(set(words) & _REFERS_BACK) or len(content) <= 2 or bool(_CONTINUATION.match(question))
    return f"{previous} {question}" if depends and previous else question
