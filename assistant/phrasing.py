"""The answer's wording: the direct answer first, then the verbatim quotes, in the asker's language.

A fact question ("how much", "when", "which ministry", "who") leads with the short span that
answers it, taken verbatim from the best quoted sentence ("Svar: 6,3 millioner kroner [1]"); a
list question gets one item per line; everything else reads "The documents say: «…» [1]".
Only the frame is in the question's language; quotes stay as the documents wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.messages import message
from assistant.types import Citation
from assistant.verify import strip_unsafe
from ingest.extract import find_amounts

__all__ = ["answer_text", "direct_span", "missing_detail_text"]

_QUOTES = {"en": ("“", "”"), "de": ("„", "“")}

# A share ("30 prosent") is an amount too, though no sum of money.
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|prosent|procent|percent)", re.I)
_MONTHS = (
    r"januar|februar|mars|marts|april|mai|maj|juni|juli|august|september|oktober|november|"
    r"desember|december|january|february|march|may|june|july|october"
)
_NUMBER_WORD = (
    r"\b(?:en|ett|et|ei|ein|eitt|to|två|tre|fire|fyra|fem|seks|sex|sju|syv|åtte|otte|åtta|ni|nio|ti|tio|"
    r"one|two|three|four|five|six|ten)\b"
)
_TIME = re.compile(
    rf"\b\d{{1,2}}\.\s*(?:{_MONTHS})(?:\s+\d{{4}})?|\b(?:{_MONTHS})\s+\d{{4}}\b|"
    rf"(?:{_NUMBER_WORD}|\b\d+)\s*(?:-\s*)?(?:år(?:s|ig)?|måneder|månader|måneders|uker|veker|uger|years?|months?|weeks?)\b|"
    r"\b(?:1[89]|20)\d{2}(?:\s*[-–]\s*(?:1[89]|20)?\d{2})?\b",
    re.I,
)
_COUNT = re.compile(rf"\b\d+(?:[ .,]\d+)*(?:\s+[^\W\d_]+)?|{_NUMBER_WORD}\s+[^\W\d_]+", re.I)
# An institution or organisation: an acronym, or a capitalised name, possibly of several words
# joined by "og/i/for/and/of" ("Høgskolen i Innlandet", "Kommunal- og moderniseringsdepartementet").
_NAME = re.compile(
    r"\b[A-ZÆØÅ]{2,}\b(?:\s+\d+(?:\.\d+)?)?|"
    r"\b[A-ZÆØÅ][\wæøå]*-?(?:\s+(?:og|i|for|and|of|&)\s+[\wæøå]+|\s+[A-ZÆØÅ][\wæøå-]*)*"
)
_PATTERNS = {"amount": _PERCENT, "time": _TIME, "count": _COUNT}


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


def direct_span(kind: str, sentence: str, question: str) -> str:
    """The short span of `sentence` that answers a question of this answer type, or "".

    Only types whose answer has a recognisable shape: an amount, a time, a count, or for "which
    organisation" and "who" a name the question does not contain already.
    """
    asked = {w.lower() for w in re.findall(r"\w+", question)}
    if kind == "amount":  # a sum of money as ingest's funding extraction reads it
        money = [m[2] for m in find_amounts(sentence, "nb") if not _words(m[2]) <= asked]
        if money:
            return money[0]
    if kind in _PATTERNS:
        for match in _PATTERNS[kind].finditer(sentence):
            span = match.group().strip(" ,.")
            if span and not _words(span) <= asked:
                return span
        return ""
    if kind in ("org", "person"):
        names = []
        for match in _NAME.finditer(sentence):
            span = match.group().strip(" ,.-")
            if match.start() == 0 and " " not in span:
                continue  # a sentence's first word is capitalised anyway
            if span and not _words(span) <= asked and len(span) > 1:
                names.append(span)
        # One clear name is an answer; several are better read in the quote itself.
        return names[0] if len(names) == 1 else ""
    return ""


def _quote(citation: Citation, lang: str) -> str:
    left, right = _QUOTES.get(lang, ("«", "»"))
    # The answer never repeats a document's link, image, markup or URI (a planted instruction's
    # payload); the citation keeps the exact quote, shown in its source.
    return f"{left}{strip_unsafe(citation.quote)[0].strip()}{right} [{citation.n}]"


def missing_detail_text(lang: str, citations: Sequence[Citation]) -> str:
    """The documents do not give the detail asked for; what they say closest to it."""
    return f"{message('missing_detail', lang)} {' '.join(_quote(c, lang) for c in citations)}"


def answer_text(
    lang: str, kind: str, plan: str, question: str, citations: Sequence[Citation], confident: bool
) -> str:
    """The whole answer text for the chosen `citations` (best first in score, shown in order); the
    direct answer leads only when the best sentence is `confident`, since a wrong lead misleads
    more than a missing one."""
    if plan == "list" and len(citations) > 1:
        items = "\n".join(f"• {_quote(c, lang)}" for c in citations)
        return f"{message('list_intro', lang)}\n{items}"
    quotes = " ".join(_quote(c, lang) for c in citations)
    best = max(citations, key=lambda c: c.score)
    span = direct_span(kind, best.quote, question) if confident else ""
    if span and len(span) < len(best.quote) * 0.8:
        return f"{message('direct_answer', lang)} {span} [{best.n}]\n{message('answer_intro', lang)} {quotes}"
    return f"{message('answer_intro', lang)} {quotes}"
