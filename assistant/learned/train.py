"""Train the answer-sentence selector and the abstainer; writes selector.json and abstainer.json here.

    python -m assistant.learned.train [--norquad-index DIR] [--strategy-index DIR] [--cache FILE]
        [--rerank-cache FILE]

Data (all from ../shared, NorQuAD's test split never used):

- selector: NorQuAD **train** questions over an index of the whole NorQuAD passage pool. Every
  candidate sentence of the top passages is a row; it is positive when it comes from the expected
  file and contains a gold answer. Only general features (selector.SENTENCE_FEATURES): nothing
  keyed to a passage, a document or a word list.
- abstainer: one row per question. Answerable: NorQuAD train over NorQuAD, 150 of those questions
  in English (norquad-train-en.jsonl, translated by the developers) over NorQuAD, and the
  hand-written answerable questions of eval/calibration-strategy.jsonl over the strategy corpus.
  Unanswerable: NorQuAD train questions, Norwegian and English, asked of the strategy corpus, the
  calibration set's near-miss questions (right topic, missing detail) over the strategy corpus,
  and its answerable questions asked of NorQuAD. Each group carries a fixed share of the weight
  (`weighting` in main), so the few in-domain and English questions count as much as the many
  NorQuAD ones. The threshold maximises that weighted balanced accuracy. Two of its features are
  the shipped reranker's scores of the selector's best few (as at answer time), so after
  `train_reranker` writes a new reranker, run this again (the caches make that ~5 minutes).

Validation (printed, never used to fit): NorQuAD validation, the held-out check of both models.
Both models are scikit-learn logistic regressions with a fixed seed: a linear model over a score
vector of twenty features is enough (a gradient-boosted model gained nothing on validation, see
the closing note of the answers issue), its weights are a small JSON file a reviewer can read,
and inference is one dot product in numpy. The whole run takes about 35 minutes here (15 to collect
the candidates, 18 for the reranker's scores), 50 with the two indexes built from scratch.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.compose import (
    _NEEDS_TYPE,
    Coverage,
    Plan,
    ScoredSentence,
    coverage,
    grounded_passages,
    question_entities,
    ranking_kind,
    select,
    sentence_features,
)
from assistant.core import Assistant
from assistant.evaluation import EvalQuestion, contains_answer, fold, load_questions
from assistant.question import QuestionInfo, analyze_question, answer_plan, has_type_evidence
from assistant.selector import (
    ABSTAIN_FEATURES,
    LEARNED_DIR,
    SENTENCE_FEATURES,
    LinearModel,
    abstain_features,
    load_model,
    sentence_logits,
    sentence_matrix,
)
from assistant.types import Passage

PROJECT = Path(__file__).resolve().parents[2]
SHARED = PROJECT.parent / "shared"
NORQUAD = SHARED / "benchmarks" / "norquad"
# 150 NorQuAD train questions (a fixed random sample) translated into English by the developers,
# answers and sources unchanged: the abstainer's only English questions over Norwegian text at
# scale, answerable over NorQuAD and unanswerable over the strategy corpus.
ENGLISH_TRAIN = Path(__file__).resolve().parent / "norquad-train-en.jsonl"
SEED = 20261130
MIN_ANSWERED = 0.96
SENTENCE_COST = 0.05
LEAD_PRECISION = 0.85
LIST_ITEM_COST = 0.05


@dataclass
class Case:
    """One question asked of one index: its candidates, their features and labels."""

    question: EvalQuestion
    info: QuestionInfo
    features: list[ScoredSentence]
    matrix: np.ndarray
    labels: np.ndarray
    pool: list[Passage]
    cross_language: bool
    covered: Coverage


def refreshed_features(
    info: QuestionInfo, pool: list[Passage], features: list[ScoredSentence]
) -> list[ScoredSentence]:
    """The cached candidates with what the current code says of them: whether a sentence has the
    asked type and whether its passage holds the question's names."""
    grounded = grounded_passages(info, pool)
    return [
        replace(
            f,
            typed=has_type_evidence(ranking_kind(info.kind), f.text, info.text),
            grounded=grounded[f.passage_index],
        )
        for f in features
    ]


def _store(data_dir: Path, corpus: Path) -> Any:
    from assistant.runtime import open_store
    from ingest.pipeline import ingest_paths
    from ingest.settings import IngestSettings
    from vectorstore.settings import StoreSettings

    store = open_store(StoreSettings(data_dir=data_dir))
    if store.is_empty():
        print(f"ingesting {corpus} into {data_dir} (once) ...", file=sys.stderr)
        # The weights are fitted on separate sentence vectors (answering refines pooled ones to
        # those where it matters), so the training indexes keep them whatever the default.
        ingest_paths([corpus], store, settings=IngestSettings(sentence_vectors="separate"))
    return store


