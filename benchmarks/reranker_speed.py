"""The reranker's forward in each runtime on this CPU, on batches of the size answering scores.

    python benchmarks/reranker_speed.py [--questions 472] [--bfloat16]

Why this exists: the reranker is most of an answer's time on a CPU without bfloat16 units, and
issue #16 asks for answers at p95 <= 300 ms. Each NorQuAD validation question is paired with six
sentences of its own passage (the answer sentence and its neighbours: `TOP_K` pairs of the lengths
answering sees, cut at `MAX_TOKENS`), and each batch is scored by torch float32 and by onnxruntime
float32 (`assistant/reranker_onnx.py`), alternating which goes first. Prints each runtime's mean,
p50 and p95 milliseconds a batch, the largest score difference from torch, and for how many
batches the best sentence is the same. `--bfloat16` adds torch in bfloat16 autocast (slow where
the CPU emulates it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.reranker import TOP_K, base_directory, load_reranker
from assistant.reranker_onnx import OnnxScorer
from assistant.selector import LEARNED_DIR
from ingest.chunking import answer_sentences
from vectorstore.settings import StoreSettings

NORQUAD = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "norquad"


def batches(limit: int) -> list[tuple[str, list[str]]]:
    """(question, six sentences of its passage around the one holding the answer)."""
    out = []
    for line in (NORQUAD / "validation.jsonl").read_text(encoding="utf-8").splitlines()[:limit]:
        q = json.loads(line)
        text = (NORQUAD / "corpus" / q["expected_sources"][0]).read_text(encoding="utf-8")
        sentences = [s.text for s in answer_sentences(text)]
        if not sentences:
            continue
        answer = q["expected_answers"][0]
        at = next((i for i, s in enumerate(sentences) if answer in s), 0)
        start = max(0, min(at - TOP_K // 2, len(sentences) - TOP_K))
        out.append((q["question"], sentences[start : start + TOP_K]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=int, default=472)
    parser.add_argument("--bfloat16", action="store_true", help="also time torch in bfloat16 autocast")
    args = parser.parse_args()
    loaded = load_reranker(precision="float32")
    if loaded is None:
        sys.exit("assistant/learned/reranker.pt is missing: train it first (README, 'Answers').")
    model = loaded.model
    started = time.perf_counter()
    model.onnx = OnnxScorer(
        model, LEARNED_DIR / "reranker.pt", base_directory(), StoreSettings().model_cache_dir
    )
    print(f"onnx graph ready in {time.perf_counter() - started:.1f} s: {model.onnx.path}")
    runtimes: dict[str, Callable[[str, list[str]], np.ndarray]] = {
        "torch float32": lambda q, t: model.score(q, t, bfloat16=False, onnx=False),
        "onnxruntime float32": lambda q, t: model.score(q, t, bfloat16=False, onnx=True),
    }
    if args.bfloat16:
        runtimes["torch bfloat16"] = lambda q, t: model.score(q, t, bfloat16=True, onnx=False)
    work = batches(args.questions)
    for question, texts in work[:3]:  # kernels built, caches warm
        for run in runtimes.values():
            run(question, texts)
    seconds: dict[str, list[float]] = {name: [] for name in runtimes}
    diffs: dict[str, list[float]] = {name: [] for name in runtimes}
    same = dict.fromkeys(runtimes, 0)
    names = list(runtimes)
    for n, (question, texts) in enumerate(work):
        scores = {}
        for name in names if n % 2 == 0 else names[::-1]:
            start = time.perf_counter()
            scores[name] = runtimes[name](question, texts)
            seconds[name].append(time.perf_counter() - start)
        for name in names:
            diffs[name].append(float(np.abs(scores[name] - scores[names[0]]).max()))
            same[name] += int(np.argmax(scores[name]) == np.argmax(scores[names[0]]))
    print(f"{len(work)} batches of up to {TOP_K} pairs (NorQuAD validation)")
    for name in names:
        ms = np.array(seconds[name]) * 1000
        print(
            f"{name:20} mean {ms.mean():6.1f} ms  p50 {np.percentile(ms, 50):6.1f}  "
            f"p95 {np.percentile(ms, 95):6.1f}  largest difference {max(diffs[name]):.1e}  "
            f"same best {same[name]}/{len(work)}"
        )


if __name__ == "__main__":
    main()
