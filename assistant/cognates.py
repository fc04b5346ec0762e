"""English and German words that a Scandinavian text spells its own way ("coordinators" /
"koordinatorer", "thematic" / "tematiske", "project" / "prosjekt", "national" / "nasjonal").

A question in another language family shares no stems with the passages, and the glossary
(`glossary.py`) lists only the strategy domain's words. Much of the rest of the vocabulary of
public administration is Latin or Greek in every one of these languages and differs by regular
spelling: c/k, ph/f, th/t, -tion/-sjon, doubled letters. Folding those and comparing the start
of the words finds the counterpart without a dictionary. It is a lexical signal among others,
never a veto: an occasional false friend ("generation" / "generelt") costs a little weight on
one word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["CognateTable", "KinTable", "cognates_in", "fold", "is_cognate", "is_kin", "skeleton"]

# Applied in order, to both words. "sj" -> "j" last, so "-tion" (-> "-sjon" -> "-jon") meets
# "-sjon", and "project" (-> "projekt") meets "prosjekt" (-> "projekt").
_SPELLINGS = (
    ("sch", "sj"),
    ("tion", "sjon"),
    ("sion", "sjon"),
    ("ph", "f"),
    ("th", "t"),
    ("ch", "k"),
    ("ck", "k"),
    ("qu", "kv"),
    ("x", "ks"),
    ("w", "v"),
    ("z", "s"),
)
_SOFT_C = re.compile(r"c(?=[eiy])")
_DOUBLE = re.compile(r"(.)\1+")
_FINAL_Y = re.compile(r"y$")
# A shared start of at least this many folded letters, and this share of the longer word: a
# compound that starts with the word ("nasjonalsosialisme" for "national") is another word.
MIN_SHARED = 5
MIN_SHARE = 0.75


@lru_cache(maxsize=1 << 16)  # an index's and its passages' words recur from question to question
def fold(word: str) -> str:
    """`word` lower-cased with the spellings that differ regularly between the languages unified."""
    w = word.lower()
    for old, new in _SPELLINGS:
        w = w.replace(old, new)
    w = _SOFT_C.sub("s", w).replace("c", "k")
    w = _FINAL_Y.sub("i", w)  # "industry" / "industri", "strategy" / "strategi"
    w = _DOUBLE.sub(r"\1", w)
    return w.replace("sj", "j")


def _shared_start(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def is_cognate(a: str, b: str) -> bool:
    """Whether two words, folded, start alike for most of their length."""
    fa, fb = fold(a), fold(b)
    shared = _shared_start(fa, fb)
    return shared >= MIN_SHARED and shared >= MIN_SHARE * max(len(fa), len(fb))


def cognates_in(word: str, vocabulary: Iterable[str]) -> list[str]:
    """The words of `vocabulary` that are cognates of `word` (none for a word under five letters)."""
    if len(word) < MIN_SHARED:
        return []
    return [w for w in vocabulary if len(w) >= MIN_SHARED and w != word.lower() and is_cognate(word, w)]


class CognateTable:
    """An index's terms by the first letters of their folded form, so a question's cognates are
    found among tens of thousands of terms without comparing each (`HybridRetriever`)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._by_start: dict[str, list[str]] = {}
        for term in terms:
            if len(term) >= MIN_SHARED and term.isalpha():
                self._by_start.setdefault(fold(term)[:MIN_SHARED], []).append(term)

    def cognates(self, word: str) -> list[str]:
        """The table's terms that are cognates of `word`."""
        if len(word) < MIN_SHARED:
            return []
        return cognates_in(word, self._by_start.get(fold(word)[:MIN_SHARED], ()))


# Swedish and Danish write many Norwegian words with other vowels and softened stops ("mångfald" /
# "mangfold", "hälsa" / "helse", "välfärd" / "velferd", "virksomheder" / "virksomheter"). Their
# consonants agree: a word's consonant skeleton, with d/t, g/k and b/p folded, finds its Norwegian
# spelling where the stems share nothing.
_SCANDINAVIAN_VOWELS = re.compile(r"[aeiouyæøåäö]")
_SOFTENED = str.maketrans({"d": "t", "g": "k", "b": "p"})
MIN_SKELETON = 3
# Skeletons this long are one word when only their endings differ (`is_kin`).
MIN_INFLECTED = 6


@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """`word`'s first letter and the consonants after it, stops unvoiced and doubles collapsed."""
    w = word.lower()
    if not w.isalpha():
        return w
    rest = _SCANDINAVIAN_VOWELS.sub("", w[1:]).translate(_SOFTENED)
    first = w[0].translate(_SOFTENED)
    return _DOUBLE.sub(r"\1", first + rest)


def is_kin(a: str, b: str) -> bool:
    """Whether two Scandinavian words (one of five letters or more, a stem of four) are one word spelt
    two ways: the same skeleton, or one skeleton opening the other (an inflection, "mangfoldet")."""
    if max(len(a), len(b)) < MIN_SHARED or min(len(a), len(b)) < MIN_SHARED - 1 or a.lower() == b.lower():
        return False
    sa, sb = skeleton(a), skeleton(b)
    short, long_ = sorted((sa, sb), key=len)
    if len(short) >= MIN_SKELETON and long_.startswith(short) and len(long_) - len(short) <= 2:
        return True
    # A long word in another inflection ("universitetsskulane" / "universitetsskoler": a definite
    # plural's -n against an indefinite's -r): the skeletons differ only in their last consonant.
    return len(short) >= MIN_INFLECTED and _shared_start(sa, sb) >= len(long_) - 1


class KinTable:
    """An index's or passages' terms by their skeleton's first letters (see `is_kin`), for a question
    in a neighbouring Scandinavian language."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._by_start: dict[str, list[str]] = {}
        for term in terms:
            if len(term) >= MIN_SHARED - 1 and term.isalpha():
                self._by_start.setdefault(skeleton(term)[:MIN_SKELETON], []).append(term)

    def cognates(self, word: str) -> list[str]:
        """The table's terms that are the same word as `word` spelt another Scandinavian way."""
        if len(word) < MIN_SHARED:
            return []
        return [t for t in self._by_start.get(skeleton(word)[:MIN_SKELETON], ()) if is_kin(word, t)]
