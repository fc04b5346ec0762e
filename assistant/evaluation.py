"""Run a question set through the same `Assistant` the chat uses and score it.

Question sets are JSONL or CSV with `id, question, expected_answers, expected_sources, answerable,
lang, topic`; ragas' field names (`user_input`, `reference`, `reference_context_ids`) are accepted
too. Metrics (all over the current index, deterministic):

- hit@k / mrr@10: rank of the first passage from an expected source, over answerable questions;
- evidence_hit@k / evidence_mrr@10: rank of the first retrieved passage that holds an expected
  answer (same folding as answer_match) and comes from an expected source: with few documents the
  file-level hit is trivially 1.0, this one still sees the passage that answers never retrieved;
- answer_match: an expected answer occurs in the answer (case, space and punctuation folded, the
  [n] markers between quotes left out, so a span over two quoted sentences counts); for a
  question marked `expected_all` (a list whose answer needs every item), every expected answer must;
- answer_complete: the share of `expected_all` questions whose answer holds every item;
- abstain_precision / abstain_recall: abstentions that were right / unanswerables abstained on;
- citation_precision: share of citations that point into an expected source;
- quote_verbatim: share of quotes that are exact substrings of the stored passage they cite;
- latency_p50_ms / latency_p95_ms: whole `ask` time;
- with a model server configured (generative mode) also supported_sentence_share (sentences of
  generated answers that passed verification) and valid_citation_share (the model's [n] markers
  that named a passage it was given).
"""

from __future__ import annotations

import csv
import json
import re
import statistics
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.core import Assistant
from assistant.types import Answer

__all__ = [
    "METRICS",
    "EvalQuestion",
    "QuestionResult",
    "contains_answer",
    "fold",
    "is_right",
    "load_questions",
    "results_jsonl",
    "run_eval",
    "score_answer",
    "summarize",
]

METRICS = (
    "hit@1", "hit@3", "hit@5", "mrr@10", "evidence_hit@1", "evidence_hit@3", "evidence_hit@5",
    "evidence_mrr@10", "answer_match", "answer_complete", "abstain_precision", "abstain_recall",
    "citation_precision", "quote_verbatim", "latency_p50_ms", "latency_p95_ms",
)  # fmt: skip
# Question kinds a set may name (free text is accepted too; these are the ones the docs describe).
KINDS = ("fact", "list", "why", "how", "comparison", "unanswerable", "typo", "followup")
_RANKING_DEPTH = 20


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    expected_answers: list[str]
    expected_sources: list[str]
    answerable: bool = True
    lang: str = ""
    topic: str = ""
    kind: str = ""
    # Every expected answer must be in the answer (a list question), not just one of them.
    expected_all: bool = False


@dataclass
class QuestionResult:
    id: str
    question: str
    lang: str
    topic: str
    answerable: bool
    answer: str
    abstained: bool
    citations: list[dict[str, Any]]
    retrieved_sources: list[str]
    retrieve_ms: float
    total_ms: float
    first_hit_rank: int | None
    answer_match: bool
    citations_in_expected: int
    quotes_verbatim: int
    kind: str = ""
    expected_all: bool = False
    expected_answers: list[str] = field(default_factory=list)
    # The expected answers the answer holds (all of them count for `expected_all` questions).
    matched_answers: list[str] = field(default_factory=list)
    # Rank of the first retrieved passage that holds an expected answer (evidence_hit@k).
    evidence_rank: int | None = None
    passed: dict[str, bool] = field(default_factory=dict)
    # Generative mode: the model's sentences, those verified, its [n] markers, those valid.
    generated: bool = False
    sentences: int = 0
    supported_sentences: int = 0
    citation_markers: int = 0
    valid_citation_markers: int = 0


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
            return [str(v) for v in parsed]
        except ValueError:
            pass
    return [part.strip() for part in text.split("|") if part.strip()]


def _as_bool(value: Any, default: bool = True) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "ja", "y"}


