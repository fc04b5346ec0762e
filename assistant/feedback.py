"""Thumbs up/down from readers, stored with the question, the answer and its citations."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict
from pathlib import Path

from assistant.types import Answer

__all__ = ["FeedbackLog"]

_MAX_COMMENT = 2000


class FeedbackLog:
    """Append-only JSON lines under the data directory (one line per judgement)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, answer: Answer, helpful: bool, comment: str = "") -> dict[str, object]:
        entry: dict[str, object] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "helpful": helpful,
            "comment": comment.strip()[:_MAX_COMMENT],
            "question": answer.question,
            "answer": answer.text,
            "abstained": answer.abstained,
            "citations": [asdict(c) for c in answer.citations],
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
        return entry

    def entries(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]
