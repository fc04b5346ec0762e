"""Detect whether a text is Norwegian bokmål, nynorsk, Danish, Swedish or English.

lingua ships its language models inside the wheel (works offline) and, restricted to these five
languages, tells documents apart reliably. On one-line questions it confuses bokmål with Danish and
nynorsk; assistant/question.py corrects that with marker words. Between bokmål and nynorsk it
also errs on short documents whose words both standards share ("Kommunen vil satse på
kompetanse." came out nn); `detect_language` settles that pair with words only one of them uses.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

__all__ = ["LANGUAGES", "detect_language", "language_confidences"]

LANGUAGES = ("nb", "nn", "da", "sv", "en")
_lock = threading.Lock()

# Common words that only one of the two written standards uses (the other's form beside it).
_NB_WORDS = (
    "ikke jeg hun hva hvem hvordan hvor hvis fra være bare mye mer noe noen hele derfor skole gi "
    "et en ble dem disse samme selv uten kommer gjør sier innbyggere mennesker"
)
_NN_WORDS = (
    "ikkje eg ho kva kven korleis kor viss frå vere berre mykje meir noko nokon heile difor skule gje "
    "eit ein vart dei desse same sjølv utan kjem gjer seier innbyggjarar menneske"
)
_NB_ONLY, _NN_ONLY = frozenset(_NB_WORDS.split()), frozenset(_NN_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+")


@cache
def _detector(german: bool = False) -> tuple[Any, dict[Any, str]]:
    from lingua import Language, LanguageDetectorBuilder

    codes = {
        Language.BOKMAL: "nb",
        Language.NYNORSK: "nn",
        Language.DANISH: "da",
        Language.SWEDISH: "sv",
        Language.ENGLISH: "en",
    }
    if german:
        codes[Language.GERMAN] = "de"
    detector = LanguageDetectorBuilder.from_languages(*codes).build()
    return detector, codes


def language_confidences(text: str, german: bool = False) -> dict[str, float]:
    """Confidence per language code, summing to 1 (empty for text with no letters). `german` also
    weighs German: questions may be asked in it, though no document is written in it."""
    detector, codes = _detector(german)
    with _lock:  # lingua loads models lazily; keep first use single-threaded
        values = detector.compute_language_confidence_values(text[:4000])
    # lingua reports 0.0 for every language when the text has no letters; that is "no opinion".
    return {codes[v.language]: float(v.value) for v in values if v.value > 0}


def detect_language(text: str, default: str = "nb") -> str:
    """Most likely language code of `text`, or `default` when there is nothing to judge."""
    scores = language_confidences(text)
    if not scores:
        return default
    ranked = sorted(scores, key=lambda code: -scores[code])
    if set(ranked[:2]) == {"nb", "nn"}:
        return _bokmal_or_nynorsk(text, scores)
    return ranked[0]


def _bokmal_or_nynorsk(text: str, scores: dict[str, float]) -> str:
    """The standard whose own words the text uses more; with none of either, bokmål (the standard
    most documents are written in) unless lingua is sure of nynorsk."""
    words = [w.casefold() for w in _WORD.findall(text[:5000])]
    nb = sum(w in _NB_ONLY for w in words)
    nn = sum(w in _NN_ONLY for w in words)
    if nb != nn:
        return "nb" if nb > nn else "nn"
    return "nn" if scores["nn"] >= 0.9 else "nb"
