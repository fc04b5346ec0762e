"""Sentence vectors packed into a passage's Chroma metadata.

Answer composition compares the question with every candidate sentence of the top passages.
Embedding those sentences per question cost ~650 ms on two cores, so ingest embeds them once and
stores them with their passage: float16 in base64 (768 bytes a sentence for 384 dimensions), plus
the spans they belong to. Keeping them in the passage's own metadata means they are written,
committed and deleted together with it, in embedded and server mode alike, and never held in RAM.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["SPANS_KEY", "VECTORS_KEY", "pack", "unpack"]

SPANS_KEY = "sentence_spans"
VECTORS_KEY = "sentence_vectors"


def pack(spans: Sequence[tuple[int, int]], vectors: Any) -> dict[str, str]:
    """Metadata entries for these sentence spans and their vectors (one row per span)."""
    matrix = np.asarray(vectors, dtype=np.float16)
    if not spans or matrix.shape[0] != len(spans):
        raise ValueError("one vector per sentence span is required")
    return {
        SPANS_KEY: ",".join(f"{start}-{end}" for start, end in spans),
        VECTORS_KEY: base64.b64encode(matrix.tobytes()).decode("ascii"),
    }


def unpack(meta: Mapping[str, Any], dimension: int) -> dict[tuple[int, int], np.ndarray]:
    """span -> unit vector (float32); empty when the passage has none or they don't decode."""
    spans_text, packed = meta.get(SPANS_KEY), meta.get(VECTORS_KEY)
    if not isinstance(spans_text, str) or not isinstance(packed, str) or not spans_text:
        return {}
    try:
        spans = [tuple(int(x) for x in part.split("-")) for part in spans_text.split(",")]
        matrix = np.frombuffer(base64.b64decode(packed), dtype=np.float16).astype(np.float32)
        matrix = matrix.reshape(len(spans), dimension)
    except ValueError:
        return {}  # written by another model or version: the caller embeds on the fly
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)
    return {(span[0], span[1]): row for span, row in zip(spans, matrix, strict=True) if len(span) == 2}
