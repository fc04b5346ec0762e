"""Scale benchmark: ingest rate against raw encode, then 10k and 100k passage indexes; prints numbers.

    python benchmarks/scale.py --out /tmp/scale [--sizes 10000 100000] [--questions 200]

1. Real ingest. The NorQuAD corpus and the bundled corpus go through the real pipeline (load,
   clean, chunk, embed passages and pool their sentences, Chroma, BM25) into a fresh index, the
   clock running from before the model is loaded. The same run then encodes the same passages
   (up to --raw-sample) with the bare, warm model, so the ratio compares like with like on the
   same loaded machine; it is printed with and without the model load.
2. Scale-up. Embedding 100k passages takes hours on two cores, so the larger indexes are grown
   from the real one instead. Each added passage is new text, the first half of one real
   passage's sentences followed by the second half of another's, so no two are duplicates and
   BM25 sees real, varied text. Its sentences keep the vectors they had in their parent passage
   (late chunking reads a sentence in its passage, so this approximates the new context); its
   passage vector is the normalised sum of its two parents' vectors, an approximation too.
   The added passages are written through the store's own write path, 100 to a document, and the
   BM25 index is updated incrementally.
3. Queries. For each index a fresh process (so its RSS is the app's, not the builder's) loads the
   store like the app does, warms up, and asks NorQuAD validation questions: retrieval alone
   (query embedding, dense + BM25, fusion) and the whole extractive answer. It prints p50/p95,
   hit@5 of the original passages among the distractors, max RSS and the index size on disk.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from assistant.runtime import offline_environment, open_store
from vectorstore.settings import StoreSettings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NORQUAD = SHARED / "benchmarks" / "norquad"


def _store(data_dir: Path):  # type: ignore[no-untyped-def]
    return open_store(StoreSettings(data_dir=data_dir))


def _peak_rss_mb() -> float:
    """This process's peak RSS since it started. Not getrusage's ru_maxrss: Linux keeps that across
    exec, so a child started by a big parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def real_ingest(data_dir: Path, sample: int, files: int | None = None) -> dict[str, float]:
    """Ingest the real corpora (or the first `files` NorQuAD files and the bundled corpus, for a
    quicker measurement of the ratio); then time the bare model on a sample of the same texts."""
    from ingest.chunking import answer_sentences
    from ingest.pipeline import ingest_paths
    from vectorstore.store import index_text

    shutil.rmtree(data_dir, ignore_errors=True)
    norquad = NORQUAD / "corpus"
    if files:
        norquad = data_dir.parent / "norquad-subset"
        shutil.rmtree(norquad, ignore_errors=True)
        norquad.mkdir(parents=True)
        for path in sorted((NORQUAD / "corpus").iterdir())[:files]:
            shutil.copy(path, norquad / path.name)
    started = time.perf_counter()
    store = _store(data_dir)
    store.embeddings.embed_query("load the model")
    loaded = time.perf_counter()
    report = ingest_paths([norquad, ROOT / "corpus"], store)
    seconds = time.perf_counter() - started
    passages = list(store.iter_passages())
    n = len(passages)

    rng = random.Random(0)
    picked = rng.sample(passages, min(sample, n))
    texts = [index_text(str(p.metadata["title"]), str(p.metadata["section"]), p.page_content) for p in picked]
    sentences = [
        s.embed_text for p in picked for s in answer_sentences(p.page_content, str(p.metadata["section"]))
    ]
    t0 = time.perf_counter()
    store.embeddings.embed_documents(texts)
    t1 = time.perf_counter()
    store.embeddings.embed_documents(sentences)
    t2 = time.perf_counter()
    raw_passages = len(picked) / (t1 - t0)
    raw_same_work = len(picked) / (t2 - t0)
    rate = n / seconds
    rate_loaded = n / (seconds - (loaded - started))
    return {
        "files": len(report.files),
        "passages": n,
        "model_load_seconds": round(loaded - started, 1),
        "ingest_seconds_with_load": round(seconds, 1),
        "ingest_passages_per_s_with_load": round(rate, 2),
        "ingest_passages_per_s_model_loaded": round(rate_loaded, 2),
        "raw_encode_passages_per_s": round(raw_passages, 2),
        "raw_encode_passages_and_sentences_per_s": round(raw_same_work, 2),
        "ingest_vs_raw_same_work": round(rate / raw_same_work, 3),
        "ingest_vs_raw_passages_only": round(rate / raw_passages, 3),
        "ingest_vs_raw_passages_only_model_loaded": round(rate_loaded / raw_passages, 3),
        "sentences_per_passage": round(len(sentences) / len(picked), 1),
    }