def _question(row: dict[str, Any], index: int) -> EvalQuestion:
    question = row.get("question") or row.get("user_input")
    if not question:
        raise ValueError(f"row {index + 1}: no 'question' (or 'user_input') field")
    answers = _as_list(row.get("expected_answers", row.get("reference")))
    sources = _as_list(row.get("expected_sources", row.get("reference_context_ids")))
    answerable = _as_bool(row.get("answerable"), default=True)
    kind = str(row.get("kind") or ("" if answerable else "unanswerable"))
    return EvalQuestion(
        id=str(row.get("id") or f"q{index + 1}"),
        question=str(question),
        expected_answers=answers,
        expected_sources=[Path(s).name for s in sources],
        answerable=answerable,
        lang=str(row.get("lang") or ""),
        topic=str(row.get("topic") or ""),
        kind=kind,
        expected_all=_as_bool(row.get("expected_all"), default=False),
    )


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read a question set (.jsonl, .json list, or .csv with the same columns)."""
    text = path.read_text(encoding="utf-8-sig")
    rows: list[dict[str, Any]]
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
    elif path.suffix.lower() == ".json":
        rows = json.loads(text)
    else:
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as exc:
                    raise ValueError(f"{path}:{n}: not valid JSON ({exc})") from exc
    questions = [_question(row, i) for i, row in enumerate(rows)]
    if not questions:
        raise ValueError(f"{path} contains no questions")
    return questions


def fold(text: str) -> str:
    """Case-, whitespace- and punctuation-folded text for answer matching."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


# A citation marker: "[1]" after a quote. It is no part of the quoted text, and between two quoted
# sentences it would break an expected span that runs over both ("… digitalt.” [1] “Det er …").
_MARKER = re.compile(r"\[\d+\]")


def answer_words(answer: str) -> str:
    """An answer's text folded for matching, without its citation markers."""
    return fold(_MARKER.sub(" ", answer))


def contains_answer(folded_text: str, expected: str) -> bool:
    """Whether `folded_text` (already folded) holds `expected`, by the answer_match rule."""
    key = fold(expected)
    return bool(key) and key in folded_text


def score_answer(
    q: EvalQuestion, answer: Answer, passage_text: Callable[[str], str | None]
) -> QuestionResult:
    """Score one answer; `passage_text(chunk_id)` reads the stored passage to check quotes."""
    sources: list[str] = []
    for p in answer.passages:
        if p.source not in sources:
            sources.append(p.source)
    expected = set(q.expected_sources)
    rank = next((i for i, s in enumerate(sources) if s in expected), None)
    folded = answer_words(answer.text)
    found = [] if answer.abstained else [a for a in q.expected_answers if contains_answer(folded, a)]
    if q.expected_all:
        matched = bool(q.expected_answers) and len(found) == len(q.expected_answers)
    else:
        matched = bool(found)
    evidence_rank = next(
        (
            i
            for i, p in enumerate(answer.passages)
            if (not expected or p.source in expected)
            and any(contains_answer(fold(p.text), a) for a in q.expected_answers)
        ),
        None,
    )
    in_expected = sum(1 for c in answer.citations if c.source in expected)
    verbatim = 0
    for c in answer.citations:
        stored = passage_text(c.chunk_id)
        if stored is not None and c.quote and c.quote in stored:
            verbatim += 1
    result = QuestionResult(
        id=q.id,
        question=q.question,
        lang=q.lang or answer.lang,
        topic=q.topic,
        answerable=q.answerable,
        answer=answer.text,
        abstained=answer.abstained,
        citations=[
            {"n": c.n, "source": c.source, "chunk_id": c.chunk_id, "quote": c.quote} for c in answer.citations
        ],
        retrieved_sources=sources,
        retrieve_ms=answer.timings_ms.get("retrieve_ms", 0.0),
        total_ms=answer.timings_ms.get("total_ms", 0.0),
        first_hit_rank=rank,
        answer_match=matched,
        citations_in_expected=in_expected,
        quotes_verbatim=verbatim,
        kind=q.kind,
        expected_all=q.expected_all,
        expected_answers=list(q.expected_answers),
        matched_answers=found,
        evidence_rank=evidence_rank,
        generated=answer.generated,
        sentences=len(answer.sentences),
        supported_sentences=sum(1 for s in answer.sentences if s.supported),
        citation_markers=sum(s.citations_written for s in answer.sentences),
        valid_citation_markers=sum(len(s.cited) for s in answer.sentences),
    )
    if q.answerable:
        for k in (1, 3, 5):
            result.passed[f"hit@{k}"] = rank is not None and rank < k
        for k in (1, 3, 5):
            result.passed[f"evidence_hit@{k}"] = evidence_rank is not None and evidence_rank < k
        result.passed["answer_match"] = matched
        if answer.citations:
            result.passed["citation_precision"] = in_expected == len(answer.citations)
    else:
        result.passed["abstained"] = answer.abstained
    if answer.citations:
        result.passed["quote_verbatim"] = verbatim == len(answer.citations)
    return result


