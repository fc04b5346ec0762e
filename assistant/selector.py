"""Learned answer-sentence scoring and the answer-or-abstain decision.

Both are logistic regressions over general features only (similarities, ranks, positions, answer
type, neighbour sentences), trained on NorQuAD's training split by `assistant/learned/train.py`,
which writes the weights next to itself. Inference is a dot product in numpy: no model library
is needed at answer time, and the weights are a small JSON file a reviewer can read.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.question import has_new_name

__all__ = [
    "ABSTAIN_FEATURES",
    "SENTENCE_FEATURES",
    "Candidate",
    "LinearModel",
    "abstain_features",
    "load_model",
    "sentence_logits",
    "sentence_matrix",
    "states_reason",
]

LEARNED_DIR = Path(__file__).resolve().parent / "learned"

SENTENCE_FEATURES = (
    "dense", "dense_gap", "dense_rank", "lexical", "lexical_gap", "lexical_rank", "passage_score",
    "passage_rank", "typed", "type_missing", "grounded", "prev_dense", "prev_lexical", "next_dense",
    "next_lexical", "prev_restates", "novelty", "position", "first_in_passage", "log_words",
    "unpunctuated", "new_name", "digits", "who_x_name", "where_x_name", "why_x_cue", "how_x_cue",
    "list_x_enumeration", "names_question_entity", "pronoun_start", "pronoun_x_prev_lexical",
    "lexical_here_or_before",
)  # fmt: skip

# Relative signals (how the best candidate stands out, how much of the question the passages
# mention) carry over from Norwegian questions to English and Danish ones; absolute similarity
# levels do not (cross-language cosines run lower), except as a floor for off-topic questions.
ABSTAIN_FEATURES = (
    "logit_gap", "dense_margin", "max_dense", "best_grounded", "grounded_share", "type_missing",
    "entities", "cross_language", "coverage", "rarest_missing", "rerank_best", "rerank_gap",
)  # fmt: skip


class Coverage(Protocol):
    """How much of the question the passages mention (`compose.Coverage`)."""

    @property
    def share(self) -> float: ...
    @property
    def rarest_missing(self) -> bool: ...


class Candidate(Protocol):
    """What the selector needs of one candidate sentence (`compose.ScoredSentence` has it)."""

    @property
    def passage_index(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def dense(self) -> float: ...
    @property
    def lexical(self) -> float: ...
    @property
    def typed(self) -> bool: ...
    @property
    def grounded(self) -> bool: ...
    @property
    def passage_score(self) -> float: ...
    @property
    def novelty(self) -> float: ...


_END_PUNCTUATION = re.compile(r"[.!?…:;][\"»”')\]]*$")
# A capitalised word that does not open the sentence: a name, the shape of a who/where answer.
# Words that give a reason or a means, in nb/nn/da/sv/en: the shape of a why/how answer.
_REASON = re.compile(
    r"\b(?:fordi|derfor|grunnet|skyldes|årsaken|på grunn av|på grund av|som følge av|eftersom|därför|"
    r"because|due to|therefore|since|for å|for at|för att|in order to|slik at|så at|so that|"
    # a choice's grounds: "Dette valget bygger både på …", "baseret på", "based on"
    r"bygger (?:\w+ )?på|basert på|baseret på|baserad på|based on|grunner seg på)\b",
    re.I,
)
_MEANS = re.compile(
    r"\b(?:ved å|ved at|gjennom|gennem|igennem|genom|ved hjelp av|ved hjælp af|med hjälp av|by|through|"
    r"via|using|skal|vil|ska)\b",
    re.I,
)


def states_reason(text: str) -> bool:
    """Whether a sentence gives a reason or grounds ("fordi …", "Dette valget bygger på …")."""
    return bool(_REASON.search(text))


def _ranks(values: np.ndarray) -> np.ndarray:
    """1 / (1 + rank), the best value ranked 0."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    return 1.0 / (1.0 + ranks)


# A sentence that opens with a pronoun continues the one before it ("Han ble skutt ..."): its
# evidence may be there.
_PRONOUN = re.compile(r"^(?:han|hun|hen|den|det|de|dette|disse|dei|ho|he|she|it|they|this|these)\b", re.I)


