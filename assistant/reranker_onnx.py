"""The merged reranker run by onnxruntime: the same float32 graph, with fused kernels.

On a CPU without bfloat16 matrix units the reranker's forward is most of an answer's time. The
merged model (encoder with the LoRA updates folded in, mean pooling, score head) is exported once
into the model cache and run by onnxruntime (already a chromadb dependency). Its scores equal
torch's to ~1e-5 (the same best sentence for all 472 NorQuAD validation questions), so nothing
about the answers changes. Alone it is 1.26x faster (`benchmarks/reranker_speed.py`); inside the
answer path on 2 cores its thread pool competes with the embedder's and answers were slower, so it
runs only when asked for (`ASSISTANT_RERANKER_PRECISION=onnx`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from vectorstore.files import replacing

if TYPE_CHECKING:
    import torch

__all__ = ["OnnxScorer", "export_reranker"]

_OPSET = 17
# Part of the cache key: a graph of another shape must not be reused.
_GRAPH_VERSION = "1-merged-mean-head"
log = logging.getLogger(__name__)


def _cache_name(weights_file: Path, base_dir: Path) -> str:
    """The adapter's bytes and the base encoder's identity: either changing gives a fresh export."""
    digest = hashlib.sha256(weights_file.read_bytes())
    base = base_dir / "model.safetensors"
    stat = base.stat() if base.is_file() else None
    digest.update(f"|{base_dir.resolve()}|{stat.st_size if stat else 0}|{_GRAPH_VERSION}".encode())
    return f"reranker-{digest.hexdigest()[:12]}"


def export_reranker(model: torch.nn.Module, path: Path) -> None:
    """Write the merged reranker (`reranker.Reranker`: a dict of token ids and mask in, one score
    per pair out) as one ONNX graph."""
    import torch

    class _Pairs(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            scores: torch.Tensor = self.model({"input_ids": input_ids, "attention_mask": attention_mask})
            return scores

    # A padded example batch keeps the attention-mask path in the traced graph. The wrapper must be
    # in eval mode: the exporter restores the mode it found, and a wrapper in training mode would
    # switch the shared model's dropout on for every later torch forward.
    input_ids = torch.tensor([[0, 100, 200, 2, 300, 2], [0, 100, 2, 400, 2, 1]])
    attention_mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]])
    axes = {0: "pairs", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on transformers' shape branches
        torch.onnx.export(
            _Pairs().eval(),
            (input_ids, attention_mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["score"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "score": {0: "pairs"}},
            opset_version=_OPSET,
            dynamo=False,  # the TorchScript exporter needs only `onnx`, not onnxscript
        )


class OnnxScorer:
    """Scores tokenised pairs with the exported graph (exported on first use, then loaded)."""

    def __init__(self, model: torch.nn.Module, weights_file: Path, base_dir: Path, cache_dir: Path) -> None:
        import onnxruntime as ort

        path = cache_dir / "onnx" / _cache_name(weights_file, base_dir) / "reranker.onnx"
        if not path.is_file():
            log.info("exporting the reranker to ONNX (once) in %s", path.parent)
            with replacing(path, suffix=".onnx") as tmp:
                export_reranker(model, tmp)
        options = ort.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        # As the embedder's (vectorstore/onnx_backend.py): threads that spin after a run take the
        # cores from the next model an answer runs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.path = path
        self._session: Any = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, inputs: dict[str, torch.Tensor]) -> np.ndarray:
        feed = {name: inputs[name].numpy() for name in ("input_ids", "attention_mask")}
        (scores,) = self._session.run(["score"], feed)
        return np.asarray(scores, dtype=np.float64)
