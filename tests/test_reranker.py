"""The cross-encoder reranker: its adapter folds into the encoder without changing a score, it only
reorders the selector's best few, and the shipped weights prefer the sentence that answers."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from assistant.compose import ScoredSentence, reranked
from assistant.reranker import (
    MAX_TOKENS,
    TOP_K,
    LoRALinear,
    RerankerModel,
    base_directory,
    choose_precision,
    encoder_inputs,
    load_reranker,
    native_bfloat16,
)
from assistant.reranker_onnx import OnnxScorer
from assistant.selector import LEARNED_DIR


def test_folding_the_adapter_into_its_layer_keeps_every_output() -> None:
    torch.manual_seed(0)
    layer = LoRALinear(nn.Linear(16, 8))
    nn.init.normal_(layer.b)  # a trained adapter: B is no longer zero
    x = torch.randn(5, 16)
    with torch.no_grad():
        before = layer(x)
        after = layer.merged()(x)
    assert torch.allclose(before, after, atol=1e-5)


class _Scores:
    """Stands in for the encoder: a fixed score per sentence text."""

    def __init__(self, by_text: dict[str, float]) -> None:
        self.by_text = by_text

    def score(self, question: str, texts: list[str]) -> np.ndarray:
        return np.array([self.by_text.get(t, 0.0) for t in texts])


def _sentence(i: int) -> ScoredSentence:
    return ScoredSentence(0, i * 10, i * 10 + 5, f"s{i}", 0.0, 0.5, 0.1, False, True)


def test_the_reranker_reorders_the_selectors_best_few_and_nothing_below_them() -> None:
    n = TOP_K + 4
    features = [_sentence(i) for i in range(n)]
    logits = np.linspace(0.0, -1.0, n)  # the selector's order: s0 best
    # The reranker likes the selector's last top-K sentence most, and a sentence below the top K.
    model = _Scores({f"s{TOP_K - 1}": 5.0, f"s{n - 1}": 9.0})
    weights = np.array([1.0, 1.0])
    ranking, _ = reranked(RerankerModel(model, weights, threading.Lock(), {}), "q", features, logits)  # type: ignore[arg-type]
    order = [int(i) for i in np.argsort(-ranking, kind="stable")]
    assert order[0] == TOP_K - 1
    # What the selector left out stays out, below every rescored sentence, in the selector's order.
    assert order[TOP_K:] == list(range(TOP_K, n))


def test_when_none_of_the_best_few_answers_the_reranker_reads_the_next_few() -> None:
    """Every one of the selector's best `TOP_K` scores below zero: the sentence that answers is
    often just below them ("Dette kan for eksempel være tilbud på videregående skole …" was
    seventh for "Kva for utdanningstilbydarar …?"), so the next `TOP_K` are scored too."""
    n = 2 * TOP_K + 3
    features = [_sentence(i) for i in range(n)]
    logits = np.linspace(0.0, -1.0, n)
    unconvinced = {f"s{i}": -2.0 for i in range(TOP_K)}
    model = _Scores({**unconvinced, f"s{TOP_K + 1}": 3.0, f"s{n - 1}": 9.0})
    weights = np.array([1.0, 1.0])
    ranking, scores = reranked(RerankerModel(model, weights, threading.Lock(), {}), "q", features, logits)  # type: ignore[arg-type]
    order = [int(i) for i in np.argsort(-ranking, kind="stable")]
    assert order[0] == TOP_K + 1
    # The abstainer is handed the first few's scores, as it was trained: none convinced.
    assert list(scores) == [-2.0] * TOP_K
    # Beyond the second few, the selector's order still stands.
    assert order[2 * TOP_K :] == list(range(2 * TOP_K, n))
    # One convincing sentence among the best few: the next are not read.
    model = _Scores({**unconvinced, "s2": 0.5, f"s{TOP_K + 1}": 3.0})
    ranking, scores = reranked(RerankerModel(model, weights, threading.Lock(), {}), "q", features, logits)  # type: ignore[arg-type]
    assert len(scores) == TOP_K and int(np.argmax(ranking)) == 2


def test_when_the_selector_is_sure_of_its_best_the_next_few_are_not_read() -> None:
    """None of the best few convinces the cross-encoder, but the selector's best leads its second
    by a whole logit: a sentence further down is not read, however the cross-encoder would like
    it (a slide's "Universitetskommune Helse og velferd (2017)" for "När presenterades …?")."""
    n = 2 * TOP_K + 3
    features = [_sentence(i) for i in range(n)]
    logits = np.concatenate([[2.0], np.linspace(0.0, -1.0, n - 1)])  # s0 leads s1 by 2.0
    model = _Scores({**{f"s{i}": -2.0 for i in range(TOP_K)}, f"s{TOP_K + 1}": 9.0})
    weights = np.array([1.0, 1.0])
    ranking, _ = reranked(RerankerModel(model, weights, threading.Lock(), {}), "q", features, logits)  # type: ignore[arg-type]
    assert int(np.argmax(ranking)) == 0
    order = [int(i) for i in np.argsort(-ranking, kind="stable")]
    assert order[TOP_K:] == list(range(TOP_K, n))


class _Machine:
    """A CPU whose forward takes `seconds[bfloat16]` and returns `scores[bfloat16]`."""

    def __init__(self, seconds: dict[bool, float], scores: dict[bool, list[float]]) -> None:
        self.seconds, self.scores, self.now = seconds, scores, 0.0

    def clock(self) -> float:
        return self.now

    def score(self, bfloat16: bool) -> np.ndarray:
        self.now += self.seconds[bfloat16]
        return np.array(self.scores[bfloat16])


@pytest.mark.parametrize(
    ("seconds", "bf16_scores", "expected"),
    [
        ({False: 0.13, True: 0.06}, [1.0, 2.01, 3.0], True),  # native bfloat16: faster, same scores
        ({False: 0.13, True: 0.40}, [1.0, 2.01, 3.0], False),  # emulated bfloat16 is slower
        ({False: 0.13, True: 0.12}, [1.0, 2.01, 3.0], False),  # hardly faster: not worth any drift
        ({False: 0.13, True: 0.06}, [1.0, 2.5, 3.0], False),  # faster, but a score moved too far
    ],
)
def test_bfloat16_is_used_only_where_it_measures_faster_and_scores_the_same(
    seconds: dict[bool, float], bf16_scores: list[float], expected: bool
) -> None:
    machine = _Machine(seconds, {False: [1.0, 2.0, 3.0], True: bf16_scores})
    assert choose_precision(machine.score, clock=machine.clock) is expected


@pytest.mark.parametrize(
    ("native", "seconds", "bf16_scores", "expected"),
    [
        # By the CPU's flags, not by a timing that a busy moment at start-up can turn around.
        (True, {False: 0.13, True: 0.40}, [1.0, 2.01, 3.0], True),
        (True, {False: 0.13, True: 0.06}, [1.0, 2.5, 3.0], False),  # a score moved too far
        (False, {False: 0.13, True: 0.06}, [1.0, 2.01, 3.0], False),  # no units: emulated
    ],
)
def test_the_cpus_bfloat16_units_decide_where_its_flags_are_known(
    native: bool, seconds: dict[bool, float], bf16_scores: list[float], expected: bool
) -> None:
    machine = _Machine(seconds, {False: [1.0, 2.0, 3.0], True: bf16_scores})
    assert choose_precision(machine.score, clock=machine.clock, native=native) is expected


def test_bfloat16_units_are_read_from_the_cpu_flags(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16 amx_tile\n", encoding="utf-8")
    assert native_bfloat16(cpuinfo) is True
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f\n", encoding="utf-8")
    assert native_bfloat16(cpuinfo) is False
    cpuinfo.write_text("processor\t: 0\nFeatures\t: fp asimd bf16\n", encoding="utf-8")  # no x86 flags
    assert native_bfloat16(cpuinfo) is None
    assert native_bfloat16(tmp_path / "missing") is None


_QUESTION = "Hvem finansierer Kompetansepiloter, og med hvor mye?"
_TEXTS = [
    "Det er Kommunal- og moderniseringsdepartementet (KMD) som finansierer ordningen kalt Kompetansepiloter.",
    "Gjennom ordningen har departementet bevilget 4,4 millioner kroner over en treårsperiode.",
    "Pilotene varer i tre år.",  # a short one: the batch is padded
]


@pytest.mark.integration
def test_the_onnx_export_scores_as_torch_and_leaves_torch_unchanged(tmp_path: Path) -> None:
    model = load_reranker.__wrapped__(precision="float32")
    assert model is not None
    before = model.model.score(_QUESTION, _TEXTS)
    scorer = OnnxScorer(model.model, LEARNED_DIR / "reranker.pt", base_directory(), tmp_path)
    assert scorer.path.is_file() and scorer.path.is_relative_to(tmp_path)
    model.model.onnx = scorer
    np.testing.assert_allclose(model.model.score(_QUESTION, _TEXTS), before, atol=1e-4)
    np.testing.assert_allclose(
        model.model.score("Hvem?", _TEXTS[2:]), model.model.score("Hvem?", _TEXTS[2:], onnx=False), atol=1e-4
    )
    # The export put nothing of training mode (dropout) on the shared model: torch scores as before.
    np.testing.assert_allclose(model.model.score(_QUESTION, _TEXTS, onnx=False), before, atol=1e-5)
    # A second scorer loads the export instead of writing another.
    mtime = scorer.path.stat().st_mtime_ns
    assert (
        OnnxScorer(model.model, LEARNED_DIR / "reranker.pt", base_directory(), tmp_path)
        .path.stat()
        .st_mtime_ns
        == mtime
    )


@pytest.mark.integration
def test_the_shipped_reranker_prefers_the_sentence_that_answers() -> None:
    model = load_reranker(precision="float32")
    assert model is not None, "assistant/learned/reranker.pt is shipped with the code"
    question = "Hvem samarbeider Trondheim kommune med om Universitetskommune 3.0?"
    texts = [
        "Universitetskommune 3.0 er en satsing for hele byen.",
        "Trondheim kommune har rundt 210 000 innbyggere.",
        "Avtalen om Universitetskommune 3.0 er inngått mellom Trondheim kommune og NTNU.",
    ]
    scores = model.scores(question, texts)
    assert int(np.argmax(scores)) == 2
    # English asks too: the same sentences, the same choice.
    english = model.scores(
        "Who does Trondheim municipality cooperate with on University Municipality 3.0?", texts
    )
    assert int(np.argmax(english)) == 2
    # In bfloat16 (chosen where the CPU does it natively) the scores move by hundredths, not ranks.
    low = model.model.score(question, texts, bfloat16=True)
    assert int(np.argmax(low)) == 2
    assert np.abs(low - scores).max() < 0.05


@pytest.mark.integration
def test_a_question_longer_than_the_pairs_budget_is_scored_not_refused_by_the_tokenizer() -> None:
    """Pairs were cut in the passage only: a question of more than ~90 tokens (about 400
    characters; the assistant accepts 1,000) made the tokenizer raise, and the answer failed."""
    model = load_reranker(precision="float32")
    assert model is not None
    texts = [
        "Styringsgruppe 4 + 4 Koordinatorer TK og NTNU",
        "Avtalen om Universitetskommune 3.0 er inngått mellom Trondheim kommune og NTNU.",
    ]
    short = "Hvem samarbeider Trondheim kommune med om Universitetskommune 3.0?"
    long = short + " Jeg lurer også på hvordan samarbeidet er organisert i det daglige," * 12
    assert len(long) < 1000
    inputs = encoder_inputs(model.model.tokenizer, [long] * 2, texts)
    assert inputs["input_ids"].shape[1] <= MAX_TOKENS
    scores = model.scores(long, texts)
    assert scores.shape == (2,) and int(np.argmax(scores)) == 1
    # A question within the budget is passed whole: its pairs are as before.
    whole = encoder_inputs(model.model.tokenizer, [short], texts[:1])
    assert model.model.tokenizer.decode(whole["input_ids"][0], skip_special_tokens=True).startswith(
        f"query: {short} passage:"
    )