def collect(assistant: Assistant, questions: list[EvalQuestion], label: str) -> list[Case]:
    store = assistant.store
    cases = []
    # As answering does: English questions get their words' counterparts (assistant/translation.py).
    translator = assistant.translator if assistant.settings.translate_words else None
    started = time.perf_counter()
    for n, q in enumerate(questions, 1):
        info = analyze_question(q.question)
        vector = np.asarray(store.embeddings.embed_query(q.question), dtype=np.float32)
        pool = assistant.retriever.retrieve(q.question, info.lang, 20, query_vector=vector)
        top = pool[: assistant.settings.answer_passages]
        features = sentence_features(
            info, top, vector, store.sentence_vectors, store.idf, len(top), translator=translator
        )
        if not features:
            continue
        expected = set(q.expected_sources)
        labels = np.array(
            [
                top[f.passage_index].source in expected
                and any(contains_answer(fold(f.text), a) for a in q.expected_answers)
                for f in features
            ],
            dtype=bool,
        )
        cases.append(
            Case(
                q,
                info,
                features,
                _matrix(info, features),
                labels,
                top,
                info.lang != top[0].lang,
                coverage(info, top, store.idf),
            )
        )
        if n % 500 == 0:
            print(f"  {label}: {n}/{len(questions)} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return cases


def _matrix(info: QuestionInfo, features: list[ScoredSentence]) -> np.ndarray:
    entity_words = [w for group in question_entities(info.text, info.lang) for w in group]
    return sentence_matrix(
        features, info.kind in _NEEDS_TYPE, info.kind, answer_plan(info.text), info.text, entity_words
    )


def fit_selector(cases: list[Case], l2: float) -> LinearModel:
    """Conditional logit: per question a softmax over its candidate sentences, maximising the
    probability of the sentences that hold the answer. This is the decision the answer makes (one
    sentence out of forty), where a per-row classifier would also spend itself on telling apart
    sentences of different questions."""
    usable = [c for c in cases if c.labels.any()]
    stacked = np.concatenate([c.matrix for c in usable])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0)
    scale[scale == 0] = 1.0
    xs = [(c.matrix - mean) / scale for c in usable]
    coef = conditional_logit(xs, [c.labels for c in usable], l2, np.zeros(stacked.shape[1]))
    return LinearModel((), mean, scale, coef, 0.0)


def conditional_logit(xs: list[np.ndarray], ys: list[np.ndarray], l2: float, start: np.ndarray) -> np.ndarray:
    """Weights of a softmax over each question's rows (`xs`), maximising the probability of the rows
    `ys` marks as holding the answer; L2-penalised, fitted with L-BFGS."""
    from scipy.optimize import minimize

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for x, y in zip(xs, ys, strict=True):
            z = x @ w
            z -= z.max()
            p = np.exp(z)
            p /= p.sum()
            py = p[y].sum()
            total -= float(np.log(py + 1e-12))
            grad += p @ x - (p[y] @ x[y]) / py
        return total / len(xs) + l2 * float(w @ w), grad / len(xs) + 2 * l2 * w

    return np.asarray(minimize(loss, start, jac=True, method="L-BFGS-B").x)


def _fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None, c: float) -> LinearModel:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000, random_state=SEED)
    model.fit((x - mean) / scale, y, sample_weight=weights)
    return LinearModel((), mean, scale, model.coef_[0].astype(np.float64), float(model.intercept_[0]))


def _named(model: LinearModel, names: tuple[str, ...], **extra: Any) -> LinearModel:
    return LinearModel(names, model.mean, model.scale, model.coef, model.intercept, **extra)


def _logits(c: Case, model: LinearModel) -> np.ndarray:
    return sentence_logits(model, c.matrix)


def top1(cases: list[Case], model: LinearModel) -> float:
    """Share of questions (with an answer among the candidates) whose best-scored sentence holds it."""
    usable = [c for c in cases if c.labels.any()]
    hits = sum(bool(c.labels[int(np.argmax(_logits(c, model)))]) for c in usable)
    return hits / max(1, len(usable))


def with_second(cases: list[Case], model: LinearModel, ratio: float) -> tuple[float, float]:
    """(share of all questions whose quoted sentences hold the answer, mean sentences quoted) when a
    second sentence joins at `ratio` of the best one's probability."""
    hits, quoted = 0, 0
    for c in cases:
        logits = _logits(c, model)
        order = np.argsort(-logits)
        chosen = [order[0]]
        if len(order) > 1 and logits[order[1]] >= logits[order[0]] + np.log(max(ratio, 1e-12)):
            chosen.append(order[1])
        hits += bool(c.labels[chosen].any())
        quoted += len(chosen)
    return hits / max(1, len(cases)), quoted / max(1, len(cases))


