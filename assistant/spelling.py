"""Misspelt question words: the index's terms one edit away from a word the index does not know.

People type on phones: "solystemet", "Stobritannia", "foreledrene", "Nortaship". A misspelt word
matches nothing in BM25, and a name or rare word is exactly where BM25 is needed (the dense vector
of a misspelt name is vague). So a question word whose stems are all unknown to the index is also
searched as the index's terms within one edit (a letter added, dropped, changed, or two swapped)
of its stem, when that stem has six letters or more: a shorter one has look-alikes that are other
words ("ligger": "ligg" -> "legg", "blevet": "blev" -> "elev"). A word the index knows is never
corrected; nor is a misspelt function word ("mellm", "Hvorden"), which would only drag in
look-alikes ("smell").

Found by deletion neighbourhoods (as SymSpell does): each term is filed under itself and every
form with one letter deleted, so a word's candidates are those of its own deletions, checked by
an exact edit distance. Built once per lexical index, lazily.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from vectorstore.lexical import analyze, stopwords

__all__ = ["MIN_LETTERS", "SpellingTable", "within_one_edit"]

MIN_LETTERS = 6
# A word with more look-alikes than this is ambiguous: correcting it is guessing.
_MAX_CANDIDATES = 3
_WORD = re.compile(r"[^\W\d_]+")


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Whether `b` is `a` with one letter added, dropped, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class SpellingTable:
    """The index's terms by their deletion neighbourhoods."""

    def __init__(self, terms: Iterable[str], languages: Sequence[str]) -> None:
        self._terms = set(terms)
        self._languages = list(languages) or ["nb"]
        self._by_deletion: dict[str, list[str]] = {}
        for term in self._terms:
            # Only a term of five letters or more is one edit from a stem of six or more.
            if len(term) >= MIN_LETTERS - 1 and term.isalpha():
                for form in _deletions(term) | {term}:
                    self._by_deletion.setdefault(form, []).append(term)
        self._function_words = {w for lang in self._languages for w in stopwords(lang) if len(w) >= 3}

    def corrected(self, question: str) -> dict[str, tuple[str, ...]]:
        """The question's unknown words (six letters or more, lower case) and the index terms each
        misspells."""
        found: dict[str, tuple[str, ...]] = {}
        for match in _WORD.finditer(question):
            word = match.group().lower()
            if len(word) < MIN_LETTERS or word in found:
                continue
            if any(within_one_edit(word, w) for w in self._function_words):
                continue
            stems = {s for lang in self._languages for s in analyze(word, lang)}
            if not stems or stems & self._terms:
                continue
            # A short stem has look-alikes that are other words ("blevet": "blev" -> "elev").
            stems = {s for s in stems if len(s) >= MIN_LETTERS}
            candidates = {
                term
                for stem in stems
                for form in _deletions(stem) | {stem}
                for term in self._by_deletion.get(form, ())
                if within_one_edit(stem, term)
            }
            if 0 < len(candidates) <= _MAX_CANDIDATES:
                found[word] = tuple(sorted(candidates))
        return found

    def corrections(self, question: str) -> list[str]:
        """The index terms the question's unknown words misspell, in order."""
        return [term for terms in self.corrected(question).values() for term in terms]
