"""The cross-encoder reranker: its adapter folds into the encoder without changing a score, it only
reorders the selector's best few, and the shipped weights prefer the sentence that answers."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from torch import nn

from assistant.compose import ScoredSentence, reranked
from assistant.reranker import TOP_K, LoRALinear, RerankerModel, load_reranker


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


@pytest.mark.integration
def test_the_shipped_reranker_prefers_the_sentence_that_answers() -> None:
    model = load_reranker()
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
