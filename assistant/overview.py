"""The strategy overview: funding, partners and goals per document, and answers over the whole corpus.

Readers ask "how much money, from whom", "who are the partners", "which documents mention X" and
"how do A and B differ". The first two come from the items extracted at ingest (ingest/extract.py),
the others from a search restricted to each document in turn. Either way the answer has one cited
line per document and names the documents that do not mention the topic: coverage, not silence.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from assistant.compose import content_words, question_entities, with_refined
from assistant.glossary import GLOSSARY_LANGS, counterparts
from assistant.messages import quote_marks
from assistant.question import is_name_form
from assistant.retrieval import HybridRetriever
from assistant.types import Answer, Citation, DocumentFinding, Passage, Quote, Reading
from ingest.extract import Extraction, FundingItem, GoalItem, PartnerItem, extract
from vectorstore.store import ChunkStore, DocumentRecord

__all__ = [
    "CSV_COLUMNS",
    "CorpusQuestion",
    "DocumentOverview",
    "Overview",
    "answer_corpus_question",
    "build_overview",
    "cite",
    "detect_corpus_question",
    "document_overview",
    "passage_at",
    "passages_of",
]

CSV_COLUMNS = [
    "kind", "source", "title", "section", "item", "amount", "currency", "funder", "recipient", "period",
    "role", "quote", "char_start", "char_end",
]  # fmt: skip


@dataclass(frozen=True)
class DocumentOverview:
    source: str
    title: str
    publisher: str
    lang: str
    funding: list[FundingItem]
    partners: list[PartnerItem]
    goals: list[GoalItem]


@dataclass
class Overview:
    """Every document's extracted items; `rows` flattens them for a table or CSV.

    >>> overview = build_overview(store)
    >>> print(overview.to_csv(overview.rows("funding")))
    """

    documents: list[DocumentOverview] = field(default_factory=list)

    def rows(
        self, kind: str | None = None, sources: Sequence[str] | None = None, contains: str = ""
    ) -> list[dict[str, str]]:
        """One row per item (columns `CSV_COLUMNS`), optionally one kind, some documents, a word."""
        rows: list[dict[str, str]] = []
        for doc in self.documents:
            if sources and doc.source not in sources:
                continue
            items: list[FundingItem | PartnerItem | GoalItem] = [*doc.funding, *doc.partners, *doc.goals]
            for item in items:
                row = _row(doc, item)
                if kind and row["kind"] != kind:
                    continue
                if contains and contains.lower() not in " ".join(row.values()).lower():
                    continue
                rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def to_csv(rows: Sequence[dict[str, str]]) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()


def _row(doc: DocumentOverview, item: FundingItem | PartnerItem | GoalItem) -> dict[str, str]:
    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(
        source=doc.source,
        title=doc.title,
        section=item.section,
        quote=item.quote,
        char_start=str(item.char_start),
        char_end=str(item.char_end),
    )
    if isinstance(item, FundingItem):
        amount = f"{item.amount:.2f}".rstrip("0").rstrip(".")
        row.update(kind="funding", item=item.amount_text, amount=amount, currency=item.currency,
                   funder=item.funder, recipient=item.recipient, period=item.period)  # fmt: skip
    elif isinstance(item, PartnerItem):
        name = f"{item.name} ({item.abbreviation})" if item.abbreviation else item.name
        row.update(kind="partner", item=name, role=item.role)
    else:
        row.update(kind="goal", item=item.cue)
    return row


def document_overview(record: DocumentRecord, store: ChunkStore | None = None) -> DocumentOverview:
    """A document's items as stored at ingest; extracted now from its text if an older ingest
    stored none (the rules are pure, so the spans are the same)."""
    if record.extracted:
        items = Extraction.from_json(record.extracted)
    else:
        full = store.get_document(record.source) if store is not None and not record.text else record
        items = extract(record.source, full.text if full else "", record.lang)
    return DocumentOverview(
        record.source, record.title, record.publisher, record.lang, items.funding, items.partners, items.goals
    )


def build_overview(store: ChunkStore, sources: Sequence[str] | None = None) -> Overview:
    return Overview(
        [document_overview(r, store) for r in store.list_documents() if not sources or r.source in sources]
    )


# ------------------------------------------------------------------------------------ questions


@dataclass(frozen=True)
class CorpusQuestion:
    """A question that needs every document: `kind` is "mentions", "partners" or "compare"."""

    kind: str
    topic: str = ""
    names: tuple[str, ...] = ()


_MENTIONS = re.compile(
    r"^(?:which|what) (?:documents?|strateg(?:y|ies)|plans?) (?:mentions?|discuss(?:es)?|talks? about|"
    r"covers?|says? anything about|refers? to)\s+(?P<topic>.+?)\s*\??$"
    r"|^(?:hvilke|kva for|vilka) (?:dokument(?:er|ene|a)?|strategi(?:er|ene)?|planer) "
    r"(?:nevner|nemner|nævner|nämner|omtaler|omtalar|handler om|handlar om|sier noe om|seier noko om|"
    r"siger noget om|tar opp)\s+"
    r"(?P<topic2>.+?)\s*\??$",
    re.IGNORECASE,
)
_PARTNERS = re.compile(
    r"\b(?:list|show|name)(?: all| every)?(?: the)? partners\b|\ball (?:the )?partners\b|"
    r"\b(?:list|vis|nevn|liste) (?:opp )?(?:alle )?(?:samarbeids)?partner(?:e|ne)\b|"
    r"\balle (?:samarbeids)?partner(?:e|ne)\b|\balle samarbejdspartnere\b|\balla (?:samarbets)?partner\b",
    re.IGNORECASE,
)
# "Compare A and B on <topic>", or "Compare A and B: <a question of its own>" (after a colon,
# semicolon or spaced dash, the rest is the topic, whatever prepositions it holds).
_COMPARE = re.compile(
    r"^(?:sammenlign|sammenlikn|samanlikn|jämför|compare)\s+(?P<a>[^:;?]+?)\s+"
    r"(?:og|and|med|with|och|mot|versus|vs\.?)\s+(?P<b>[^:;?]+?)(?:\s*(?:[:;]|\s[–—-])\s+(?P<rest>.+?)|"
    r"\s+(?:om|on|about|når det gjelder|"
    r"når det gælder|med hensyn til|med omsyn til|i forhold til|angående|vedrørende|regarding|"
    r"in terms of|when it comes to|for|på)\s+(?P<topic>[^:;]+?))?\s*[?.!]*$",
    re.IGNORECASE,
)


def detect_corpus_question(question: str) -> CorpusQuestion | None:
    """The corpus-wide question this is, or None for an ordinary question."""
    text = " ".join(question.split())
    if m := _COMPARE.match(text):
        topic = m.group("topic") or m.group("rest") or ""
        return CorpusQuestion("compare", topic.strip(), (m.group("a"), m.group("b")))
    if m := _MENTIONS.match(text):
        return CorpusQuestion("mentions", (m.group("topic") or m.group("topic2")).strip(" «»\"'"))
    if _PARTNERS.search(text):
        return CorpusQuestion("partners")
    return None


_LABELS: dict[str, dict[str, str]] = {
    "mentions": {"nb": "Dokumenter som nevner «{topic}»:", "nn": "Dokument som nemner «{topic}»:",
                 "da": "Dokumenter der nævner «{topic}»:", "sv": "Dokument som nämner «{topic}»:",
                 "en": "Documents that mention “{topic}”:", "de": "Dokumente, die „{topic}“ erwähnen:"},
    "partners": {"nb": "Partnere og organisasjoner per dokument:",
                 "nn": "Partnarar og organisasjonar per dokument:",
                 "da": "Partnere og organisationer pr. dokument:",
                 "sv": "Partner och organisationer per dokument:",
                 "en": "Partners and organisations per document:",
                 "de": "Partner und Organisationen je Dokument:"},
    "compare": {"nb": "Sammenligning{topic}:", "nn": "Samanlikning{topic}:", "da": "Sammenligning{topic}:",
                "sv": "Jämförelse{topic}:", "en": "Comparison{topic}:", "de": "Vergleich{topic}:"},
    "not_mentioned": {"nb": "Ikke nevnt i", "nn": "Ikkje nemnt i", "da": "Ikke nævnt i", "sv": "Inte nämnt i",
                      "en": "Not mentioned in", "de": "Nicht erwähnt in"},
    "none_found": {"nb": "ingen organisasjoner funnet", "nn": "ingen organisasjonar funne",
                   "da": "ingen organisationer fundet", "sv": "inga organisationer hittade",
                   "en": "no organisations found", "de": "keine Organisationen gefunden"},
}  # fmt: skip

_STOPWORDS = {
    "og", "i", "om", "med", "til", "for", "på", "av", "af", "the", "and", "of", "on", "in", "to", "with",
    "en", "et", "ei", "de", "det", "den", "a", "an", "hensyn", "når", "gjelder", "gælder", "about",
}  # fmt: skip


def _label(key: str, lang: str, **values: str) -> str:
    table = _LABELS[key]
    return table.get(lang, table["en"] if lang == "en" else table["nb"]).format(**values)


def _terms(topic: str, lang: str) -> list[str]:
    """Word stems that show a sentence is about the topic (English words add their Scandinavian
    counterparts from the glossary)."""
    words = [w for w in re.findall(r"[\wæøåäö-]+", topic.lower()) if w not in _STOPWORDS and len(w) > 2]
    stems = [w[:6] for w in words]
    if lang in GLOSSARY_LANGS:
        stems += [c[:6] for w in words for c in counterparts(w).split()]
    return list(dict.fromkeys(stems))


# Late-chunked sentences re-encoded per document and topic (see `_best_sentence`).
_REFINE_OVERVIEW = 5


@dataclass(frozen=True)
class _Best:
    passage: Passage
    start: int
    end: int
    score: float
    matched: int


# Reads a comparison's question in one document's passages: the span of the sentence that answers
# it (passage, start, end), or None. The assistant's selector and reranker (`Assistant.read`).
ReadFn = Callable[[str, str, Sequence[Passage], np.ndarray], list[Reading]]
# A comparison quotes this many sentences per document, the reading's best two. One side's question
# is read out of a comparison's wording ("How do … differ in their ambitions …"), and its best
# sentence is often a near miss: over 77 comparisons of the strategy sets, of the expected spans a
# side's passages held, the reading put 60 first and 18 second. Quoting the runner-up only when it
# read at least half as well as the best answered 29 of the 77; quoting the best two answers 33.
MAX_QUOTES_PER_DOCUMENT = 2


def answer_corpus_question(
    question: CorpusQuestion,
    text: str,
    lang: str,
    store: ChunkStore,
    retriever: HybridRetriever,
    threshold: float,
    sources: Sequence[str] | None = None,
    read: ReadFn | None = None,
) -> Answer:
    """One cited line per document, and the documents that do not mention the topic.

    Whether a document mentions the topic is its closest sentence's similarity; which of its
    sentences a comparison quotes is decided by `read` when given, as an ordinary question's
    answer is: the closest sentence by similarity is often the one that restates the topic
    ("Framtidens samfunn er digitalt") rather than the one that says what the document does
    about it."""
    records = [r for r in store.list_documents() if not sources or r.source in sources]
    if question.kind == "compare":
        chosen = [r for r in records if any(_names_document(n, r) for n in question.names)]
        records = chosen if len(chosen) >= 2 else records
    answer = Answer(question=text, lang=lang, text="", abstained=False, corpus_kind=question.kind)
    if question.kind == "partners":
        _partners_answer(answer, records, store, lang)
    else:
        topic = question.topic or (text if question.kind == "mentions" else "")
        # Inside each document its own name is no evidence: "Hva sier Hamar og Herning om
        # næringslivet?" quoted the sentence that says "… på Hamar". The compared topic is the rest.
        whole = topic or text
        query = _without_names(whole, question.names) if question.kind == "compare" else whole
        vector = np.asarray(store.embeddings.embed_query(query), dtype=np.float32)
        whole_vector: np.ndarray | None = None
        own = _own_clauses(whole, question.names, lang) if question.kind == "compare" else {}
        for record in records:
            asked, asked_vector = query, vector
            clause = next((c for n, c in own.items() if _names_document(n, record)), None)
            if clause is not None:
                # "Which clusters does Hamar's strategy mention, and which industry does the
                # Innlandet pilot focus on?": each side is asked its own question.
                asked = clause
                asked_vector = np.asarray(store.embeddings.embed_query(asked), dtype=np.float32)
            passages = retriever.retrieve(asked, lang, 4, [record.source], query_vector=asked_vector)
            best = _best_sentence(asked, lang, passages, asked_vector, store)
            mentioned = best is not None and (best.matched > 0 or best.score >= threshold)
            if not mentioned and query != whole:
                # The topic's words may be another language's ("næringslivet" in a Danish plan is
                # "erhvervslivet"): a document the question names is then read for the whole
                # question, as before, rather than said not to mention it.
                if whole_vector is None:
                    whole_vector = np.asarray(store.embeddings.embed_query(whole), dtype=np.float32)
                asked, asked_vector = whole, whole_vector
                passages = retriever.retrieve(asked, lang, 4, [record.source], query_vector=asked_vector)
                best = _best_sentence(asked, lang, passages, asked_vector, store)
                mentioned = best is not None and (best.matched > 0 or best.score >= threshold)
            if best is None or not mentioned:
                answer.per_document.append(DocumentFinding(record.source, record.title, False))
                continue
            spans = [Reading(best.passage, best.start, best.end, best.score)]
            if read and question.kind == "compare":
                # A name only the other side has ("NTNU" beside Trondheim) is about that side: read
                # with it, every sentence of this document lacked a name the question asks about.
                text_here = " ".join(p.text.lower() for p in passages)
                absent = [
                    n for group in question_entities(asked, lang) for n in group if n.lower() not in text_here
                ]
                reading = _without_names(asked, absent) if absent else asked
                readings = read(reading, lang, passages, asked_vector)
                spans = readings or spans
            quotes = [
                Quote(r.passage.text[r.start : r.end], cite(answer, r.passage, r.start, r.end, best.score))
                for r in spans[:MAX_QUOTES_PER_DOCUMENT]
            ]
            words = " ".join(q.text for q in quotes)
            finding = DocumentFinding(record.source, record.title, True, words, [q.n for q in quotes], quotes)
            answer.per_document.append(finding)
    heading = {
        "mentions": _label("mentions", lang, topic=question.topic),
        "partners": _label("partners", lang),
        "compare": _label("compare", lang, topic=f" – {question.topic}" if question.topic else ""),
    }[question.kind]
    lines = [heading]
    for finding in answer.per_document:
        if finding.mentioned:
            body = finding.text if question.kind == "partners" else quoted_line(finding, lang)
            lines.append(f"- {finding.title}: {body}")
    missing = [f.title for f in answer.per_document if not f.mentioned]
    if missing:
        lines.append(f"{_label('not_mentioned', lang)}: {'; '.join(missing)}.")
    answer.text = "\n".join(lines)
    answer.abstained = not answer.citations
    return answer


def quoted_line(finding: DocumentFinding, lang: str) -> str:
    """A finding's quotes in the language's quotation marks, each followed by its citation number."""
    left, right = quote_marks(lang)
    return " ".join(f"{left}{q.text}{right} [{q.n}]" for q in finding.quotes)


# Where a comparison's question for the next side starts: after a comma or semicolon (and an
# "and"), or at an "and" before a question word ("…, and which industry does …").
_NEXT_CLAUSE = re.compile(
    r"\s*[,;]\s*(?:(?:and|og|och|und|men|but|mens|while|während)\s+)?|\s+(?:and|og|och|und)\s+"
    r"(?=(?:which|what|who|how|hvilk\w*|hva|hvad|vad|vilk\w*|welche\w*|was|wer|wie|kva|kven|korleis|"
    r"hvem|vem|hvordan|hur)\b)",
    re.I,
)
# A side's own clause needs this many content words without the names ("and which one for
# Trondheim?" asks nothing of its own: the whole question is read for it).
_MIN_CLAUSE_WORDS = 2


def _own_clauses(text: str, names: Sequence[str], lang: str) -> dict[str, str]:
    """Each compared name's own clause, without the names, when the question asks each side its
    own question in a clause that names that side alone; otherwise none."""
    clauses = [c for c in _NEXT_CLAUSE.split(text) if c and c.strip()]
    if len(clauses) < 2:
        return {}
    own: dict[str, str] = {}
    for clause in clauses:
        named = [n for n in names if _without_names(clause, [n]) != _without_names(clause, [])]
        if len(named) > 1:
            return {}
        if named:
            rest = _without_names(clause, names)
            if named[0] in own or len(content_words(rest, lang)) < _MIN_CLAUSE_WORDS:
                return {}
            own[named[0]] = rest
    return own if len(own) == len(names) else {}


def _without_names(text: str, names: Sequence[str]) -> str:
    """`text` without the compared documents' names, inflected ("Hamars") or not."""
    keys = [w.lower() for name in names for w in re.findall(r"\w+", name) if len(w) > 2]
    words = re.findall(r"[\w'’-]+|[^\w\s]", text)
    kept = " ".join(w for w in words if not any(is_name_form(w, k) for k in keys))
    return kept if re.search(r"\w{3,}", kept) else text


