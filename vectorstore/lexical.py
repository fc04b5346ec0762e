"""BM25 over the passages, with Scandinavian stemming, persisted next to the Chroma store.

The lexical index is derived data: Chroma is the source of truth, and the index carries a manifest
(count and a digest of the chunk ids) so a reader can tell when it no longer matches and rebuild it.
Each passage is stemmed with the stemmer of its own language; a query is stemmed with every
language present in the index, so a Danish question still matches Norwegian word forms.

The index is kept in segments, as Lucene does: an ingest appends a segment with the term
frequencies of its new passages and marks replaced or deleted rows dead, so adding one document
to 100,000 passages stems and writes that document only. IDF and the average length are computed
over the live rows when the index is opened, so scores equal those of a freshly built index
(Lucene's BM25, k1 1.2, b 0.75). Dead rows are compacted away once they are a quarter of the rows.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.files import replacing

__all__ = ["LexicalChanges", "LexicalIndex", "analyze", "id_digest", "stopwords"]

_STEMMERS = {
    "nb": "norwegian", "nn": "norwegian", "da": "danish", "sv": "swedish", "en": "english", "de": "german",
}  # fmt: skip
_WORD_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_MANIFEST = "manifest.json"


_K1, _B = 1.2, 0.75
_COMPACT_DEAD_SHARE = 0.25
_MAX_SEGMENTS = 24


# Interrogatives the stop lists of `bm25s` lack: its Norwegian list has "hvilken" and "hvilke" but not
# "hvilket" (nor nynorsk "kvilken"), its English list none of "what", "which", "how", its German one
# not "wer", "wann", "warum". A question is full of them and a passage that happens to use one
# ("hvilket betyr …") gained as much as from a rare name of the question ("Semmering").
_INTERROGATIVES = {
    "nb": "hvilket kvilken kvilket kvilke",
    "nn": "hvilket kvilken kvilket kvilke",
    "en": "what which who whom whose where when why how",
    "de": "wer wen wem wessen wann warum wieso weshalb wieviel",
}


@cache
def stopwords(lang: str) -> frozenset[str]:
    from bm25s import stopwords as sw

    lists = {
        "nb": sw.STOPWORDS_NORWEGIAN,
        "nn": sw.STOPWORDS_NORWEGIAN,
        "da": sw.STOPWORDS_DANISH,
        "sv": sw.STOPWORDS_SWEDISH,
        "en": sw.STOPWORDS_EN,
        "de": sw.STOPWORDS_GERMAN,
    }
    return frozenset(lists.get(lang, ())) | frozenset(_INTERROGATIVES.get(lang, "").split())


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
    """Lower-cased, stop-word-free, stemmed tokens of `text` in language `lang`.

    An acronym is no stop word even when it is spelt like one: "VAR" (video assistant referee) is
    not "var" (was), "IT" not "it", "WHO" not "who". In a text written all in capitals every word
    looks like an acronym, so there the stop list applies as usual."""
    stop = stopwords(lang)
    tokens = [m.group() for m in _WORD_RE.finditer(text)]
    # A single word in capitals is an acronym ("VAR" looked up on its own), not a shout.
    shouting = len(tokens) > 1 and text.isupper()
    words = [t.lower() for t in tokens if t.lower() not in stop or (_is_acronym(t) and not shouting)]
    # Keep hyphenated compounds whole and also as parts ("Midt-Gudbrandsdal" -> both).
    expanded: list[str] = []
    for w in words:
        expanded.append(w)
        if "-" in w:
            expanded.extend(p for p in w.split("-") if p and p not in stop)
    return _stem(expanded, lang)


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


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
    segments: dict[str, list[int]] = field(default_factory=dict)  # name -> its dead rows


@dataclass(frozen=True)
class _Segment:
    """Term frequencies of some passages: a row per passage, a column per vocabulary term."""

    name: str
    ids: list[str]
    tf: Any  # scipy.sparse.csr_matrix of float32
    live: Any  # np.ndarray of bool, one per row


class LexicalIndex:
    """A BM25 index over passages; `apply` returns an updated index, `save` persists it.

    >>> index = LexicalIndex.build([("c1", "Innlandet samarbeider med Tretorget.", "nb")])
    >>> index.search("Tretorget", k=5)[0][0]
    'c1'
    """

    def __init__(self, segments: list[_Segment], vocab: dict[str, int], manifest: _Manifest) -> None:
        from scipy import sparse

        self._segments = segments
        self._vocab = vocab
        self.manifest = manifest
        width = len(vocab)
        mats = [_widen(seg.tf, width) for seg in segments]
        tf = sparse.vstack(mats, format="csr") if mats else sparse.csr_matrix((0, width), dtype=np.float32)
        self._row_ids = [chunk_id for seg in segments for chunk_id in seg.ids]
        self._live = np.concatenate([seg.live for seg in segments]) if segments else np.zeros(0, dtype=bool)
        self._tf = tf.tocsc()
        self._doclen = np.asarray(tf.sum(axis=1), dtype=np.float32).ravel()
        self._n = int(self._live.sum())
        self._avgdl = float(self._doclen[self._live].mean()) if self._n else 1.0
        present = tf[self._live] if self._n else tf[:0]
        self._df = np.diff(present.tocsc().indptr).astype(np.float32)
        self._position = {c: i for i, c in enumerate(self._row_ids) if self._live[i]}
        self.ids = [c for c, alive in zip(self._row_ids, self._live, strict=True) if alive]

    # ---------------------------------------------------------------- building and updating
    @classmethod
    def build(cls, passages: Sequence[tuple[str, str, str]], generation: int = 0) -> LexicalIndex:
        """Index (chunk_id, text, lang) triples from scratch."""
        return cls([], {}, _Manifest(0, id_digest([]), [], generation)).apply(passages, (), generation)

    def apply(
        self, added: Sequence[tuple[str, str, str]], removed: Iterable[str], generation: int
    ) -> LexicalIndex:
        """An index with the `removed` ids gone and the `added` passages (re)indexed."""
        gone = set(removed) | {p[0] for p in added}
        segments = [
            _Segment(
                seg.name, seg.ids, seg.tf, seg.live & np.array([c not in gone for c in seg.ids], dtype=bool)
            )
            for seg in self._segments
        ]
        vocab = dict(self._vocab)
        languages = set(self.manifest.languages)
        if added:
            segments.append(_new_segment(added, vocab))
            languages.update(lang for _, _, lang in added)
        segments = [seg for seg in segments if seg.live.any()]
        rows = sum(len(seg.ids) for seg in segments)
        live_ids = [c for seg in segments for c, alive in zip(seg.ids, seg.live, strict=True) if alive]
        if rows and (1 - len(live_ids) / rows > _COMPACT_DEAD_SHARE or len(segments) > _MAX_SEGMENTS):
            segments, vocab = _compact(segments, vocab)
        manifest = _Manifest(
            len(live_ids),
            id_digest(live_ids),
            sorted(languages),
            generation,
            {seg.name: [int(i) for i in np.flatnonzero(~seg.live)] for seg in segments},
        )
        return LexicalIndex(segments, vocab, manifest)

    # ---------------------------------------------------------------- persistence
    def save(self, directory: Path) -> None:
        """Write new segment files, then swap in the manifest that names them.

        The manifest is the commit point: a crash before it leaves the previous index whole, and
        files no manifest names are removed on the next save.
        """
        directory.mkdir(parents=True, exist_ok=True)
        for seg in self._segments:
            path = directory / f"{seg.name}.npz"
            if not path.exists():
                _atomic_write(path, lambda f, seg=seg: _write_segment(f, seg))
        _atomic_write(
            directory / "vocab.json",
            lambda f: f.write(json.dumps(self._vocab, ensure_ascii=False).encode("utf-8")),
        )
        _atomic_write(directory / _MANIFEST, lambda f: f.write(json.dumps(self.manifest.__dict__).encode()))
        keep = {f"{seg.name}.npz" for seg in self._segments} | {"vocab.json", _MANIFEST}
        for stale in directory.iterdir():
            if stale.name in keep or stale.name.startswith("."):
                continue
            if stale.is_dir():  # the single-file layout of earlier versions
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex | None:
        """The saved index, or None when there is none or it cannot be read."""
        from scipy import sparse

        try:
            manifest = _Manifest(**json.loads((directory / _MANIFEST).read_text(encoding="utf-8")))
            vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
            segments = []
            for name, dead in manifest.segments.items():
                with np.load(directory / f"{name}.npz", allow_pickle=False) as data:
                    ids = [str(i) for i in data["ids"]]
                    tf = sparse.csr_matrix(
                        (data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"])
                    )
                live = np.ones(len(ids), dtype=bool)
                live[np.asarray(dead, dtype=int)] = False
                segments.append(_Segment(name, ids, tf, live))
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            return None
        index = cls(segments, vocab, manifest)
        if len(index.ids) != manifest.count or id_digest(index.ids) != manifest.digest:
            return None
        return index

    # ---------------------------------------------------------------- scoring
    def _idf(self, df: np.ndarray) -> np.ndarray:
        return np.log(1.0 + (self._n - df + 0.5) / (df + 0.5))

    def idf(self, terms: Sequence[str]) -> dict[str, float]:
        """BM25 inverse document frequency of analysed terms (unknown terms get the maximum)."""
        top = float(self._idf(np.zeros(1, dtype=np.float32))[0])
        out: dict[str, float] = {}
        for term in terms:
            col = self._vocab.get(term)
            df = self._df[col] if col is not None and col < len(self._df) else 0.0
            out[term] = float(self._idf(np.array([df]))[0]) if df else top
        return out

    def knows(self, term: str) -> bool:
        """Whether the analysed `term` is in the index's vocabulary."""
        return term in self._vocab

    def terms(self) -> list[str]:
        """The analysed terms the index knows (for matching a question's words to them)."""
        return list(self._vocab)

    def search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk_id, bm25 score) for `query`, optionally restricted to `allowed` ids."""
        if not self._n or k <= 0:
            return []
        tokens: list[str] = []
        for lang in self.manifest.languages or ["nb"]:
            tokens.extend(analyze(query, lang))
        cols = sorted({self._vocab[t] for t in tokens if t in self._vocab})
        if not cols:
            return []
        sub = self._tf[:, cols].tocoo()
        tf = sub.data
        norm = _K1 * (1 - _B + _B * self._doclen[sub.row] / self._avgdl)
        weights = self._idf(self._df[cols])[sub.col] * tf / (tf + norm)  # Lucene 8+: no (k1 + 1)
        scores = np.bincount(sub.row, weights=weights, minlength=len(self._row_ids)).astype(np.float32)
        scores[~self._live] = 0.0
        if allowed is not None:
            mask = np.zeros(len(self._row_ids), dtype=bool)
            mask[[self._position[c] for c in allowed if c in self._position]] = True
            scores[~mask] = 0.0
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._row_ids[i], float(scores[i])) for i in top if scores[i] > 0]


@dataclass
class LexicalChanges:
    """BM25 changes a writer made since the saved index was last in sync with Chroma, so the end of
    an ingest analyses only what it wrote (see `ChunkStore.finish_writes`)."""

    added: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (id, text, lang)
    removed: set[str] = field(default_factory=set)
    base: int | None = None  # the index generation before the first change

    def note(self, added: Sequence[tuple[str, str, str]], removed: Sequence[str]) -> None:
        for chunk_id in removed:
            self.added.pop(chunk_id, None)
            self.removed.add(chunk_id)
        for entry in added:
            self.added[entry[0]] = entry

    def applied(self, saved: LexicalIndex | None, generation: int) -> LexicalIndex | None:
        """`saved` with these changes, or None when it did not match Chroma before them."""
        if saved is None or self.base is None or saved.manifest.generation != self.base:
            return None
        return saved.apply(list(self.added.values()), sorted(self.removed), generation)


def _new_segment(passages: Sequence[tuple[str, str, str]], vocab: dict[str, int]) -> _Segment:
    """Analyse passages into a term-frequency segment, growing `vocab` with new terms."""
    from scipy import sparse

    indptr: list[int] = [0]
    indices: list[int] = []
    data: list[int] = []
    for _, text, lang in passages:
        counts: dict[int, int] = {}
        for term in analyze(text, lang):
            col = vocab.setdefault(term, len(vocab))
            counts[col] = counts.get(col, 0) + 1
        indices.extend(counts)
        data.extend(counts.values())
        indptr.append(len(indices))
    tf = sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
        shape=(len(passages), len(vocab)),
    )
    return _Segment(uuid.uuid4().hex[:16], [p[0] for p in passages], tf, np.ones(len(passages), dtype=bool))


def _compact(segments: list[_Segment], vocab: dict[str, int]) -> tuple[list[_Segment], dict[str, int]]:
    """One segment of the live rows, with the vocabulary they still use."""
    from scipy import sparse

    width = len(vocab)
    tf = sparse.vstack([_widen(seg.tf, width)[seg.live] for seg in segments], format="csc")
    used = np.flatnonzero(np.diff(tf.indptr))
    by_col = {col: term for term, col in vocab.items()}
    new_vocab = {by_col[int(col)]: i for i, col in enumerate(used)}
    ids = [c for seg in segments for c, alive in zip(seg.ids, seg.live, strict=True) if alive]
    merged = tf[:, used].tocsr()
    return [_Segment(uuid.uuid4().hex[:16], ids, merged, np.ones(len(ids), dtype=bool))], new_vocab


def _widen(tf: Any, width: int) -> Any:
    """The same rows over a vocabulary that has grown since the segment was written."""
    if tf.shape[1] == width:
        return tf
    tf = tf.copy()
    tf.resize((tf.shape[0], width))
    return tf


def _write_segment(f: Any, seg: _Segment) -> None:
    np.savez(
        f,
        ids=np.asarray(seg.ids, dtype=str),
        data=seg.tf.data,
        indices=seg.tf.indices,
        indptr=seg.tf.indptr,
        shape=np.asarray(seg.tf.shape),
    )


def _atomic_write(path: Path, write: Any) -> None:
    """Write through a temporary sibling renamed over `path` (readers never see half a file)."""
    with replacing(path) as tmp, open(tmp, "wb") as f:
        write(f)
