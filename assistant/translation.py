"""Counterparts of a question's words among the words of the candidate sentences, found by the
embedding model, for a question in another language family than the documents.

The glossary (glossary.py) knows some eighty words of the strategy domain and cognates
(cognates.py) catch words spelt alike; every other English word of a question ("career", "mayor",
"presentation") matched nothing in a Norwegian sentence, so an English question lost the lexical
evidence a Norwegian one gets. The bundled multilingual e5 places a word near its translations, so
each content word, and each pair of adjacent content words (English writes "steering group" where
Norwegian writes "styringsgruppe"), is compared with every word of the candidate sentences.

e5 gives short texts similarities within a narrow band (0.80-0.95), so a fixed similarity cut
means little. A word counts as a counterpart when it stands out from the sentence words for this
question word: at least `MIN_Z` standard deviations above their mean similarity.

Chosen on the 150 English NorQuAD train questions (assistant/learned/norquad-train-en.jsonl)
against their answer passages, judged by the Norwegian question each was translated from: z >= 4
finds 33 % of the Norwegian question's words that the passage holds (3.5: 41 %, 4.5: 22 %), and
52 % of the accepted words are in the Norwegian question (the rest are partly synonyms it did not
use); the glossary found 10 words over the same questions. Words are embedded bare, without e5's
"query: " instruction: as good on that measure (with it: 30 % found, 54 % in the question) and a
third faster.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["EmbedTextsFn", "WordTranslator"]

EmbedTextsFn = Callable[[list[str]], list[list[float]]]

MIN_Z = 4.0
# At most this many counterparts per question word or pair.
MAX_COUNTERPARTS = 3
# Vectors kept between questions (float16, 384 dimensions: ~40 MB at the cap).
MAX_CACHED = 50_000


class WordTranslator:
    """Embeds words once (they recur across questions over one corpus) and looks up counterparts."""

    def __init__(self, embed: EmbedTextsFn) -> None:
        self._embed = embed
        self._vectors: dict[str, np.ndarray] = {}

    def _embed_missing(self, words: Sequence[str]) -> None:
        """One model call for every word not cached yet (question words and sentence words alike)."""
        new = [w for w in dict.fromkeys(words) if w not in self._vectors]
        if len(self._vectors) + len(new) > MAX_CACHED:
            self._vectors.clear()
            new = list(dict.fromkeys(words))
        if new:
            for word, vector in zip(new, self._embed(new), strict=True):
                self._vectors[word] = np.asarray(vector, dtype=np.float16)

    def _matrix(self, words: Sequence[str]) -> np.ndarray:
        return np.stack([self._vectors[w] for w in words]).astype(np.float32)

    def counterparts(self, units: Sequence[str], vocabulary: Sequence[str]) -> dict[str, list[str]]:
        """For each unit (a lowercased word or pair of words), the words of `vocabulary` that stand
        out as its translation; a word that contains the unit itself is left to ordinary matching,
        as is a unit all of whose words `vocabulary` holds."""
        vocabulary = list(dict.fromkeys(vocabulary))
        known = set(vocabulary)
        # A unit whose words the sentences hold as they are (a name, a shared word) needs none.
        units = [u for u in dict.fromkeys(units) if not set(u.split()) <= known]
        if not units or len(vocabulary) < 2:
            return {}
        self._embed_missing([*units, *vocabulary])
        sims = self._matrix(units) @ self._matrix(vocabulary).T
        z = (sims - sims.mean(axis=1, keepdims=True)) / (sims.std(axis=1, keepdims=True) + 1e-9)
        found: dict[str, list[str]] = {}
        for row, unit in enumerate(units):
            best = np.argsort(-z[row], kind="stable")[:MAX_COUNTERPARTS]
            words = [vocabulary[i] for i in best if z[row, i] >= MIN_Z and unit not in vocabulary[i]]
            if words:
                found[unit] = words
        return found
