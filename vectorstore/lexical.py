"""BM25 over the passages, with Scandinavian stemming, persisted next to the Chroma store.

The lexical index is derived data: Chroma is the source of truth, and the index carries a manifest
(count and a digest of the chunk ids) so a reader can tell when it no longer matches and rebuild it.
Each passage is stemmed with the stemmer of its own language; a query is stemmed with every
language present in the index, so a Danish question still matches Norwegian word forms.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["LexicalIndex", "analyze", "id_digest"]

_STEMMERS = {"nb": "norwegian", "nn": "norwegian", "da": "danish", "sv": "swedish", "en": "english"}
_WORD_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_MANIFEST = "manifest.json"


@cache
def _stopwords(lang: str) -> frozenset[str]:
    from bm25s import stopwords as sw

    lists = {
        "nb": sw.STOPWORDS_NORWEGIAN,
        "nn": sw.STOPWORDS_NORWEGIAN,
        "da": sw.STOPWORDS_DANISH,
        "sv": sw.STOPWORDS_SWEDISH,
        "en": sw.STOPWORDS_EN,
    }
    return frozenset(lists.get(lang, ()))


_stemmer_lock = threading.Lock()
_stemmers: dict[str, Any] = {}


def _stem(words: list[str], lang: str) -> list[str]:
    import Stemmer

    algorithm = _STEMMERS.get(lang, "norwegian")
    with _stemmer_lock:  # PyStemmer objects are not thread-safe
        stemmer = _stemmers.get(algorithm)
        if stemmer is None:
            stemmer = _stemmers[algorithm] = Stemmer.Stemmer(algorithm)
        return list(stemmer.stemWords(words))


def analyze(text: str, lang: str) -> list[str]:
    """Lower-cased, stop-word-free, stemmed tokens of `text` in language `lang`."""
    stop = _stopwords(lang)
    words = [w for w in (m.group().lower() for m in _WORD_RE.finditer(text)) if w not in stop]
    # Keep hyphenated compounds whole and also as parts ("Midt-Gudbrandsdal" -> both).
    expanded: list[str] = []
    for w in words:
        expanded.append(w)
        if "-" in w:
            expanded.extend(p for p in w.split("-") if p and p not in stop)
    return _stem(expanded, lang)


def id_digest(ids: Iterable[str]) -> str:
    """Order-independent digest of a set of chunk ids (for consistency checks with Chroma)."""
    h = hashlib.sha256()
    for chunk_id in sorted(ids):
        h.update(chunk_id.encode())
        h.update(b"\n")
    return h.hexdigest()


@dataclass(frozen=True)
class _Manifest:
    count: int
    digest: str
    languages: list[str]
    generation: int


class LexicalIndex:
    """An immutable BM25 index over passages; build a new one to change it."""

    def __init__(self, retriever: Any, ids: list[str], manifest: _Manifest) -> None:
        self._retriever = retriever
        self.ids = ids
        self.manifest = manifest
        self._position = {chunk_id: i for i, chunk_id in enumerate(ids)}

    @classmethod
    def build(
        cls, passages: Sequence[tuple[str, str, str]], generation: int = 0, show_progress: bool = False
    ) -> LexicalIndex:
        """Index (chunk_id, text, lang) triples."""
        import bm25s

        ids = [p[0] for p in passages]
        corpus = [analyze(text, lang) or ["\u2205"] for _, text, lang in passages]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        if corpus:
            retriever.index(corpus, show_progress=show_progress)
        languages = sorted({lang for _, _, lang in passages})
        manifest = _Manifest(len(ids), id_digest(ids), languages, generation)
        return cls(retriever if corpus else None, ids, manifest)

    def save(self, directory: Path) -> None:
        """Write to a temporary sibling, then swap it in, so readers never see half an index."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".lexical-", dir=directory.parent))
        try:
            if self._retriever is not None:
                self._retriever.save(str(tmp / "bm25"), show_progress=False)
            (tmp / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
            (tmp / _MANIFEST).write_text(json.dumps(self.manifest.__dict__), encoding="utf-8")
            old = directory.with_name(directory.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if directory.exists():
                os.replace(directory, old)
            os.replace(tmp, directory)
            shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex | None:
        """The saved index, or None when there is none or it cannot be read."""
        try:
            raw = json.loads((directory / _MANIFEST).read_text(encoding="utf-8"))
            manifest = _Manifest(**raw)
            ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
            retriever = None
            if ids:
                import bm25s

                retriever = bm25s.BM25.load(str(directory / "bm25"), show_progress=False)
        except (OSError, ValueError, TypeError):
            return None
        if len(ids) != manifest.count:
            return None
        return cls(retriever, ids, manifest)

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """BM25 inverse document frequency of analysed terms (unknown terms get the maximum)."""
        n = max(1, len(self.ids))
        top = float(np.log(1 + (n + 0.5) / 0.5))
        if self._retriever is None:
            return dict.fromkeys(terms, top)
        vocab = self._retriever.vocab_dict
        indptr = self._retriever.scores["indptr"]
        out: dict[str, float] = {}
        for term in terms:
            col = vocab.get(term)
            df = 0 if col is None else int(indptr[col + 1] - indptr[col])
            out[term] = float(np.log(1 + (n - df + 0.5) / (df + 0.5))) if df else top
        return out

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk_id, bm25 score) for `query`, optionally restricted to `allowed` ids."""
        if self._retriever is None or k <= 0:
            return []
        tokens: list[str] = []
        for lang in self.manifest.languages or ["nb"]:
            tokens.extend(analyze(query, lang))
        vocab = self._retriever.vocab_dict
        tokens = list(dict.fromkeys(t for t in tokens if t in vocab))
        if not tokens:
            return []
        scores = np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
        if allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            for chunk_id in allowed:
                pos = self._position.get(chunk_id)
                if pos is not None:
                    mask[pos] = True
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