def _names_document(name: str, record: DocumentRecord) -> bool:
    words = [w for w in re.findall(r"\w+", name.lower()) if w not in _STOPWORDS and len(w) > 2]
    haystack = f"{record.publisher} {record.title} {record.source}".lower()
    return bool(words) and all(w in haystack for w in words)


def _partners_answer(answer: Answer, records: Sequence[DocumentRecord], store: ChunkStore, lang: str) -> None:
    for record in records:
        doc = document_overview(record, store)
        others = [
            p for p in doc.partners if p.name not in record.publisher and record.publisher not in p.name
        ]
        others = others or [p for p in doc.partners if p.role]
        if not others:
            answer.per_document.append(DocumentFinding(record.source, record.title, False))
            continue
        parts: list[str] = []
        numbers: list[int] = []
        for partner in others:
            passage = passage_at(store, record, partner.char_start, partner.char_end)
            label = f"{partner.name} ({partner.role})" if partner.role else partner.name
            if passage is None:
                parts.append(label)
                continue
            start = partner.char_start - passage.char_start
            n = cite(answer, passage, start, start + len(partner.quote), 1.0)
            numbers.append(n)
            parts.append(f"{label} [{n}]")
        answer.per_document.append(
            DocumentFinding(record.source, record.title, True, "; ".join(parts), list(dict.fromkeys(numbers)))
        )


