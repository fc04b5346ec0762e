"""Tune the answer-sentence weights and calibrate the abstention threshold; prints the numbers.

    python benchmarks/calibrate.py \
        --answerable DATA_DIR=QUESTIONS.jsonl [...] \
        --unanswerable DATA_DIR=QUESTIONS.jsonl [...]

Each `--answerable` pair is an index (an ASSISTANT_DATA_DIR built with `strategy-assistant
ingest`) and a question set over it; its answerable questions drive the weight search (maximise
answer_match). Each `--unanswerable` pair asks questions the index cannot answer: the set's own
`answerable: false` questions, or a whole set asked against an index of other documents (for
example NorQuAD's Wikipedia questions against the strategy corpus). The threshold is the one that
maximises balanced accuracy between answering the answerable and abstaining on the rest.

Features are computed once per question with the real model; the search then only re-weighs them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pickle
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.compose import (
    ScoredSentence,
    Weights,
    _grounded,
    question_entities,
    select,
    sentence_features,
)
from assistant.core import Assistant
from assistant.evaluation import EvalQuestion, fold, load_questions
from assistant.followup import resolve_followup
from assistant.question import QuestionInfo, analyze_question, has_type_evidence
from assistant.types import Passage
from vectorstore.embeddings import load_embeddings
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore


@dataclass
class Case:
    question: EvalQuestion
    info: QuestionInfo
    pool: list[Passage]
    features: list[ScoredSentence]
    answerable: bool


def collect(pairs: list[str], answerable_only: bool | None, embeddings: object) -> list[Case]:
    cases: list[Case] = []
    for pair in pairs:
        data_dir, _, questions_path = pair.partition("=")
        settings = StoreSettings(data_dir=Path(data_dir))
        store = ChunkStore(settings, embeddings)  # type: ignore[arg-type]
        assistant = Assistant(store=store)
        assistant.warm_up()
        questions = load_questions(Path(questions_path))
        for q in questions:
            if answerable_only is True and not q.answerable:
                continue
            if answerable_only is False and q.answerable:
                continue
            info = analyze_question(resolve_followup(q.question, None))
            vector = np.asarray(store.embeddings.embed_query(q.question), dtype=np.float32)
            pool = assistant.retriever.retrieve(q.question, info.lang, 5, query_vector=vector)
            feats = sentence_features(
                info,
                pool,
                vector,
                assistant._embed_sentences,
                store.lexical().idf,
                assistant.settings.answer_passages,
                store.sentence_vectors([p.chunk_id for p in pool[: assistant.settings.answer_passages]]),
            )
            is_answerable = q.answerable if answerable_only is not False else False
            cases.append(Case(q, info, pool[: assistant.settings.answer_passages], feats, is_answerable))
        print(f"collected {len(questions)} questions from {pair}", file=sys.stderr)
    return cases


def answer_match(cases: list[Case], weights: Weights, max_sentences: int) -> float:
    hits = 0
    for c in cases:
        comp = select(c.info, c.pool, c.features, weights, max_sentences, threshold=-1e9)
        text = fold(" ".join(s.text for s in comp.sentences))
        hits += any(fold(a) and fold(a) in text for a in c.question.expected_answers)
    return hits / max(1, len(cases))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answerable", action="append", default=[])
    parser.add_argument("--unanswerable", action="append", default=[])
    parser.add_argument("--max-sentences", type=int, default=2)
    parser.add_argument("--cache", type=Path, help="pickle of collected features to reuse")
    args = parser.parse_args()

    if args.cache and args.cache.exists():
        positives, negatives = pickle.loads(args.cache.read_bytes())
    else:
        embeddings = load_embeddings(StoreSettings())
        positives = collect(args.answerable, True, embeddings)
        negatives = collect(args.answerable, False, embeddings) + collect(args.unanswerable, None, embeddings)
        for c in negatives:
            c.answerable = False
        if args.cache:
            args.cache.write_bytes(pickle.dumps((positives, negatives)))
    # Grounding is a property of (question, passage): recompute it with the live code, so a cache
    # made before a change to it stays usable.
    # The same for the answer type and its evidence: functions of the texts only.
    for c in positives + negatives:
        entities = question_entities(c.info.text)
        flags = [_grounded(entities, p) for p in c.pool]
        c.info = replace(c.info, kind=analyze_question(c.info.text).kind)
        c.features = [
            replace(
                f, grounded=flags[f.passage_index], typed=has_type_evidence(c.info.kind, f.text, c.info.text)
            )
            for f in c.features
        ]
    oracle = sum(
        any(fold(a) in fold(p.text) for p in c.pool for a in c.question.expected_answers if fold(a))
        for c in positives
    ) / max(1, len(positives))
    print(f"ceiling: an expected answer occurs in the top passages for {oracle:.4f} of answerable questions")

    grid = {
        "dense": [1.0],
        "lexical": [0.05, 0.1, 0.2, 0.3],
        "rank": [0.0],
        "passage": [0.1, 0.2, 0.3],
        "typed": [0.03, 0.05, 0.08, 0.12],
        "second_margin": [0.12, 0.16, 0.24],
    }
    results = []
    for values in itertools.product(*grid.values()):
        weights = Weights(**dict(zip(grid, values, strict=True)))
        results.append((answer_match(positives, weights, args.max_sentences), weights))
    results.sort(key=lambda r: -r[0])
    default = answer_match(positives, Weights(), args.max_sentences)
    print(f"answer_match with current defaults: {default:.4f}  ({len(positives)} answerable questions)")
    for score, weights in results[:8]:
        print(f"  {score:.4f}  {weights}")
    best = results[0][1]

    def evidence(c: Case) -> float:
        return select(c.info, c.pool, c.features, best, args.max_sentences, threshold=-1e9).evidence

    pos = np.array([evidence(c) for c in positives])
    neg = np.array([evidence(c) for c in negatives]) if negatives else np.array([])
    candidates = np.unique(np.concatenate([pos, neg]))
    scored = []
    for t in candidates:
        tpr = float((pos >= t).mean())
        tnr = float((neg < t).mean()) if len(neg) else 1.0
        scored.append(((tpr + tnr) / 2, tpr, tnr, float(t)))
    scored.sort(key=lambda r: (-r[0], r[3]))
    balanced, tpr, tnr, threshold = scored[0]
    print(
        json.dumps(
            {
                "weights": best.__dict__,
                "abstain_threshold": round(threshold, 4),
                "balanced_accuracy": round(balanced, 4),
                "answerable_kept": round(tpr, 4),
                "unanswerable_abstained": round(tnr, 4),
                "n_answerable": len(pos),
                "n_unanswerable": len(neg),
                "evidence_answerable_p5_p50": [round(float(np.percentile(pos, q)), 3) for q in (5, 50)],
                "evidence_unanswerable_p50_p95": (
                    [round(float(np.percentile(neg, q)), 3) for q in (50, 95)] if len(neg) else []
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
