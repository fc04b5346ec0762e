"""The assistant: question in, `Answer` with verbatim citations out.

The chat UI, the CLI and the evaluator all call `Assistant.ask`; none of them retrieves or composes
on its own. Collaborators default to "build from settings", so tests pass fakes in directly.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Literal

import numpy as np

from assistant.compose import (
    CHALLENGE_WORDS,
    MORE_PASSAGES,
    Composition,
    Plan,
    asks_reason_of,
    compose,
    content_words,
    holds_challenge_slide,
    quoted_first,
)
from assistant.facts import (
    answer_from_facts,
    asked_facts,
    compares,
    named_documents,
    names_only,
    speaks_of,
    uncovered_clause,
)
from assistant.followup import History, resolve_followup
from assistant.generate import AnswerGenerator, make_generator
from assistant.messages import message
from assistant.overview import CorpusQuestion, answer_corpus_question, cite, detect_corpus_question
from assistant.phrasing import answer_text, missing_detail_text
from assistant.question import (
    QuestionInfo,
    about_topic,
    analyze_question,
    asks_about_the_document,
    asks_summary,
    attributions,
    is_instruction,
    mentions_a_document,
    without_attribution,
    without_cleft,
)
from assistant.retrieval import HybridRetriever
from assistant.settings import AssistantSettings
from assistant.summary import MAX_SUMMARISED_DOCUMENTS, answer_corpus_summary, answer_summary
from assistant.translation import WordTranslator
from assistant.types import Answer, Passage, Reading, SentenceCheck
from vectorstore.store import ChunkStore, DocumentRecord

if TYPE_CHECKING:
    from assistant.reranker import RerankerModel

__all__ = ["Assistant", "QuestionRejected"]


class QuestionRejected(ValueError):
    """A question refused before any work (too long, empty); the message is for the user."""


class Assistant:
    """Answers questions from the indexed documents.

    >>> assistant = Assistant.from_settings()        # the index configured by the environment
    >>> answer = assistant.ask("Hvor mye penger får Kompetansepiloter til sammen?")
    >>> print(answer.text, [c.source for c in answer.citations])
    """

    def __init__(
        self,
        store: ChunkStore,
        settings: AssistantSettings | None = None,
        retriever: HybridRetriever | None = None,
        generator: AnswerGenerator | None = None,
    ) -> None:
        self.settings = settings or AssistantSettings()
        self.store = store
        self.retriever = retriever or HybridRetriever(store=store, settings=self.settings)
        # None unless a model server is configured (ASSISTANT_LLM_PROVIDER): answers stay extractive.
        self.generator = generator or make_generator(self.settings, store.embeddings, store.sentence_vectors)
        self._records: tuple[int, list[DocumentRecord]] | None = None
        # Word vectors for questions in another language family, kept across questions.
        self.translator = WordTranslator(store.embeddings.embed_words)

    @classmethod
    def from_settings(
        cls, settings: AssistantSettings | None = None, store: ChunkStore | None = None
    ) -> Assistant:
        """The assistant over `store`, or over the index the environment configures (STORE_*,
        ASSISTANT_DATA_DIR, CHROMA_HOST...: see assistant/runtime.py)."""
        from assistant.runtime import open_store

        return cls(store if store is not None else open_store(), settings or AssistantSettings())

    def warm_up(self) -> None:
        """Load the embedding model, the BM25 index and the language detector now, not on the
        first question (a user should not wait seconds for the first answer)."""
        analyze_question("Hvor mye penger får ordningen til sammen?")
        vector = self.store.embeddings.embed_query("warm-up")
        self._reranker()
        if not self.store.is_empty():
            self.store.lexical()
            # Chroma's first query after an ingest applies its pending log to the vector index
            # files; doing it now means answering questions afterwards only reads the disk. The
            # retriever's tables of the index's terms (spellings, cognates) are built now too.
            self.retriever.retrieve("warm-up", self.settings.default_lang, 1, query_vector=vector)

    def _reranker(self) -> RerankerModel | None:
        if not self.settings.rerank:
            return None
        from assistant.reranker import load_reranker  # torch and the encoder load on first use

        return load_reranker(precision=self.settings.reranker_precision)

    def reranker_runtime(self) -> str:
        """How the reranker scores ("float32", "bfloat16", "float32-onnx"), "off" when disabled or
        "missing" without its weights: latency figures mean little without it."""
        if not self.settings.rerank:
            return "off"
        reranker = self._reranker()
        return "missing" if reranker is None else str(reranker.meta.get("precision", "float32"))

    def check_question(self, question: str, lang_hint: str = "en") -> str:
        """Return the stripped question or raise `QuestionRejected`; costs no model work."""
        text = question.strip()
        limit = self.settings.max_question_chars
        if len(text) > limit:
            # Judge the language on a small prefix only: no work proportional to the abuse.
            lang = (
                analyze_question(text[:200], prior_lang=self.settings.default_lang).lang
                if lang_hint == "auto"
                else lang_hint
            )
            raise QuestionRejected(message("too_long", lang, length=len(text), limit=limit))
        if not text:
            raise QuestionRejected(message("empty_question", lang_hint if lang_hint != "auto" else "en"))
        return text

    def ask(
        self,
        question: str,
        history: History | None = None,
        sources: Sequence[str] | None = None,
        mode: str | None = None,
        k: int | None = None,
        generate: bool = True,
    ) -> Answer:
        """Answer `question`; `history` resolves follow-ups, `sources` restricts the documents.

        With a model server configured (and `generate`), the answer is written by the model and
        verified; the extractive answer is its fallback."""
        started = time.perf_counter()
        text = self.check_question(question, lang_hint="auto")
        with self.store.one_read():  # the whole answer reads one state of the index
            return self._answer(text, started, history, sources, mode, k, generate)

    def _answer(
        self,
        text: str,
        started: float,
        history: History | None,
        sources: Sequence[str] | None,
        mode: str | None,
        k: int | None,
        generate: bool,
    ) -> Answer:
        prior = self.settings.default_lang
        previous_lang = analyze_question(history[-1][0], prior_lang=prior).lang if history else None
        rewritten = self.generator.rewrite(text, history) if self.generator and history else None
        query = rewritten or resolve_followup(text, history)
        info = analyze_question(text, fallback_lang=previous_lang, prior_lang=prior)
        # Language and answer type come from the question itself; retrieval uses the resolved text.
        info = replace(info, text=query)
        if self.store.is_empty():
            return Answer(text, info.lang, message("empty_index", info.lang), True, retrieval_query=query)
        if is_instruction(text):
            return Answer(text, info.lang, message("abstain", info.lang), True, retrieval_query=query)
        corpus_question = detect_corpus_question(text)
        records = self._documents()
        names = named_documents(text, records)
        named = [r for group in names.values() for r in group]
        facts = asked_facts(text, info.plan, info.kind)
        if corpus_question is not None and corpus_question.kind == "compare" and len(names) >= 2:
            # The documents the question names, rather than the words around "and" in its phrasing
            # ("Compare how Hamar and Herning ..."), decide what is compared.
            corpus_question = replace(corpus_question, names=tuple(names))
        if corpus_question is None and compares(text, names) and not facts and not sources:
            # A question that names two or more places or publishers is a comparison, however it
            # is phrased: answered per document, with the ones that do not mention it.
            corpus_question = CorpusQuestion("compare", "", tuple(names))
        if corpus_question is not None:
            # Needs every document, so it is answered per document rather than from the top passages.
            answer = answer_corpus_question(
                corpus_question, text, info.lang, self.store, self.retriever,
                self.settings.mention_threshold, sources, self.read,
            )  # fmt: skip
            answer.timings_ms["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
            return answer

        summarised = self._summarised(text, named, sources, history, info.lang) if not facts else None
        if summarised is not None:
            # What a whole document is about: its opening and goals, not its two best sentences;
            # asked of no document in particular, what each of a small library's is about.
            answer = (
                answer_summary(text, info.lang, self.store, summarised)
                if isinstance(summarised, DocumentRecord)
                else answer_corpus_summary(text, info.lang, self.store, records)
            )
            answer.retrieval_query = query
            answer.timings_ms["total_ms"] = round((time.perf_counter() - started) * 1000, 1)
            return answer

        if query != text and not sources and not named:
            # A follow-up stays on the document the conversation was about.
            sources = self._top_sources(history[-1][0] if history else query, info.lang)
        t0 = time.perf_counter()
        # Misspelt words count as the words they stand for, in retrieval and in the sentences' evidence.
        info = replace(info, corrections=self.retriever.corrections(query, info.lang))
        query_vector = np.asarray(self.store.embeddings.embed_query(query), dtype=np.float32)
        t1 = time.perf_counter()
        shown = k or self.settings.top_k
        # Composition reads as deep as a number question may need (`compose`), however few
        # passages the answer shows: the chat's answer is then the one the evaluator (k=20) scores.
        depth = max(shown, self.settings.answer_passages + MORE_PASSAGES)
        passages = self.retriever.retrieve(
            query,
            info.lang,
            depth,
            sources,
            mode,
            query_vector=query_vector,
            corrections=info.corrections,
        )
        if info.kind in ("person", "time") and passages and asks_about_the_document(text):
            # Who gave a presentation and when stands in its opening lines, which the question's
            # words ("the Trondheim presentation") need not retrieve: read them too.
            passages = self._with_opening(passages)
        if asks_reason_of(info) and passages:
            # A deck gives its reasons on a slide titled as the problem ("5 Utfordringen …"), in
            # points that share few words with a question asking why: read that slide too.
            passages = self._with_challenge_slide(passages)
        t2 = time.perf_counter()
        facts_answer = None
        if facts and passages:
            by_source = {r.source: r for r in records}
            targets = named or [by_source[s] for s in (sources or [passages[0].source]) if s in by_source]
            facts_answer = answer_from_facts(facts, text, info.lang, self.store, targets)
            if not facts_answer.abstained:
                rest = uncovered_clause(text, records)
                if rest is not None:
                    self._answer_too(facts_answer, rest, info.lang, [r.source for r in targets], mode)
                facts_answer.retrieval_query = query
                facts_answer.passages += [
                    p for p in passages[:shown] if facts_answer.passage(p.chunk_id) is None
                ]
                facts_answer.timings_ms = {
                    "retrieve_ms": round((t2 - t0) * 1000, 1),
                    "total_ms": round((time.perf_counter() - started) * 1000, 1),
                }
                return facts_answer
        # "Ifølge Hamars strategi …": the answer is read in the document the question says it is in.
        attributed = named_documents(" ".join(attributions(text)), records)
        own = {r.source for group in attributed.values() for r in group} if len(attributed) == 1 else set()
        read_from = [p for p in passages if p.source in own] or passages
        composition = self._compose(info, read_from, query_vector)
        t3 = time.perf_counter()
        passages = quoted_first(passages, composition.citations)
        # The passages shown: the first `shown`, and any quoted one beyond them (quoted come first).
        passages = passages[: max(shown, len({c.chunk_id for c in composition.citations}))]
        # The document has no such items: a sentence that speaks of none of them is no answer.
        unrelated = not any(speaks_of(kind, c.quote) for c in composition.citations for kind in facts)
        if facts_answer is not None and not composition.abstained and unrelated:
            composition = replace(composition, abstained=True, citations=[])
        if composition.abstained and composition.citations:
            text_out = missing_detail_text(info.lang, composition.citations)
        elif composition.abstained:
            # No partners (funding, goals) among the document's items and no sentence that answers:
            # say which document lacks what, then the usual "the documents don't say".
            lead = f"{facts_answer.text}\n" if facts_answer is not None else ""
            text_out = lead + message("abstain", info.lang)
        else:
            text_out = answer_text(
                info.lang, info.kind, info.plan, text, composition.citations, composition.confident
            )
        answer = Answer(
            question=text,
            lang=info.lang,
            text=text_out,
            abstained=composition.abstained,
            citations=composition.citations,
            passages=passages,
            retrieval_query=query,
            evidence=round(composition.evidence, 4),
            timings_ms={
                "embed_ms": round((t1 - t0) * 1000, 1),
                "retrieve_ms": round((t2 - t0) * 1000, 1),
                "compose_ms": round((t3 - t2) * 1000, 1),
                "total_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return self.generator.answer(answer) if generate and self.generator else answer

    def ask_stream(
        self, question: str, history: History | None = None, sources: Sequence[str] | None = None
    ) -> Iterator[SentenceCheck | Answer]:
        """Like `ask`, but yields each verified sentence of a generated answer as it completes;
        the last item is the final `Answer` (the only item without a model server)."""
        answer = self.ask(question, history, sources, generate=False)
        if self.generator is None or not answer.passages:
            yield answer
            return
        yield from self.generator.stream(answer)

    def _documents(self) -> list[DocumentRecord]:
        """The index's documents, read again only when the index changed (a read costs ~50 ms
        with 750 documents, more than the rest of an answer)."""
        generation = self.store.generation()
        if self._records is None or self._records[0] != generation:
            self._records = (generation, self.store.list_documents())
        return self._records[1]

    def read(
        self, question: str, lang: str, passages: Sequence[Passage], vector: np.ndarray
    ) -> list[Reading]:
        """The sentences of `passages` that answer `question`, best first, as an answer would quote
        them (selector and reranker, never abstaining on evidence); none when its type checks veto
        every one. A comparison reads each document with it (`answer_corpus_question`), so each
        side gets what a question about that document alone would."""
        info = replace(analyze_question(question, fallback_lang=lang), lang=lang)
        composition = compose(
            info,
            passages,
            vector,
            self.store.sentence_vectors,
            self.store.idf,
            len(passages),
            threshold=0.0,
            reranker=self._reranker(),
            translator=self.translator if self.settings.translate_words else None,
        )
        if composition.abstained:
            return []
        ranked = sorted(composition.sentences, key=lambda s: s.score, reverse=True)
        return [Reading(passages[s.passage_index], s.start, s.end, s.score) for s in ranked]

    def _with_opening(self, passages: list[Passage]) -> list[Passage]:
        """`passages` with the opening passage of the best one's document among the first
        `answer_passages` (the ones an answer reads), if it was not."""
        read = self.settings.answer_passages
        source = passages[0].source
        if any(p.source == source and p.char_start == 0 for p in passages[:read]):
            return passages
        stored = self.store.get_passages(self.store.passage_ids([source]))
        if not stored:
            return passages
        first = min(
            (Passage.from_document(d, passages[-1].score) for d in stored), key=lambda p: p.char_start
        )
        return self._read_too(passages, first)

    def _compose(self, info: QuestionInfo, passages: Sequence[Passage], vector: np.ndarray) -> Composition:
        """The answer's sentences from the top passages, as the settings ask, or an abstention."""
        # Where the question says the answer stands ("ifølge strategien") is no part of the answer,
        # nor is a cleft's "er det … som".
        return compose(
            replace(info, text=without_cleft(without_attribution(info.text))),
            passages,
            vector,
            vectors=self.store.sentence_vectors,
            idf=self.store.idf,
            max_passages=self.settings.answer_passages,
            threshold=self.settings.abstain_threshold,
            plan=Plan(max_sentences=self.settings.answer_sentences, list_items=self.settings.list_items),
            reranker=self._reranker(),
            translator=self.translator if self.settings.translate_words else None,
        )

    def _answer_too(
        self, answer: Answer, clause: str, lang: str, sources: list[str], mode: str | None
    ) -> None:
        """`answer` (the extracted items) followed by the ordinary answer to `clause` from `sources`,
        read as `ask` reads a question (its misspelt words corrected, in the same retrieval `mode`),
        its citations numbered on from the answer's; nothing when the documents do not answer it."""
        info = replace(analyze_question(clause, fallback_lang=lang), lang=lang)
        info = replace(info, corrections=self.retriever.corrections(clause, lang))
        vector = np.asarray(self.store.embeddings.embed_query(clause), dtype=np.float32)
        depth = self.settings.answer_passages + MORE_PASSAGES
        passages = self.retriever.retrieve(
            clause, lang, depth, sources, mode, query_vector=vector, corrections=info.corrections
        )
        composition = self._compose(info, passages, vector)
        if composition.abstained or not composition.citations:
            return
        by_id = {p.chunk_id: p for p in passages}
        cited = [
            replace(c, n=cite(answer, by_id[c.chunk_id], c.quote_start, c.quote_end, c.score))
            for c in composition.citations
        ]
        answer.text += "\n" + answer_text(lang, info.kind, info.plan, clause, cited, False)

    def _with_challenge_slide(self, passages: list[Passage]) -> list[Passage]:
        """`passages` with the best one's document's problem slide among those an answer reads,
        when the document has one (found by its title's words in the lexical index)."""
        read = self.settings.answer_passages
        source = passages[0].source
        if any(p.source == source and holds_challenge_slide(p.text) for p in passages[:read]):
            return passages
        slide = next(
            (p for p in passages[read:] if p.source == source and holds_challenge_slide(p.text)), None
        )
        if slide is None:
            hits = self.store.search(3, text=CHALLENGE_WORDS, sources=[source]).lexical
            found = self.store.get_passages([chunk_id for chunk_id, _ in hits])
            slide = next(
                (
                    Passage.from_document(d, passages[-1].score)
                    for d in found
                    if holds_challenge_slide(d.page_content)
                ),
                None,
            )
        return passages if slide is None else self._read_too(passages, slide)

    def _read_too(self, passages: list[Passage], extra: Passage) -> list[Passage]:
        """`passages` with `extra` as the last of the first `answer_passages` (the ones an answer
        reads), moved there if it was further down."""
        read = self.settings.answer_passages
        rest = [p for p in passages if p.chunk_id != extra.chunk_id]
        return [*rest[: read - 1], extra, *rest[read - 1 :]]

    def _summarised(
        self,
        question: str,
        named: Sequence[DocumentRecord],
        sources: Sequence[str] | None,
        history: History | None,
        lang: str,
    ) -> DocumentRecord | Literal["library"] | None:
        """The one document a question asks a summary of: the one it names, else the one it is
        restricted to, else the one the conversation was about ("Hva handler dokumentet om?" after
        a question on Hamar); "library" when it can be none of them in a library small enough to
        summarise whole; None for any other question."""
        # "Worum geht es bei der Universitätskommune 3.0 von Trondheim?": what one document, named by
        # nothing but its names and title, is about.
        topic = about_topic(question)
        words = content_words(topic, lang) if topic is not None else []
        titled = [r for r in (named or self._documents()) if words and names_only(words, r)]
        if not (asks_summary(question) or len(titled) == 1) or len(named) > 1:
            return None
        if named or len(titled) == 1:
            return (named or titled)[0]
        if not sources and history:
            sources = self._top_sources(history[-1][0], lang)
        if sources and len(sources) == 1:
            return next((r for r in self._documents() if r.source == sources[0]), None)
        if (
            not sources
            and mentions_a_document(question)
            and len(self._documents()) <= MAX_SUMMARISED_DOCUMENTS
        ):
            # "Hva handler dokumentene om?"; not "Can you summarise the funding?", which its
            # sentences answer.
            return "library"
        return None

    def _top_sources(self, question: str, lang: str) -> list[str]:
        """The document of the best passage for `question` (the conversation's document)."""
        vector = np.asarray(self.store.embeddings.embed_query(question), dtype=np.float32)
        best = self.retriever.retrieve(question, lang, 1, query_vector=vector)
        return [best[0].source] if best else []
