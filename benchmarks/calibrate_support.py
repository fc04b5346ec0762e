"""Calibrate when a generated sentence counts as supported by a passage it cites; prints the numbers.

    python benchmarks/calibrate_support.py \
        --set /tmp/corpus-index=../shared/eval/seed-dev.jsonl \
        --set /tmp/nq2=../shared/benchmarks/norquad/validation.jsonl --sample 60

Each `--set` is an index (an ASSISTANT_DATA_DIR built with `strategy-assistant ingest`; it is
copied to a temporary folder first, so the original is never written) and a question set over it.
For a sample of answerable questions the top five passages are retrieved as the chat would, and
the passage sentence holding the expected answer is the gold sentence. Claims, each scored
exactly as `assistant.verify.Verifier` scores them (cosine + weight * lexical overlap with the
best sentence of the passage):

- supported: the gold sentence against its passage, and a model-like restatement
  ("<question> – <answer>.") against the same passage;
- unsupported: the same two claims against each other retrieved passage without the answer;
- altered numbers: the gold sentence with each number changed, against its own passage. Support
  alone cannot see these; the number check must, and its catch rate is printed.

The lexical weight and the threshold are chosen to maximise balanced accuracy over all sets.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.core import Assistant
from assistant.evaluation import fold, load_questions
from assistant.generate import AnswerGenerator
from assistant.runtime import offline_environment, open_store
from assistant.settings import AssistantSettings
from assistant.types import Passage
from assistant.verify import Verifier, unsupported_numbers
from vectorstore.embeddings import load_embeddings
from vectorstore.settings import StoreSettings

_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5)


@dataclass
class Pair:
    """One (claim, passage) judgement: cosine and lexical parts of the best passage sentence."""

    set_name: str
    kind: str
    supported: bool
    cosines: np.ndarray
    lexicals: np.ndarray

    def score(self, weight: float) -> float:
        return float(np.max(self.cosines + weight * self.lexicals))


def _altered(sentence: str) -> str | None:
    """The sentence with every number changed (7 -> 8, 2022 -> 2023); None without numbers."""
    if not re.search(r"\d", sentence):
        return None
    return re.sub(r"\d+", lambda m: str(int(m.group()) + 1), sentence)


def _pairs_for(verifier: Verifier, claim: str, n: int, set_name: str, kind: str, supported: bool) -> Pair:
    from assistant.verify import lexical_support

    candidates = verifier._sentences(n)
    vector = verifier.embed_claims([claim])[0]
    passage = verifier.passages[n - 1]
    cosines = np.array([float(c.vector @ vector) for c in candidates])
    lexicals = np.array(
        [lexical_support(claim, c.sentence.text, verifier.lang, passage.lang) for c in candidates]
    )
    return Pair(set_name, kind, supported, cosines, lexicals)


def collect(
    data_dir: Path, questions_path: Path, sample: int, seed: int, embeddings: object
) -> tuple[list[Pair], list[bool]]:
    """Judgements for a sample of the set's answerable questions, and the number-check results."""
    settings = AssistantSettings(llm_provider="none")
    store = open_store(StoreSettings(data_dir=data_dir), embeddings)  # type: ignore[arg-type]
    assistant = Assistant(store=store, settings=settings)
    assistant.warm_up()
    generator = AnswerGenerator(object(), settings, store.embeddings, store.sentence_vectors)  # type: ignore[arg-type]
    questions = [q for q in load_questions(questions_path) if q.answerable and q.expected_answers]
    random.Random(seed).shuffle(questions)
    name = questions_path.stem
    pairs: list[Pair] = []
    numbers_caught: list[bool] = []
    used = 0
    for q in questions:
        if used >= sample:
            break
        answer = assistant.ask(q.question, k=5, generate=False)
        passages: list[Passage] = answer.passages[:5]
        folded = [fold(a) for a in q.expected_answers if fold(a)]
        gold = next(
            (
                i
                for i, p in enumerate(passages, 1)
                if p.source in q.expected_sources and any(a in fold(p.text) for a in folded)
            ),
            None,
        )
        if gold is None:
            continue
        verifier = generator._verifier(passages, answer.lang)
        sentence = next(
            (
                c.sentence.text
                for c in verifier._sentences(gold)
                if any(a in fold(c.sentence.text) for a in folded)
            ),
            None,
        )
        if sentence is None:
            continue
        used += 1
        restated = f"{q.question.rstrip('?').strip()} – {q.expected_answers[0]}."
        for kind, claim in (("gold sentence", sentence), ("restatement", restated)):
            pairs.append(_pairs_for(verifier, claim, gold, name, kind, True))
            for n, p in enumerate(passages, 1):
                if n != gold and not any(a in fold(p.text) for a in folded):
                    pairs.append(_pairs_for(verifier, claim, n, name, f"{kind} vs other passage", False))
        altered = _altered(sentence)
        if altered:
            numbers_caught.append(bool(unsupported_numbers(altered, [passages[gold - 1]], answer.lang)))
            pairs.append(_pairs_for(verifier, altered, gold, name, "altered numbers", False))
    print(f"{name}: {used} questions, {len(pairs)} judgements", file=sys.stderr)
    return pairs, numbers_caught