def choose_list_ratio(
    cal_yes: list[Case], selector: LinearModel, abstainer: LinearModel, reranker: Any = None
) -> float:
    """How close to the best a list item must score, on the calibration set's list questions (every
    item expected): the ratio with the most items found, less LIST_ITEM_COST per sentence quoted."""
    lists = [c for c in cal_yes if c.question.expected_all]
    best_ratio, best_value = 0.35, -1.0
    for ratio in (0.1, 0.2, 0.35, 0.5, 0.7):
        found, quoted = 0.0, 0
        for c in lists:
            info = replace(c.info, plan="list")
            comp = select(
                info,
                c.pool,
                c.features,
                -1.0,
                Plan(list_ratio=ratio),
                selector,
                abstainer,
                c.covered,
                reranker,
            )
            text = fold(" ".join(s.text for s in comp.sentences))
            found += sum(contains_answer(text, a) for a in c.question.expected_answers) / len(
                c.question.expected_answers
            )
            quoted += len(comp.sentences)
        value = (found - LIST_ITEM_COST * quoted) / max(1, len(lists))
        n = max(1, len(lists))
        print(f"  list ratio {ratio}: items found {found / n:.3f}, sentences {quoted / n:.2f}")
        if value > best_value:
            best_ratio, best_value = ratio, value
    print(f"list ratio {best_ratio} ({len(lists)} list questions)")
    return best_ratio


