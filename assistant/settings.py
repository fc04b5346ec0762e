"""Settings of retrieval and answering; read from ASSISTANT_* environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
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
    # Answers: how many sentences at most (a list question: list_items), from how many passages.
    answer_sentences: int = 2
    list_items: int = 6
    answer_passages: int = 4
    # Rescore the selector's best candidate sentences with the cross-encoder trained on NorQuAD
    # (assistant/reranker.py); off, the linear selector alone picks them (faster, less exact).
    rerank: bool = True
    # The reranker's arithmetic: "auto" uses bfloat16 when it measures faster on this CPU at load
    # (2.3x on one with AVX512-BF16, same answers); "float32" or "bfloat16" force one; "onnx" runs
    # float32 in onnxruntime (same scores; faster alone, slower inside the answer path on 2 cores).
    reranker_precision: Literal["auto", "float32", "bfloat16", "onnx"] = "auto"
    # For a question in another language family than the documents, find its words' counterparts
    # among the candidate sentences' words with the embedding model (assistant/translation.py).
    translate_words: bool = True
    # Abstain when the learned answer probability is below this; unset, the threshold calibrated
    # with the weights is used (assistant/learned/abstainer.json, see assistant/learned/train.py).
    abstain_threshold: float | None = None
    # "Which documents mention X": a document without X's words counts as mentioning it only when
    # its closest sentence is at least this similar (measured on the bundled corpus; see
    # tests/test_overview.py).
    mention_threshold: float = 0.88
    # The language of a question that reads as well in bokmål as in Danish ("Hvem ledet Sovjet i
    # 1939?"); set it to the deployment's home language (nb, nn, da, sv or en).
    default_lang: Literal["nb", "nn", "da", "sv", "en"] = "nb"
    # Refuse longer questions before any work is done.
    max_question_chars: int = 1000

    # Generative answers through the user's own model server; "none" keeps answers extractive.
    llm_provider: Literal["none", "openai", "ollama"] = "none"
    # OpenAI-compatible endpoint (vLLM, llama.cpp server, a gateway) or Ollama, e.g.
    # http://127.0.0.1:8000/v1 or http://127.0.0.1:11434; Azure OpenAI through its /openai/v1 URL.
    llm_base_url: str = ""
    llm_model: str = ""
    # The standard OPENAI_API_KEY is read when ASSISTANT_LLM_API_KEY is not set.
    llm_api_key: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("ASSISTANT_LLM_API_KEY", "OPENAI_API_KEY")
    )
    # Seconds for the whole answer (each read too); past it the extractive answer is shown instead.
    llm_timeout: float = 30.0
    llm_max_tokens: int = 600
    llm_temperature: float = 0.0
    # Passages numbered in the prompt (the model may cite [1]..[n]).
    llm_passages: int = 5
    # A generated sentence is supported when dense cosine + weight * lexical overlap with the best
    # sentence of a passage it cites reaches the threshold. Calibrated by
    # benchmarks/calibrate_support.py (seed-dev + 50 NorQuAD validation questions: balanced
    # accuracy 0.953; gold sentences 100 % kept, the same claims against other passages 97 % caught).
    support_threshold: float = 0.9845
    support_lexical_weight: float = 0.2
    # What happens to a sentence that fails verification: shown with a visible flag, or dropped.
    unsupported: Literal["flag", "remove"] = "flag"