def balanced_accuracy(pairs: list[Pair], weight: float, threshold: float) -> float:
    pos = [p.score(weight) >= threshold for p in pairs if p.supported]
    neg = [p.score(weight) < threshold for p in pairs if not p.supported]
    return (sum(pos) / max(1, len(pos)) + sum(neg) / max(1, len(neg))) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", action="append", required=True, metavar="DATA_DIR=QUESTIONS")
    parser.add_argument("--sample", type=int, default=40, help="questions per set")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    offline_environment()
    os.environ.setdefault("ASSISTANT_LLM_PROVIDER", "none")

    embeddings = load_embeddings(StoreSettings())
    pairs: list[Pair] = []
    caught: list[bool] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, item in enumerate(args.set):
            data_dir, _, questions = item.partition("=")
            copy = Path(tmp) / f"index{i}"
            shutil.copytree(data_dir, copy, ignore=shutil.ignore_patterns("write.lock"))
            got, numbers = collect(copy, Path(questions), args.sample, args.seed, embeddings)
            pairs += got
            caught += numbers

    # Altered numbers are the number check's job; support is calibrated on the rest.
    judged = [p for p in pairs if p.kind != "altered numbers"]
    best = (0.0, 0.0, 0.0)
    for weight in _WEIGHTS:
        scores = sorted({round(p.score(weight), 4) for p in judged})
        for threshold in scores:
            accuracy = balanced_accuracy(judged, weight, threshold)
            if accuracy > best[0]:
                best = (accuracy, weight, threshold)
        line = max((balanced_accuracy(judged, weight, t), t) for t in scores)
        print(f"lexical weight {weight:.2f}: best balanced accuracy {line[0]:.3f} at threshold {line[1]:.4f}")
    accuracy, weight, threshold = best
    print(
        f"\nchosen: support_lexical_weight={weight} support_threshold={threshold:.4f} "
        f"(balanced accuracy {accuracy:.3f})\n"
    )
    kinds = sorted({(p.set_name, p.kind) for p in pairs})
    print(f"{'set':<12} {'claim':<34} {'n':>4} {'judged supported':>17}")
    for set_name, kind in kinds:
        group = [p for p in pairs if (p.set_name, p.kind) == (set_name, kind)]
        share = sum(p.score(weight) >= threshold for p in group) / len(group)
        print(f"{set_name:<12} {kind:<34} {len(group):>4} {share:>17.3f}")
    if caught:
        print(f"\naltered numbers caught by the number check: {sum(caught)}/{len(caught)}")


if __name__ == "__main__":
    main()
