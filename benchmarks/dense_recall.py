"""How often Chroma's approximate (HNSW) search loses passages an exact search would return.

    ASSISTANT_DATA_DIR=DIR python benchmarks/dense_recall.py QUESTIONS.jsonl [--n 200] [--k 40]

For each question: the exact top 10 by cosine over every stored passage vector, against the
store's `dense_search` top k (what retrieval fuses). Prints the search breadth the index has
(`ef_search`), how many questions lost their exact nearest passage, and how many of the exact top
10 were missing. Run it twice: with a narrow breadth the misses change from process to process.

Measured 2026-12-01 on the NorQuAD index (1,776 passages), 200 validation questions, k = 40:
Chroma's default ef_search 100: nearest passage missing for 1 question, top-10 items missing 8 and
5 in two runs; ef_search 400 (`vectorstore.store.SEARCH_EF`): 0 and 0 in two runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.runtime import offline_environment, open_store
from vectorstore.settings import StoreSettings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--k", type=int, default=40)
    args = parser.parse_args()
    offline_environment()
    store = open_store(StoreSettings())
    ids: list[str] = []
    rows = []
    for page in store.iter_records("passages"):
        ids += page.ids
        rows.append(page.embeddings)
    matrix = np.concatenate(rows)
    names = np.asarray(ids)
    lines = args.questions.read_text(encoding="utf-8").splitlines()[: args.n]
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    lost_first = lost_items = 0
    for question in questions:
        vector = np.asarray(store.embeddings.embed_query(question), dtype=np.float32)
        exact = names[np.argsort(-(matrix @ vector))[:10]]
        found = {doc.id for doc, _ in store.dense_search(vector, args.k)}
        lost_first += exact[0] not in found
        lost_items += sum(i not in found for i in exact)
    print(
        json.dumps(
            {
                "passages": len(ids),
                "ef_search": store.search_breadth(),
                "questions": len(questions),
                "nearest_missing": lost_first,
                "top10_items_missing": lost_items,
            }
        )
    )


if __name__ == "__main__":
    main()