def rerank_scores(
    cases: list[Case], selector: LinearModel, reranker: Any, memo: dict[tuple[str, ...], np.ndarray]
) -> list[np.ndarray]:
    """The cross-encoder's scores of each question's best `TOP_K` candidates by the selector, as
    `compose.reranked` computes them at answer time; memoised by question and sentences, so a run
    after a feature change scores only what the new selector ranks differently."""
    from assistant.reranker import TOP_K

    out: list[np.ndarray] = []
    started = time.perf_counter()
    for n, c in enumerate(cases, 1):
        top = np.argsort(-_logits(c, selector), kind="stable")[:TOP_K]
        texts = [c.features[i].text for i in top]
        key = (c.question.question, *texts)
        if key not in memo:
            memo[key] = reranker.scores(c.question.question, texts)
        out.append(memo[key])
        if n % 1000 == 0:
            print(f"  reranked {n}/{len(cases)} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return out


def question_rows(
    cases: list[Case], selector: LinearModel, rerank: list[np.ndarray] | None = None
) -> np.ndarray:
    rows = []
    for n, c in enumerate(cases):
        logits = _logits(c, selector)
        rows.append(
            abstain_features(
                c.features,
                logits,
                c.info.kind in _NEEDS_TYPE,
                len(question_entities(c.info.text, c.info.lang)),
                c.cross_language,
                c.covered,
                rerank[n] if rerank is not None else None,
            )
        )
    return np.asarray(rows)


def main() -> None:
    from assistant.runtime import offline_environment

    offline_environment()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--norquad-index", type=Path, default=Path("data-norquad"))
    parser.add_argument("--strategy-index", type=Path, default=Path("data-strategy"))
    parser.add_argument("--cache", type=Path, help="pickle of the collected features to reuse")
    parser.add_argument("--out", type=Path, default=LEARNED_DIR)
    parser.add_argument(
        "--rerank-cache", type=Path, help="pickle of the reranker's scores to reuse (by question, sentences)"
    )
    parser.add_argument(
        "--keep-selector",
        action="store_true",
        help="keep the shipped selector.json and refit only the abstainer (after a new reranker: "
        "the reranker was trained on that selector's candidates)",
    )
    args = parser.parse_args()
    random.seed(SEED)
    np.random.seed(SEED)

    train = load_questions(NORQUAD / "train.jsonl")
    validation = load_questions(NORQUAD / "validation.jsonl")
    calibration = load_questions(PROJECT / "eval" / "calibration-strategy.jsonl")
    cal_yes = [q for q in calibration if q.answerable]
    cal_no = [q for q in calibration if not q.answerable]
    off_topic = random.sample(train, 1500)
    english = load_questions(ENGLISH_TRAIN)
    # Each group: the index it is asked of and its questions.
    groups: dict[str, tuple[str, list[EvalQuestion], str]] = {
        "train": ("norquad", train, "NorQuAD train"),
        "validation": ("norquad", validation, "NorQuAD validation"),
        "cal_yes": ("strategy", cal_yes, "calibration answerable"),
        "cal_no": ("strategy", cal_no, "calibration near-miss"),
        "off_topic": ("strategy", off_topic, "NorQuAD train on the strategy corpus"),
        "cal_elsewhere": ("norquad", cal_yes, "calibration on NorQuAD"),
        "train_en": ("norquad", english, "NorQuAD train in English"),
        "off_topic_en": ("strategy", english, "NorQuAD train in English on the strategy corpus"),
    }
    stores = {
        "norquad": _store(args.norquad_index, NORQUAD / "corpus"),
        "strategy": _store(args.strategy_index, PROJECT / "corpus"),
    }
    data = pickle.loads(args.cache.read_bytes()) if args.cache and args.cache.exists() else {}
    missing = [g for g in groups if g not in data]
    if missing:
        assistants = {name: Assistant(store=store) for name, store in stores.items()}
        for a in assistants.values():
            a.warm_up()
        for g in missing:
            index, questions, title = groups[g]
            data[g] = collect(assistants[index], questions, title)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(data))

    # Coverage is recomputed too, with each index's word statistics.
    for group, cases in data.items():
        changed = 0
        for c in cases:
            covered = coverage(analyze_question(c.question.question), c.pool, stores[groups[group][0]].idf)
            changed += covered != c.covered
            c.covered = covered
        print(f"coverage of {group}: {changed} of {len(cases)} changed since the cache")
    for cases in data.values():  # features are recomputed: a cache outlives a feature change
        for c in cases:
            # So do the question's analysis, what counts as a sentence of the asked type, and
            # whether a passage holds the question's names.
            c.info = analyze_question(c.question.question)
            c.features = refreshed_features(c.info, c.pool, c.features)
            c.matrix = _matrix(c.info, c.features)

    # 1. The sentence selector, on NorQuAD train's candidates.
    usable = [c for c in data["train"] if c.labels.any()]
    rows_total = sum(len(c.labels) for c in usable)
    print(
        f"selector: {len(usable)} training questions with the answer among the candidates, {rows_total} rows"
    )
    fitted_selector = load_model("selector") if args.keep_selector else fit_selector(data["train"], l2=1e-3)
    train_top1, val_top1 = top1(data["train"], fitted_selector), top1(data["validation"], fitted_selector)
    print(f"selector top-1: train {train_top1:.4f}, validation {val_top1:.4f}")
    # The second sentence: its ratio chosen on train, trading answers found against sentences
    # quoted (SENTENCE_COST of an answer per extra sentence: a second sentence must earn its place).
    ratios = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.01)
    scored = [(*with_second(data["train"], fitted_selector, r), r) for r in ratios]
    for found, quoted, r in scored:
        val_found, val_quoted = with_second(data["validation"], fitted_selector, r)
        print(
            f"  second at {r:.2f}: train found {found:.4f} quoting {quoted:.2f}; "
            f"validation {val_found:.4f} / {val_quoted:.2f}"
        )
    second_ratio = max(scored, key=lambda t: t[0] - SENTENCE_COST * (t[1] - 1))[2]
    print(f"  second-sentence ratio: {second_ratio}")
    selector = (
        fitted_selector
        if args.keep_selector
        else _named(
            fitted_selector,
            SENTENCE_FEATURES,
            meta={
                "objective": "conditional logit",
                "l2": 1e-3,
                "trained_on": "NorQuAD train",
                "second_ratio": second_ratio,
            },
        )
    )
    for name, coef in sorted(zip(SENTENCE_FEATURES, selector.coef, strict=True), key=lambda t: -abs(t[1])):
        print(f"    {name:18} {coef:+.3f}")

    # 2. The abstainer, one row per question; each group carries a fixed share of the weight, so
    # the 35 hand-written near-miss questions count as much as the 3,808 NorQuAD ones.
    weighting = [
        ("NorQuAD train (answerable)", data["train"], 1, 0.20),
        ("NorQuAD train in English (answerable)", data["train_en"], 1, 0.10),
        ("calibration answerable", data["cal_yes"], 1, 0.20),
        ("NorQuAD train on the strategy corpus", data["off_topic"], 0, 0.10),
        ("NorQuAD train in English on the strategy corpus", data["off_topic_en"], 0, 0.05),
        ("calibration near-miss", data["cal_no"], 0, 0.25),
        ("calibration on NorQuAD", data["cal_elsewhere"], 0, 0.10),
    ]
    # The abstainer also reads the reranker's scores of the selector's best few, as at answer time.
    from assistant.reranker import load_reranker

    reranker = load_reranker()
    if reranker is None:
        # The candidate cache is written by now: train the reranker on it, then run this again.
        sys.exit("reranker.pt is missing: run `python -m assistant.learned.train_reranker --cache FILE`")
    memo: dict[tuple[str, ...], np.ndarray] = {}
    if args.rerank_cache and args.rerank_cache.exists():
        memo = pickle.loads(args.rerank_cache.read_bytes())
    rerank = {name: rerank_scores(cases, selector, reranker, memo) for name, cases, _, _ in weighting}
    rerank["NorQuAD validation"] = rerank_scores(data["validation"], selector, reranker, memo)
    if args.rerank_cache:
        args.rerank_cache.write_bytes(pickle.dumps(memo))
    rows, labels, weights = [], [], []
    for name, cases, label, share in weighting:
        rows.append(question_rows(cases, selector, rerank[name]))
        labels += [label] * len(cases)
        weights += [share / len(cases)] * len(cases)
        print(f"abstainer group {name}: {len(cases)} questions, label {label}, weight {share}")
    xa, ya, wa = np.concatenate(rows), np.array(labels), np.array(weights) * len(labels)
    fitted = _fit(xa, ya, wa, 1.0)
    prob = 1 / (1 + np.exp(-fitted.logits(xa)))
    candidates = np.unique(np.round(prob, 4))
    # The threshold maximises weighted balanced accuracy among those that still answer at least
    # MIN_ANSWERED of NorQuAD train: a wrong "the documents don't say" to an answerable question
    # is the failure users notice most (the hand-tuned rule before this answered 97 %).
    norquad_train = prob[: len(data["train"])]
    scores = []
    for t in candidates:
        if (norquad_train >= t).mean() < MIN_ANSWERED:
            continue
        tpr = wa[(ya == 1) & (prob >= t)].sum() / wa[ya == 1].sum()
        tnr = wa[(ya == 0) & (prob < t)].sum() / wa[ya == 0].sum()
        scores.append(((tpr + tnr) / 2, -abs(t - 0.5), float(t), tpr, tnr))
    balanced, _, threshold, tpr, tnr = max(scores)
    abstainer = _named(
        fitted,
        ABSTAIN_FEATURES,
        threshold=threshold,
        meta={"trained_on": [g[0] for g in weighting], "balanced_accuracy": round(balanced, 4)},
    )
    print(
        f"abstainer: threshold {threshold:.4f}, weighted balanced accuracy {balanced:.4f} "
        f"(kept {tpr:.4f}, abstained {tnr:.4f})"
    )
    for (name, _cases, label, _share), group_rows in zip(weighting, rows, strict=True):
        p = abstainer.probabilities(group_rows)
        right = (p >= threshold) if label else (p < threshold)
        print(f"    {name:40} {'answered' if label else 'abstained'} {right.mean():.4f}")
    val_rows = question_rows(data["validation"], selector, rerank["NorQuAD validation"])
    print(f"  NorQuAD validation answered: {(abstainer.probabilities(val_rows) >= threshold).mean():.4f}")
    for name, coef in zip(ABSTAIN_FEATURES, abstainer.coef, strict=True):
        print(f"    {name:18} {coef:+.3f}")

    # 3. When the best sentence's short answer span may lead the answer: the smallest softmax share
    # at which the best sentence holds the answer for LEAD_PRECISION of NorQuAD train questions.
    shares = []
    for c in data["train"]:
        logits = _logits(c, selector)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        best = int(np.argmax(p))
        shares.append((float(p[best]), bool(c.labels[best])))
    lead_share = 1.0
    for t in np.arange(0.2, 1.0, 0.05):
        kept = [ok for share, ok in shares if share >= t]
        if kept and sum(kept) / len(kept) >= LEAD_PRECISION:
            lead_share = round(float(t), 2)
            break
    kept = [ok for share, ok in shares if share >= lead_share]
    print(
        f"lead share {lead_share}: {len(kept) / len(shares):.3f} of train questions, "
        f"{np.mean(kept):.3f} right"
    )

    # 4. How close to the best a list item must score, on the calibration set's list questions.
    best_ratio = choose_list_ratio(data["cal_yes"], selector, abstainer)
    selector = replace(
        selector, meta={**(selector.meta or {}), "lead_share": lead_share, "list_ratio": best_ratio}
    )

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "selector.json").write_text(selector.to_json() + "\n", encoding="utf-8")
    (args.out / "abstainer.json").write_text(abstainer.to_json() + "\n", encoding="utf-8")
    print(json.dumps({"wrote": [str(args.out / "selector.json"), str(args.out / "abstainer.json")]}))


if __name__ == "__main__":
    main()