def _mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return round(sum(items) / len(items), 4) if items else None


def _percentile(values: Sequence[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return round(ordered[0], 1)
    return round(statistics.quantiles(ordered, n=100, method="inclusive")[int(pct) - 1], 1)


def is_right(result: QuestionResult) -> bool:
    """The one verdict per question that regressions compare: answered (completely, for a list)
    when answerable, abstained when not."""
    return result.answer_match if result.answerable else result.abstained


def _rank_metrics(prefix: str, ranks: Sequence[int | None]) -> dict[str, float | None]:
    def hit(rk: int | None, k: int) -> float:
        return 1.0 if rk is not None and rk < k else 0.0

    metrics: dict[str, float | None] = {
        f"{prefix}hit@{k}": _mean(hit(rk, k) for rk in ranks) for k in (1, 3, 5)
    }
    metrics[f"{prefix}mrr@10"] = _mean(1.0 / (rk + 1) if rk is not None and rk < 10 else 0.0 for rk in ranks)
    return metrics


def _metrics(results: Sequence[QuestionResult]) -> dict[str, float | None]:
    answerable = [r for r in results if r.answerable]
    lists = [r for r in answerable if r.expected_all]
    unanswerable = [r for r in results if not r.answerable]
    abstained = [r for r in results if r.abstained]
    citations = sum(len(r.citations) for r in answerable)
    quotes = sum(len(r.citations) for r in results)
    latencies = [r.total_ms for r in results]
    metrics: dict[str, float | None] = {
        **_rank_metrics("", [r.first_hit_rank for r in answerable]),
        **_rank_metrics("evidence_", [r.evidence_rank for r in answerable if r.expected_answers]),
        "answer_match": _mean(1.0 if r.answer_match else 0.0 for r in answerable),
        "answer_complete": _mean(1.0 if r.answer_match else 0.0 for r in lists),
        "abstain_precision": _mean(0.0 if r.answerable else 1.0 for r in abstained),
        "abstain_recall": _mean(1.0 if r.abstained else 0.0 for r in unanswerable),
        "citation_precision": (
            round(sum(r.citations_in_expected for r in answerable) / citations, 4) if citations else None
        ),
        "quote_verbatim": (round(sum(r.quotes_verbatim for r in results) / quotes, 4) if quotes else None),
        "latency_p50_ms": _percentile(latencies, 50),
        "latency_p95_ms": _percentile(latencies, 95),
    }
    if any(r.sentences for r in results):  # generative mode
        sentences = sum(r.sentences for r in results)
        markers = sum(r.citation_markers for r in results)
        supported = sum(r.supported_sentences for r in results)
        metrics["supported_sentence_share"] = round(supported / sentences, 4) if sentences else None
        valid = sum(r.valid_citation_markers for r in results)
        metrics["valid_citation_share"] = round(valid / markers, 4) if markers else None
    return metrics


def summarize(results: Sequence[QuestionResult], config: dict[str, Any]) -> dict[str, Any]:
    """The summary.json structure: overall metrics, and the same per language, topic and kind."""

    def grouped(key: str) -> dict[str, Any]:
        groups: dict[str, list[QuestionResult]] = {}
        for r in results:
            groups.setdefault(getattr(r, key) or "(none)", []).append(r)
        return {name: {"n": len(rs), "metrics": _metrics(rs)} for name, rs in sorted(groups.items())}

    return {
        "n": len(results),
        "metrics": _metrics(results),
        "by_lang": grouped("lang"),
        "by_topic": grouped("topic"),
        "by_kind": grouped("kind"),
        "config": config,
    }


def run_eval(
    assistant: Assistant,
    questions: Sequence[EvalQuestion],
    mode: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[QuestionResult]:
    """Ask every question (no history, no filters) and score the answers."""
    cache: dict[str, str | None] = {}

    def passage_text(chunk_id: str) -> str | None:
        if chunk_id not in cache:
            found = assistant.store.get_passages([chunk_id])
            cache[chunk_id] = found[0].page_content if found else None
        return cache[chunk_id]

    results = []
    for i, q in enumerate(questions):
        answer = assistant.ask(q.question, mode=mode, k=_RANKING_DEPTH)
        results.append(score_answer(q, answer, passage_text))
        if progress:
            progress(i + 1)
    return results


def results_jsonl(results: Sequence[QuestionResult]) -> str:
    return "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in results)