def grow(source_dir: Path, data_dir: Path, target: int, seed: int) -> dict[str, float]:
    """Copy the real index and add mixed passages until it holds `target` passages."""
    from ingest.chunking import answer_sentences
    from ingest.sentences import sentence_spans
    from vectorstore.store import ChunkRecord, DocumentRecord

    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(source_dir, data_dir, ignore=shutil.ignore_patterns("write.lock"))
    store = _store(data_dir)
    base = list(store.iter_passages())
    ids = [p.id or "" for p in base]
    vectors = store.passage_vectors(ids)
    stored = store.sentence_vectors(ids)
    by_text = {
        p.page_content[start:end]: vec
        for p in base
        for (start, end), vec in stored.get(p.id or "", {}).items()
    }
    rng = random.Random(seed)
    need = target - len(base)
    started = time.perf_counter()
    written = 0
    doc_no = 0
    # Leaving the block brings BM25 up to date with what was written, incrementally: timed apart.
    with store.writing("benchmark: grow", repair=False):
        while written < need:
            chunk_records, chunk_vectors, parts = [], [], []
            offset = 0
            for position in range(min(100, need - written)):
                a, b = rng.sample(base, 2)
                spans_a, spans_b = sentence_spans(a.page_content), sentence_spans(b.page_content)
                head = a.page_content[: spans_a[len(spans_a) // 2][0]] if len(spans_a) > 1 else a.page_content
                tail = b.page_content[spans_b[len(spans_b) // 2][0] :] if len(spans_b) > 1 else b.page_content
                text = f"{head.strip()} {tail.strip()}"
                section = str(a.metadata.get("section", ""))
                sentences = [s for s in answer_sentences(text, section) if s.text in by_text]
                vec = np.asarray(vectors[a.id], dtype=np.float32) + np.asarray(
                    vectors[b.id], dtype=np.float32
                )
                chunk_vectors.append((vec / np.linalg.norm(vec)).tolist())
                chunk_records.append(
                    ChunkRecord(
                        chunk_id=f"mix{seed}-{doc_no:05d}-{position:03d}",
                        text=text,
                        position=position,
                        char_start=offset,
                        char_end=offset + len(text),
                        section=section,
                        # Late-chunked parents make a late-chunked child: answering refines it too.
                        extra={"sentence_vectors": "pooled"}
                        if a.metadata.get("sentence_vectors") == "pooled"
                        else {},
                        sentence_spans=tuple((s.start, s.end) for s in sentences),
                        sentence_vectors=np.stack([by_text[s.text] for s in sentences])
                        if sentences
                        else None,
                    )
                )
                parts.append(text)
                offset += len(text) + 2
            record = DocumentRecord(
                source=f"mixed/mix{seed}-{doc_no:05d}.txt",
                title=f"Blandet dokument {doc_no}",
                lang="nb",
                content_hash=f"mix{seed}-{doc_no}",
                file_format="txt",
                n_chunks=len(chunk_records),
                ingested_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
                text="\n\n".join(parts),
            )
            store.write_document(record, chunk_records, chunk_vectors)
            written += len(chunk_records)
            doc_no += 1
            if doc_no % 50 == 0:
                print(f"  {len(base) + written} passages", file=sys.stderr, flush=True)
        write_seconds = time.perf_counter() - started
        t0 = time.perf_counter()
    bm25_seconds = time.perf_counter() - t0
    return {
        "passages": store.count(),
        "write_seconds": round(write_seconds, 1),
        "bm25_update_seconds": round(bm25_seconds, 1),
        "disk_mb": round(_disk_mb(data_dir), 1),
    }


def query(data_dir: Path, n_questions: int) -> dict[str, float]:
    """Run in a fresh process: load like the app, then time retrieval and whole answers."""
    from assistant.core import Assistant
    from assistant.evaluation import load_questions
    from assistant.question import analyze_question

    store = _store(data_dir)
    t0 = time.perf_counter()
    assistant = Assistant.from_settings(store=store)
    assistant.warm_up()
    warm = time.perf_counter() - t0
    questions = [q for q in load_questions(NORQUAD / "validation.jsonl") if q.answerable]
    questions = random.Random(1).sample(questions, min(n_questions, len(questions)))
    retrieve_ms, answer_ms, hits = [], [], 0
    for q in questions:
        info = analyze_question(q.question)
        t0 = time.perf_counter()
        vector = store.embeddings.embed_query(q.question)
        passages = assistant.retriever.retrieve(q.question, info.lang, 5, query_vector=vector)
        retrieve_ms.append((time.perf_counter() - t0) * 1000)
        hits += any(p.source in q.expected_sources for p in passages)
        answer = assistant.ask(q.question)
        answer_ms.append(answer.timings_ms["total_ms"])
    return {
        "questions": len(questions),
        "warm_up_s": round(warm, 1),
        "retrieve_p50_ms": round(float(np.percentile(retrieve_ms, 50)), 1),
        "retrieve_p95_ms": round(float(np.percentile(retrieve_ms, 95)), 1),
        "answer_p50_ms": round(float(np.percentile(answer_ms, 50)), 1),
        "answer_p95_ms": round(float(np.percentile(answer_ms, 95)), 1),
        "hit@5": round(hits / len(questions), 3),
        "max_rss_mb": _peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/scale"))
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--raw-sample", type=int, default=500)
    parser.add_argument("--skip-ingest", action="store_true", help="reuse OUT/real from an earlier run")
    parser.add_argument("--real-files", type=int, help="ingest only this many NorQuAD files (ratio only)")
    parser.add_argument("--query-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    offline_environment()

    if args.query_only:
        print(json.dumps(query(args.query_only, args.questions)))
        return
    real = args.out / "real"
    results: dict[str, object] = {"cpus": os.cpu_count()}
    if not args.skip_ingest:
        print("real ingest of NorQuAD + the bundled corpus ...", file=sys.stderr)
        results["real_ingest"] = real_ingest(real, args.raw_sample, args.real_files)
        print(json.dumps(results["real_ingest"]), flush=True)
    for size in [0, *args.sizes]:
        data_dir = real if size == 0 else args.out / f"n{size}"
        label = "real" if size == 0 else str(size)
        if size:
            print(f"growing to {size} passages ...", file=sys.stderr)
            results[f"build_{label}"] = grow(real, data_dir, size, seed=size)
            print(json.dumps({label: results[f"build_{label}"]}), flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--query-only", str(data_dir), "--questions", str(args.questions)],
            check=True,
            capture_output=True,
            text=True,
        )
        stats = json.loads(out.stdout.strip().splitlines()[-1])
        stats["disk_mb"] = round(_disk_mb(data_dir), 1)
        results[f"query_{label}"] = stats
        print(json.dumps({label: stats}), flush=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
