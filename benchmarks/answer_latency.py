"""Whole-answer latency on NorQuAD validation, in rounds, so that a change can be told from noise.

    ASSISTANT_DATA_DIR=DIR python benchmarks/answer_latency.py [--rounds 3] [--limit 472]
        [--tree OLD_CHECKOUT --tree NEW_CHECKOUT]

Why this exists: issue #16 asks for `ask` at p95 <= 300 ms on NorQuAD validation (the evaluator's
latency_p95_ms). On this 2-core machine one run of the same code varied by up to 40 ms from the
next (stop 73), so one run per version says nothing about a change of that size. Each round here
is a fresh process (a warm cache of sentence vectors from an earlier round would flatter the later
ones), warmed up once, then answering every question in a shuffled order (fixed seed per round).
With `--tree`, rounds alternate between the checkouts (A B A B ...), so that load on the machine
falls on both alike. Prints each round's p50 and p95 and, per tree, the median and range of the
rounds' p95s.

DIR must hold the NorQuAD pool ingested: `ASSISTANT_DATA_DIR=DIR strategy-assistant ingest
../shared/benchmarks/norquad/corpus`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VALIDATION = ROOT.parent / "shared" / "benchmarks" / "norquad" / "validation.jsonl"


def one_round(questions_file: Path, limit: int, seed: int) -> dict[str, float]:
    """Answer the questions once in this process; the percentiles of the whole-answer times."""
    import numpy as np

    from assistant.core import Assistant
    from assistant.runtime import open_store

    lines = questions_file.read_text(encoding="utf-8").splitlines()[:limit]
    questions = [json.loads(line)["question"] for line in lines]
    random.Random(seed).shuffle(questions)
    assistant = Assistant.from_settings(store=open_store())
    if assistant.store.is_empty():
        raise SystemExit(
            "The index is empty: ingest ../shared/benchmarks/norquad/corpus into ASSISTANT_DATA_DIR first."
        )
    assistant.warm_up()
    times = []
    for question in questions:
        started = time.perf_counter()
        assistant.ask(question)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "n": len(times),
        "mean": float(np.mean(times)),
        "p50": float(np.percentile(times, 50)),
        "p95": float(np.percentile(times, 95)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds per tree")
    parser.add_argument("--limit", type=int, default=472, help="the first N questions")
    parser.add_argument("--questions", type=Path, default=VALIDATION)
    parser.add_argument("--tree", action="append", type=Path, help="a checkout to time (repeat to alternate)")
    parser.add_argument("--one-round", type=int, metavar="SEED", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_round is not None:
        print(json.dumps(one_round(args.questions, args.limit, args.one_round)))
        return
    trees = [t.resolve() for t in args.tree] if args.tree else [ROOT]
    p95s: dict[Path, list[float]] = {t: [] for t in trees}
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    for r in range(args.rounds):
        for tree in trees:
            command = [sys.executable, str(Path(__file__).resolve()), "--one-round", str(r)]
            command += ["--limit", str(args.limit), "--questions", str(args.questions)]
            tree_env = {**env, "PYTHONPATH": str(tree)}
            done = subprocess.run(command, env=tree_env, cwd=tree, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"round {r + 1} in {tree} failed:\n{done.stderr[-2000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            p95s[tree].append(result["p95"])
            print(
                f"round {r + 1} {tree}: n={result['n']} mean {result['mean']:.1f} ms, "
                f"p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms",
                flush=True,
            )
    for tree, values in p95s.items():
        print(
            f"{tree}: p95 median {statistics.median(values):.1f} ms "
            f"(rounds: {', '.join(f'{v:.1f}' for v in values)})"
        )


if __name__ == "__main__":
    main()
