"""Detect whether a text is Norwegian bokmål, nynorsk, Danish, Swedish or English.

lingua ships its language models inside the wheel (works offline) and, restricted to these five
languages, tells documents apart reliably. On one-line questions it confuses bokmål with Danish and
nynorsk; assistant/question.py corrects that with marker words.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

__all__ = ["LANGUAGES", "detect_language", "language_confidences"]

LANGUAGES = ("nb", "nn", "da", "sv", "en")
_lock = threading.Lock()


@cache
def _detector() -> tuple[Any, dict[Any, str]]:
    from lingua import Language, LanguageDetectorBuilder

    codes = {
        Language.BOKMAL: "nb",
        Language.NYNORSK: "nn",
        Language.DANISH: "da",
        Language.SWEDISH: "sv",
        Language.ENGLISH: "en",
    }
    detector = LanguageDetectorBuilder.from_languages(*codes).build()
    return detector, codes


def language_confidences(text: str) -> dict[str, float]:
    """Confidence per language code, summing to 1 (empty for text with no letters)."""
    detector, codes = _detector()
    with _lock:  # lingua loads models lazily; keep first use single-threaded
        values = detector.compute_language_confidence_values(text[:4000])
    # lingua reports 0.0 for every language when the text has no letters; that is "no opinion".
    return {codes[v.language]: float(v.value) for v in values if v.value > 0}


def detect_language(text: str, default: str = "nb") -> str:
    """Most likely language code of `text`, or `default` when there is nothing to judge."""
    scores = language_confidences(text)
    if not scores:
        return default
    return max(scores, key=lambda code: scores[code])
