"""Raw encode throughput of the embedding model on this machine, in passages per second.

    python benchmarks/embed_throughput.py [--corpus DIR] [--passages 400] [--batch-size 32]
                                          [--backend torch|onnx|onnx-int8]

Passages are the real chunks the ingest pipeline makes from the corpus (NorQuAD by default), with
the same title/section prefix, so the number is comparable to the ingest rate. The same passages
then go through `embed_passages` (late chunking: passage vector plus pooled sentence vectors),
which should cost the same, and the sentences that reach past the model's 512 tokens (embedded on
their own at ingest) are counted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import get_args

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.runtime import offline_environment
from ingest.chunking import answer_sentences, chunk_text
from ingest.clean import clean_text
from vectorstore.embeddings import load_embeddings
from vectorstore.settings import EmbeddingBackend, StoreSettings
from vectorstore.store import index_text

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "norquad" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--passages", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--backend", choices=get_args(EmbeddingBackend), default=None)
    args = parser.parse_args()
    offline_environment()

    passages: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    for path in sorted(args.corpus.glob("*.txt")):
        text = clean_text(path.read_text(encoding="utf-8"))
        title = text.split("\n", 1)[0]
        for c in chunk_text(path.name, text):
            passages.append(index_text(title, c.section, c.text))
            shift = len(passages[-1]) - len(c.text)
            spans.append([(s.start + shift, s.end + shift) for s in answer_sentences(c.text, c.section)])
        if len(passages) >= args.passages:
            break
    passages, spans = passages[: args.passages], spans[: args.passages]
    settings = StoreSettings(embedding_batch_size=args.batch_size)
    if args.backend:
        settings = settings.model_copy(update={"embedding_backend": args.backend})
    embeddings = load_embeddings(settings)
    embeddings.embed_documents(passages[:8])  # load and warm up
    started = time.perf_counter()
    embeddings.embed_documents(passages)
    seconds = time.perf_counter() - started
    words = sum(len(p.split()) for p in passages) / len(passages)
    print(
        f"model {embeddings.model_id} on {settings.embedding_backend}, {len(passages)} passages of "
        f"{words:.0f} words on average, batch {args.batch_size}, {os.cpu_count()} CPUs"
    )
    print(f"encode: {len(passages) / seconds:.1f} passages/s ({seconds:.1f} s)")
    started = time.perf_counter()
    late = embeddings.embed_passages(passages, spans)
    seconds = time.perf_counter() - started
    missing = sum(len(p.missing) for p in late)
    print(
        f"late chunking: {len(passages) / seconds:.1f} passages/s ({seconds:.1f} s) with "
        f"{sum(map(len, spans))} sentence vectors; {missing} sentences past the model's input "
        f"({sum(1 for p in late if p.missing)} passages) are embedded on their own"
    )


if __name__ == "__main__":
    main()
