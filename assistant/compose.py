"""Extractive answers: choose the sentences that answer the question and quote them verbatim.

No language model is available offline, so the answer is made of the passages' own sentences.
Each candidate sentence from the top passages is scored on four kinds of evidence:

- meaning: cosine similarity between the question and the sentence (the same e5 model);
- words: the share of the question's content words (IDF-weighted, stemmed) the sentence contains;
- rank: sentences from better-ranked passages are preferred;
- type: a "how much" question needs an amount, "when" a time, "how many" a number.

Names and numbers in the question must occur in the sentence's document, otherwise the sentence
is about something else ("start-up labs in Hamar in 2022" is not answered by Innlandet's budget).
When no sentence clears the abstention threshold the assistant says the documents don't say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.question import QuestionInfo, has_type_evidence
from assistant.types import Citation, Passage
from ingest.sentences import sentence_spans
from vectorstore.lexical import analyze

__all__ = ["Composition", "ScoredSentence", "compose", "question_entities"]

EmbedFn = Callable[[list[str]], np.ndarray]
IdfFn = Callable[[list[str]], dict[str, float]]

_W_DENSE, _W_LEXICAL, _W_RANK, _W_TYPE = 1.0, 0.6, 0.15, 0.25
_ENTITY_RE = re.compile(r"(?<!^)(?<![.?!] )\b([A-ZÆØÅ][\wæøåÆØÅ.-]*[\wæøå]|[A-ZÆØÅ]{2,}|\d{3,4})\b")


@dataclass(frozen=True)
class ScoredSentence:
    passage_index: int
    start: int
    end: int
    text: str
    score: float
    dense: float
    lexical: float
    typed: bool
    grounded: bool


@dataclass(frozen=True)
class Composition:
    sentences: list[ScoredSentence]
    citations: list[Citation]
    evidence: float
    abstained: bool


def question_entities(question: str) -> list[str]:
    """Names, acronyms and years in the question (not its first word)."""
    body = question.strip()
    found = [m.group(1) for m in _ENTITY_RE.finditer(body) if m.start(1) > 0]
    return list(dict.fromkeys(found))


def _grounded(entities: Sequence[str], passage: Passage) -> bool:
    if not entities:
        return True
    haystack = " ".join((passage.title, passage.publisher, passage.source, passage.text)).lower()
    words = re.findall(r"\w+", haystack)
    for entity in entities:
        key = entity.lower().rstrip(".")
        if key in haystack:
            continue
        # Allow inflection: "Hamars" for "Hamar", "Norges" for "Norge".
        stem = key[: max(4, len(key) - 2)]
        if not any(w.startswith(stem) for w in words):
            return False
    return True


def _lexical_overlap(q_terms: dict[str, float], sentence: str, langs: Sequence[str]) -> float:
    if not q_terms:
        return 0.0
    terms: set[str] = set()
    for lang in langs:
        terms.update(analyze(sentence, lang))
    total = sum(q_terms.values())
    return sum(w for t, w in q_terms.items() if t in terms) / total if total else 0.0


def compose(
    question: QuestionInfo,
    passages: Sequence[Passage],
    query_vector: np.ndarray,
    embed: EmbedFn,
    idf: IdfFn,
    max_sentences: int,
    max_passages: int,
    threshold: float,
) -> Composition:
    """Pick up to `max_sentences` sentences from the top `max_passages` passages, or abstain."""
    pool = list(passages[:max_passages])
    candidates: list[tuple[int, int, int, str]] = []
    for pi, passage in enumerate(pool):
        for start, end in sentence_spans(passage.text):
            text = passage.text[start:end]
            if len(text.split()) >= 3:
                candidates.append((pi, start, end, text))
    if not candidates:
        return Composition([], [], 0.0, True)

    langs = list(dict.fromkeys([question.lang, *(p.lang for p in pool)]))
    q_stems: list[str] = []
    for lang in langs:
        q_stems.extend(analyze(question.text, lang))
    q_terms = idf(list(dict.fromkeys(q_stems)))
    entities = question_entities(question.text)
    grounded = [_grounded(entities, p) for p in pool]

    vectors = embed([c[3] for c in candidates])
    dense = vectors @ query_vector
    scored: list[ScoredSentence] = []
    for (pi, start, end, text), cos in zip(candidates, dense, strict=True):
        lexical = _lexical_overlap(q_terms, text, langs)
        typed = has_type_evidence(question.kind, text)
        score = (
            _W_DENSE * float(cos)
            + _W_LEXICAL * lexical
            + _W_RANK / (pi + 1)
            + (_W_TYPE if typed else -_W_TYPE if question.kind in {"amount", "count", "time"} else 0.0)
        )
        if not grounded[pi]:
            score -= 1.0
        scored.append(ScoredSentence(pi, start, end, text, score, float(cos), lexical, typed, grounded[pi]))

    ranked = sorted(scored, key=lambda s: -s.score)
    best = ranked[0]
    evidence = best.score
    if evidence < threshold or not best.grounded:
        return Composition(ranked[:3], [], evidence, True)

    chosen = [best]
    # A sentence that only restates the question (a heading, a title) needs the one after it.
    q_words = {w.lower() for w in re.findall(r"\w+", question.text)}
    novel = [w for w in re.findall(r"\w+", best.text.lower()) if w not in q_words and len(w) > 3]
    if len(novel) < 3:
        following = [
            s for s in scored
            if s.passage_index == best.passage_index and s.start >= best.end
        ]
        if following:
            chosen.append(min(following, key=lambda s: s.start))
    for s in ranked[1:]:
        if len(chosen) >= max_sentences:
            break
        if s in chosen or not s.grounded or s.score < best.score - 0.08:
            continue
        if s.text == best.text:
            continue
        chosen.append(s)
    chosen = chosen[:max_sentences]
    # Quote in document order within a passage, passages in rank order.
    chosen.sort(key=lambda s: (s.passage_index, s.start))

    citations: list[Citation] = []
    numbers: dict[int, int] = {}
    for s in chosen:
        n = numbers.setdefault(s.passage_index, len(numbers) + 1)
        p = pool[s.passage_index]
        citations.append(
            Citation(
                n=n,
                source=p.source,
                title=p.title,
                chunk_id=p.chunk_id,
                quote=s.text,
                quote_start=s.start,
                quote_end=s.end,
                char_start=p.char_start + s.start,
                char_end=p.char_start + s.end,
                score=round(s.score, 4),
            )
        )
    return Composition(chosen, citations, evidence, False)
