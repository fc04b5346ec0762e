"""Settings of retrieval and answering; read from ASSISTANT_* environment variables."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["AssistantSettings"]


class AssistantSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # Retrieval: how many candidates each retriever proposes, and how many passages are kept.
    candidates: int = 40
    top_k: int = 5
    # Fusion: "hybrid" (dense + BM25), or one retriever alone for baselines.
    mode: str = "hybrid"
    # Weight of BM25 in the fused score (dense gets the rest); chosen on NorQuAD validation.
    lexical_weight: float = 0.6
    # BM25 weight when the question's language differs from the documents' (BM25 cannot match an
    # English question to Scandinavian text, except for names).
    cross_language_lexical_weight: float = 0.2
    # Answers: how many sentences at most, from how many top passages.
    answer_sentences: int = 2
    answer_passages: int = 4
    # Abstain when the best evidence scores below this (calibrated; see benchmarks/calibrate.py).
    abstain_threshold: float = 0.9867
    # Refuse longer questions before any work is done.
    max_question_chars: int = 1000
