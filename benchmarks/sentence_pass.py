"""What the sentence vectors cost at ingest, and what each cheaper way of making them loses.

    python benchmarks/sentence_pass.py [--corpus DIR] [--files N] [--passage-only-ratio 0.89]

Why this exists: issue #19 asks for ingest at >= 0.8 of the bare model's passages/s with answers as
fast and as good as today's. Answer selection compares the question with every sentence of the top
passages, and those sentence vectors are made at ingest by a second encoder pass. This script
measures, in one run on the same NorQuAD passages:

- the passage pass (what the bare model does) and the sentence pass, fp32 and int8, in seconds;
- the ceiling that puts on the ingest ratio: with ingest's own work besides encoding taken from
  `benchmarks/scale.py` in `INGEST_SENTENCE_VECTORS=lazy` mode (passages only: 0.89 of the bare
  model), a second pass costing `s` passage passes gives at most 1 / (1/0.89 + s);
- how well each kind of sentence vector finds the answer: for each validation question, its
  document's sentences ranked by cosine with the question; "gold@1" is how often the top one holds
  the answer. Kinds: separate (today), int8 separate, late-chunked (pooled from the passage's own
  token states: no second pass), and late-chunked through a linear correction fitted (ridge) on
  the sentences of the documents no validation question asks about.

Measured 2026-12-01 on the whole pool (755 files, 1,776 passages, 16,214 sentences):

| sentence vectors | encoder time | s (x passage pass) | ingest ratio ceiling | gold@1 |
|---|---|---|---|---|
| separate fp32 (default) | 105.3 s | 0.76 | 0.53 | 0.694 |
| separate int8 | 46.2 s | 0.33 | 0.69 | 0.677 |
| late (pooled, one pass) | 0 | 0 | 0.89 | 0.514 |
| late + linear correction | 0 | 0 | 0.89 | 0.563 |

(passage pass 138.9 s; 467 questions ranked; the correction fitted on 8,707 sentences.)
Reaching 0.8 needs s <= 0.13: a sentence pass six times cheaper than today's. The sentences
are the passage's own words again (9.1 per passage, 19.7 words each, 3 % repeated by chunk
overlap), so a pass over them costs about what the passage pass costs per token; int8 is the only
cheaper runtime of the same model and gets to 0.33 at a cost in ranking. The
designs with no second pass rank worse, and through the whole answer path late chunking gives
NorQuAD answer_match 0.746 against 0.771 even with a retrained selector (README, "Ingest speed").

Designs that move the pass to question time were measured through `eval` on NorQuAD validation
(code not kept): lazy (embed a sentence when first needed) gives the same answers at p50/p95 379 /
823 ms; late vectors with the best K sentences re-embedded exactly gives, K = 12, answer_match
0.754 at p95 255 ms, and K = 20, 0.767 at p95 430 ms (separate: 0.771 at 37 ms).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.runtime import offline_environment
from ingest.chunking import answer_sentences, chunk_text
from ingest.clean import clean_text
from vectorstore.embeddings import load_embeddings
from vectorstore.settings import StoreSettings
from vectorstore.store import index_text

NORQUAD = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "norquad"


def _unit(x: np.ndarray) -> np.ndarray:
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True))


def _ridge(x: np.ndarray, y: np.ndarray, lam: float = 1.0) -> np.ndarray:
    """Least squares y ~ [x, 1] @ w with an L2 penalty on everything but the bias."""
    x1 = np.hstack([x, np.ones((len(x), 1))])
    a = x1.T @ x1 + lam * np.eye(x1.shape[1])
    a[-1, -1] -= lam
    return np.linalg.solve(a, x1.T @ y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=NORQUAD / "corpus")
    parser.add_argument("--questions", type=Path, default=NORQUAD / "validation.jsonl")
    parser.add_argument("--files", type=int, default=0, help="only the first N files (0: all)")
    parser.add_argument(
        "--passage-only-ratio",
        type=float,
        default=0.89,
        help="ingest/bare ratio with passages only (scale.py, INGEST_SENTENCE_VECTORS=lazy)",
    )
    args = parser.parse_args()
    offline_environment()

    paths = sorted(args.corpus.glob("*.txt"))
    paths = paths[: args.files] if args.files else paths
    passages: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    sentences: list[str] = []
    sentence_file: list[str] = []
    for path in paths:
        text = clean_text(path.read_text(encoding="utf-8"))
        title = text.split("\n", 1)[0]
        for c in chunk_text(path.name, text):
            found = answer_sentences(c.text, c.section)
            if not found:
                continue
            passages.append(index_text(title, c.section, c.text))
            shift = len(passages[-1]) - len(c.text)
            spans.append([(s.start + shift, s.end + shift) for s in found])
            sentences += [s.embed_text for s in found]
            sentence_file += [path.name] * len(found)
    print(f"{len(paths)} files, {len(passages)} passages, {len(sentences)} sentences", flush=True)

    fp32 = load_embeddings(StoreSettings())
    int8 = load_embeddings(StoreSettings(embedding_backend="onnx-int8"))
    for model in (fp32, int8):
        model.embed_documents(passages[:8])  # load and warm up

    started = time.perf_counter()
    late = fp32.embed_passages(passages, spans)
    passage_s = time.perf_counter() - started
    started = time.perf_counter()
    exact = np.asarray(fp32.embed_documents(sentences), dtype=np.float32)
    fp32_s = time.perf_counter() - started
    started = time.perf_counter()
    quantised = np.asarray(int8.embed_documents(sentences), dtype=np.float32)
    int8_s = time.perf_counter() - started

    pooled = np.concatenate([p.span_vectors for p in late]).astype(np.float32)
    offsets = np.cumsum([0] + [len(s) for s in spans[:-1]])
    for offset, passage in zip(offsets, late, strict=True):
        for i in passage.missing:  # past the encoder's 512 tokens: embedded on its own at ingest too
            pooled[offset + i] = exact[offset + i]
    files = np.array(sentence_file)
    questions = [json.loads(line) for line in args.questions.open(encoding="utf-8")]
    asked = {s for q in questions for s in q["expected_sources"]}
    fit_rows = ~np.isin(files, sorted(asked))
    weights = _ridge(pooled[fit_rows], exact[fit_rows])
    corrected = _unit(np.hstack([pooled, np.ones((len(pooled), 1))]) @ weights)

    kinds = {"separate fp32": exact, "separate int8": quantised, "late": pooled, "late + linear": corrected}
    hits: dict[str, list[bool]] = {k: [] for k in kinds}
    for q in questions:
        rows = np.where(np.isin(files, q["expected_sources"]))[0]
        gold = {r for r in rows if any(a.lower() in sentences[r].lower() for a in q["expected_answers"])}
        if len(rows) < 2 or not gold:
            continue
        vector = np.asarray(fp32.embed_query(q["question"]), dtype=np.float32)
        for kind, matrix in kinds.items():
            hits[kind].append(int(rows[int(np.argmax(matrix[rows] @ vector))]) in gold)

    ceiling = 1 / args.passage_only_ratio
    print(f"passage pass: {passage_s:.1f} s ({len(passages) / passage_s:.2f} passages/s)")
    print(f"questions ranked: {len(hits['late'])}; correction fitted on {int(fit_rows.sum())} sentences")
    print(f"{'sentence vectors':<16} {'time s':>7} {'s':>5} {'ceiling':>8} {'gold@1':>7}")
    timed = {"separate fp32": fp32_s, "separate int8": int8_s, "late": 0.0, "late + linear": 0.0}
    for kind, seconds in timed.items():
        share = seconds / passage_s
        top = float(np.mean(hits[kind]))
        print(f"{kind:<16} {seconds:>7.1f} {share:>5.2f} {1 / (ceiling + share):>8.2f} {top:>7.3f}")


if __name__ == "__main__":
    main()