def sentence_matrix(
    candidates: Sequence[Candidate],
    needs_type: bool,
    kind: str = "other",
    plan: str = "fact",
    question: str = "",
    entity_words: Sequence[str] = (),
) -> np.ndarray:
    """One row of `SENTENCE_FEATURES` per candidate, in the candidates' order.

    `kind` (answer type) and `plan` come from `question.analyze_question`; the shape features
    (a new name, a reason word, an enumeration) count only for the questions that want them."""
    n = len(candidates)
    if not n:
        return np.zeros((0, len(SENTENCE_FEATURES)))
    dense = np.array([c.dense for c in candidates])
    lexical = np.array([c.lexical for c in candidates])
    # Neighbours within the same passage, in document order.
    by_passage: dict[int, list[int]] = {}
    for i, c in enumerate(candidates):
        by_passage.setdefault(c.passage_index, []).append(i)
    prev = [-1] * n
    nxt = [-1] * n
    position = [0.0] * n
    for members in by_passage.values():
        members.sort(key=lambda i: candidates[i].start)
        for k, i in enumerate(members):
            prev[i] = members[k - 1] if k else -1
            nxt[i] = members[k + 1] if k + 1 < len(members) else -1
            position[i] = k / (len(members) - 1) if len(members) > 1 else 0.0
    rows = []
    dense_rank, lexical_rank = _ranks(dense), _ranks(lexical)
    entities = [w.lower() for w in entity_words]
    for i, c in enumerate(candidates):
        p, q = prev[i], nxt[i]
        new_name = float(has_new_name(c.text, question))
        enumeration = min(3, c.text.count(",") + len(re.findall(r"\s(?:og|and|och)\s", c.text))) / 3
        rows.append(
            (
                c.dense,
                c.dense - dense.max(),
                dense_rank[i],
                c.lexical,
                c.lexical - lexical.max(),
                lexical_rank[i],
                c.passage_score,
                1.0 / (1.0 + c.passage_index),
                float(c.typed),
                float(needs_type and not c.typed),
                float(c.grounded),
                dense[p] if p >= 0 else 0.0,
                lexical[p] if p >= 0 else 0.0,
                dense[q] if q >= 0 else 0.0,
                lexical[q] if q >= 0 else 0.0,
                float(p >= 0 and candidates[p].novelty < 0.35),
                c.novelty,
                position[i],
                float(p < 0),
                math.log(1 + len(c.text.split())),
                float(not _END_PUNCTUATION.search(c.text.strip())),
                new_name,
                float(any(ch.isdigit() for ch in c.text)),
                new_name * (kind in ("person", "org")),
                new_name * (kind == "place"),
                float(plan == "why" and bool(_REASON.search(c.text))),
                float(plan == "how" and bool(_MEANS.search(c.text))),
                enumeration * (plan == "list"),
                float(any(e in c.text.lower() for e in entities)),
                pronoun := float(bool(_PRONOUN.match(c.text.strip()))),
                pronoun * (lexical[p] if p >= 0 else 0.0),
                max(c.lexical, lexical[p] if p >= 0 else 0.0),
            )
        )
    return np.asarray(rows, dtype=np.float64)


def abstain_features(
    candidates: Sequence[Candidate],
    logits: np.ndarray,
    needs_type: bool,
    entities: int,
    cross_language: bool,
    coverage: Coverage,
    rerank: np.ndarray | None = None,
) -> np.ndarray:
    """One row of `ABSTAIN_FEATURES` for a question, from its candidates and their logits.

    `rerank` holds the cross-encoder's scores of the selector's best few (`reranker.py`): it reads
    question and sentence together, so it can tell "Befolkningen i Hamar ..." from an answer to
    "Hvem er ordfører i Hamar?". Without a reranker those two features are NaN, which
    `LinearModel` reads as the training mean (no evidence either way).

    Coverage counts an English word as present when its glossary counterpart is (`compose`), so
    one coverage feature serves both languages; kept apart per language, the few cross-language
    calibration questions taught the model to distrust every English question (5-fold check on
    the calibration set: English answerable questions answered 0.92 -> 0.96)."""
    order = np.argsort(-logits, kind="stable")
    best = candidates[int(order[0])]
    second = float(logits[order[1]]) if len(order) > 1 else float(logits[order[0]]) - 5.0
    dense = [c.dense for c in candidates]
    return np.array(
        [
            float(logits[order[0]]) - second,
            max(dense) - sum(dense) / len(dense),
            max(dense),
            float(best.grounded),
            sum(c.grounded for c in candidates) / len(candidates),
            float(needs_type and not best.typed),
            math.log1p(entities),
            float(cross_language),
            coverage.share,
            float(coverage.rarest_missing),
            float(rerank.max()) if rerank is not None and len(rerank) else math.nan,
            _gap(rerank) if rerank is not None and len(rerank) else math.nan,
        ]
    )


def _gap(scores: np.ndarray) -> float:
    """How far the best score stands above the runner-up (a lone candidate: its own score)."""
    top = np.sort(scores)[::-1]
    return float(top[0] - top[1]) if len(top) > 1 else float(top[0])


@dataclass(frozen=True)
class LinearModel:
    """Standardised linear score: `logit = ((x - mean) / scale) @ coef + intercept` (a logistic
    regression for the abstainer, a conditional logit over a question's sentences for the selector)."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    # The abstainer's calibrated probability below which it abstains.
    threshold: float = 0.5
    meta: dict[str, Any] | None = None

    def logits(self, x: np.ndarray) -> np.ndarray:
        """A missing feature (NaN) counts as its training mean: it moves the score neither way."""
        standard = np.nan_to_num((x - self.mean) / self.scale, nan=0.0)
        return np.asarray(standard @ self.coef + self.intercept)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(1.0 / (1.0 + np.exp(-self.logits(x))))

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(self.names),
                "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(),
                "coef": self.coef.round(6).tolist(),
                "intercept": round(self.intercept, 6),
                "threshold": round(self.threshold, 6),
                "meta": self.meta or {},
            },
            indent=1,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, expected: Sequence[str]) -> LinearModel:
        data = json.loads(text)
        if tuple(data["features"]) != tuple(expected):
            raise ValueError(
                "the learned weights were trained on other features than this code computes; "
                "re-run `python -m assistant.learned.train`"
            )
        return cls(
            names=tuple(data["features"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            threshold=float(data.get("threshold", 0.5)),
            meta=data.get("meta") or {},
        )


# An ungrounded sentence (the question's names are not in its document) is never the answer.
_UNGROUNDED_PENALTY = 20.0


def sentence_logits(model: LinearModel, matrix: np.ndarray) -> np.ndarray:
    """The selector's score per row of `sentence_matrix`, ungrounded sentences pushed to the bottom."""
    grounded = matrix[:, SENTENCE_FEATURES.index("grounded")]
    return model.logits(matrix) - _UNGROUNDED_PENALTY * (1.0 - grounded)


@cache
def load_model(name: str) -> LinearModel:
    """The shipped weights `assistant/learned/<name>.json` ("selector" or "abstainer")."""
    expected = SENTENCE_FEATURES if name == "selector" else ABSTAIN_FEATURES
    return LinearModel.from_json((LEARNED_DIR / f"{name}.json").read_text(encoding="utf-8"), expected)