def cite(answer: Answer, passage: Passage, start: int, end: int, score: float) -> int:
    """Add (or reuse) the citation of passage[start:end] and return its number."""
    for c in answer.citations:
        if c.chunk_id == passage.chunk_id and c.quote_start == start and c.quote_end == end:
            return c.n
    if answer.passage(passage.chunk_id) is None:
        answer.passages.append(passage)
    n = len({c.n for c in answer.citations}) + 1
    answer.citations.append(Citation.from_quote(n, passage, start, end, round(score, 4)))
    return n


def passages_of(store: ChunkStore, record: DocumentRecord) -> list[Passage]:
    """Every stored passage of the document (read once when several spans need theirs)."""
    docs = store.get_passages(store.passage_ids([record.source]))
    return [Passage.from_document(doc, 1.0) for doc in docs]


def passage_at(
    store: ChunkStore,
    record: DocumentRecord,
    start: int,
    end: int,
    passages: Sequence[Passage] | None = None,
) -> Passage | None:
    """The stored passage that contains the document span [start, end) (among `passages` when
    the caller has read them already)."""
    pool = passages if passages is not None else passages_of(store, record)
    return next((p for p in pool if p.char_start <= start and end <= p.char_end), None)


def _best_sentence(
    topic: str, lang: str, passages: Sequence[Passage], vector: np.ndarray, store: ChunkStore
) -> _Best | None:
    """The sentence of one document's `passages` (its best for the topic) closest to the topic: its
    stored sentence vector's cosine with the topic, plus a bonus per topic word it contains (names
    and rare words count most).

    Late-chunked (pooled) vectors rank a passage's sentences worse and run at another level, so
    the best few by the pooled score are re-encoded on their own (cached) and the rest move by
    the mean change, as in answer composition (`compose._refined`)."""
    from ingest.chunking import AnswerSentence, answer_sentences

    sentences = {p.chunk_id: answer_sentences(p.text, p.section, p.title) for p in passages}
    stored = store.sentence_vectors([p.chunk_id for p in passages], embed_missing=sentences)
    terms = _terms(topic, lang)
    found: list[_Best] = []
    for passage in passages:
        own = stored.get(passage.chunk_id, {})
        # The sentences quotable now: an index made by an older version may hold vectors of spans
        # that are no longer sentences (a caption, a page's signpost), which nothing may quote.
        for sentence in sentences[passage.chunk_id]:
            sentence_vector = own.get((sentence.start, sentence.end))
            if sentence_vector is None:
                continue
            words = re.findall(r"[\wæøåäö-]+", sentence.text.lower())
            matched = sum(1 for t in terms if any(w.startswith(t) for w in words))
            score = _cosine(vector, sentence_vector)
            found.append(_Best(passage, sentence.start, sentence.end, score, matched))
    if not found:
        return None
    pooled = [i for i, b in enumerate(found) if b.passage.pooled_sentences]
    if pooled:
        top = sorted(pooled, key=lambda i: found[i].score + 0.05 * found[i].matched, reverse=True)
        by_span = {(chunk_id, s.start, s.end): s for chunk_id, spans in sentences.items() for s in spans}
        exact: dict[str, list[AnswerSentence]] = {}
        for i in top[:_REFINE_OVERVIEW]:
            b = found[i]
            exact.setdefault(b.passage.chunk_id, []).append(by_span[(b.passage.chunk_id, b.start, b.end)])
        encoded = store.sentence_vectors(list(exact), exact=exact)
        refined = {
            i: _cosine(vector, encoded[found[i].passage.chunk_id][(found[i].start, found[i].end)])
            for i in top[:_REFINE_OVERVIEW]
        }
        scores = with_refined(np.array([b.score for b in found]), pooled, refined)
        found = [replace(b, score=float(score)) for b, score in zip(found, scores, strict=True)]
    return max(found, key=lambda b: b.score + 0.05 * b.matched)


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
