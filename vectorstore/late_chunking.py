"""Late chunking: sentence vectors pooled from the token states of the passage they sit in.

Ingest needs a vector for every quotable sentence (~9 a passage). Encoding each sentence again cost
2.2x the passage work; instead, the passage is encoded once and a sentence's vector is the mean of
the token states inside its character span (the tokenizer's offset mapping gives each token's
span), L2-normalised, so the sentence is read in the context of its passage. Tokens past the
model's input length have no state: a sentence that does not fit entirely is reported as missing,
and the caller embeds it on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["PassageVectors", "pool_spans"]

Span = tuple[int, int]


@dataclass(frozen=True)
class PassageVectors:
    """One passage's vector (mean over all its tokens, as before) and one row per requested span.

    `missing` lists the spans (by index) the encoder did not see whole; their rows are zero and
    must be filled by embedding those sentences on their own.
    """

    vector: list[float]
    span_vectors: np.ndarray
    missing: tuple[int, ...] = ()


def pool_spans(
    states: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    special: Sequence[int],
    spans: Sequence[Span],
) -> tuple[np.ndarray, tuple[int, ...]]:
    """Mean of the token `states` whose character `offsets` overlap each span, L2-normalised.

    `special` flags tokens (CLS, SEP, padding) that belong to no span. A span that reaches past the
    last real token of a truncated text (or has no token at all) is returned in `missing`.
    """
    out = np.zeros((len(spans), states.shape[-1]), dtype=np.float32)
    real = [i for i, flag in enumerate(special) if not flag and offsets[i][1] > offsets[i][0]]
    if not real:
        return out, tuple(range(len(spans)))
    starts = np.array([offsets[i][0] for i in real])
    ends = np.array([offsets[i][1] for i in real])
    # Every span lies inside the text, so one ending past the last real token was truncated away.
    seen_until = int(ends[-1])
    missing: list[int] = []
    for row, (start, end) in enumerate(spans):
        inside = (starts < end) & (ends > start)
        if end > seen_until or not inside.any():
            missing.append(row)
            continue
        mean = states[np.asarray(real)[inside]].astype(np.float32).mean(axis=0)
        out[row] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return out, tuple(missing)
