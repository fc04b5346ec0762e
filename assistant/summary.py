"""What one document is about: its title, its opening sentences and its first goals, each cited.

"What is Herning's strategy about?", "Kan du oppsummere Hamar-dokumentet?", "Worum geht es in der
Trondheimer Präsentation?" ask for the document as a whole. Its two best-matching sentences answer
something narrower (on a deck, often two unrelated slide lines), so the answer is the document's
own opening, as a reader skimming it would take it: the first sentences of its text that are not
headings, then goals ingest extracted for the Overview tab (`facts`), so the chat and the Overview
agree, taken from the whole document rather than its first section.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from assistant.messages import quote_marks
from assistant.overview import cite, document_overview, passage_at, passages_of
from assistant.question import is_dateline
from assistant.types import Answer, Passage
from ingest.chunking import answer_sentences
from ingest.extract import GoalItem
from vectorstore.store import ChunkStore, DocumentRecord

__all__ = [
    "LEAD_SENTENCES",
    "MAX_SUMMARISED_DOCUMENTS",
    "SUMMARY_GOALS",
    "answer_corpus_summary",
    "answer_summary",
]

_T = TypeVar("_T")

# The opening sentences quoted: enough to say what the document is, short enough for a phone.
LEAD_SENTENCES = 2
# "What are the documents about?" is answered one line per document up to this many; a larger
# library's question is answered as any other (a list of hundreds is no answer).
MAX_SUMMARISED_DOCUMENTS = 12
# The goals quoted after them, spread over the document (`_main_goals`); the Overview tab has all.
SUMMARY_GOALS = 5
# A lead sentence has at least this many words: shorter lines are captions, slogans and labels.
_LEAD_WORDS = 5
# At most this many opening lines that name the document's sections are quoted besides them.
_OUTLINE_LINES = 6

_LABELS = {
    "about": {"nb": "Om {doc}:", "nn": "Om {doc}:", "da": "Om {doc}:", "sv": "Om {doc}:",
              "en": "About {doc}:", "de": "Über {doc}:"},
    "corpus": {"nb": "Dokumentene handler om:", "nn": "Dokumenta handlar om:",
               "da": "Dokumenterne handler om:", "sv": "Dokumenten handlar om:",
               "en": "What the documents are about:", "de": "Worum es in den Dokumenten geht:"},
    "goals": {"nb": "Mål:", "nn": "Mål:", "da": "Mål:", "sv": "Mål:", "en": "Goals:", "de": "Ziele:"},
}  # fmt: skip


def _label(key: str, lang: str, **values: str) -> str:
    table = _LABELS[key]
    return table.get(lang, table["en"]).format(**values)


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _lead(
    answer: Answer, record: DocumentRecord, stored: list[Passage], count: int, quotes: tuple[str, str]
) -> tuple[list[str], set[str]]:
    """The document's first `count` sentences that are no heading, no caption, no line the page
    repeats ("Presentasjon lastes. Vennligst vent"), no dateline and not its title, each cited in
    `answer`; and the keys of those quoted.

    An opening line that a later section has as its heading is the outline the opening announces
    (Herning's "At værne om det, der virker. At gå helt nye veje. …", each a section further on):
    such lines are quoted too, however short, and count apart from the `count` sentences."""
    left, right = quotes
    title = _key(record.title)
    split = [(passage, answer_sentences(passage.text, passage.section, passage.title)) for passage in stored]
    counts: dict[str, int] = {}
    headed: set[str] = set()
    for _, found in split:
        for s in found:
            if s.heading:
                headed.add(_key(s.text))
            else:
                counts[_key(s.text)] = counts.get(_key(s.text), 0) + 1
    seen: set[str] = set()
    lead: list[str] = []
    sentences = outline = 0
    for passage, found in split:
        for s in found:
            if sentences >= count:
                return lead, seen
            key = _key(s.text)
            if s.heading or key in seen or counts[key] > 1:
                continue
            outlines = key in headed and outline < _OUTLINE_LINES
            if not outlines and len(key.split()) < _LEAD_WORDS:
                continue
            if title and (key in title or (title in key and len(key) < 2 * len(title))):
                continue
            if is_dateline(s.text):
                continue  # a title slide's or byline's date and author say nothing of the content
            seen.add(key)
            n = cite(answer, passage, s.start, s.end, 1.0)
            lead.append(f"{left}{s.text}{right} [{n}]")
            outline += outlines
            sentences += not outlines
    return lead, seen


def answer_summary(question: str, lang: str, store: ChunkStore, record: DocumentRecord) -> Answer:
    """The document's title, its first `LEAD_SENTENCES` sentences and `SUMMARY_GOALS` of its goals,
    each with its citation; abstains only for a document with no quotable sentence."""
    answer = Answer(question=question, lang=lang, text="", abstained=False)
    left, right = quote_marks(lang)
    stored = sorted(passages_of(store, record), key=lambda p: p.char_start)
    lead, seen = _lead(answer, record, stored, LEAD_SENTENCES, (left, right))
    found: list[tuple[GoalItem, Passage]] = []
    for goal in document_overview(record, store).goals:
        key = _key(goal.quote)
        passage = passage_at(store, record, goal.char_start, goal.char_end, stored)
        if key in seen or passage is None:
            continue
        seen.add(key)
        found.append((goal, passage))
    goals: list[str] = []
    for goal, passage in _main_goals(found):
        offset = goal.char_start - passage.char_start
        n = cite(answer, passage, offset, offset + len(goal.quote), 1.0)
        goals.append(f"• {left}{goal.quote}{right} [{n}]")
    if not answer.citations:
        answer.abstained = True
        return answer
    lines = [_label("about", lang, doc=f"{left}{record.title}{right}")]
    if lead:
        lines.append(" ".join(lead))
    if goals:
        lines += [_label("goals", lang), *goals]
    answer.text = "\n".join(lines)
    return answer


def _opens_paragraph(goal: GoalItem, passage: Passage) -> bool:
    """Whether the goal is the first sentence of its paragraph (or of its passage)."""
    before = passage.text[: goal.char_start - passage.char_start].rstrip(" \t")
    return not before or before.endswith("\n")


# A heading that names what follows as the document's goals ("8 Mål Sikre tilgang …" on a slide,
# "Goals", "Målsætninger", "Ziele"), after a slide's number.
_GOALS_HEADING = re.compile(
    r"(?:\d{1,3}\s+)?(?:mål|målene|måla|målsetting\w*|målsetjing\w*|målsætning\w*|målsättning\w*|"
    r"goals?|objectives?|aims?|ziele?|zielsetzung\w*)\b",
    re.I,
)


def _stated(goal: GoalItem, passage: Passage) -> bool:
    """Whether the goal stands under a heading that says the goals follow: on a line that opens
    with it, or in a section it names."""
    offset = goal.char_start - passage.char_start
    line = passage.text[passage.text.rfind("\n", 0, offset) + 1 : offset]
    return bool(_GOALS_HEADING.match(line.strip()) or _GOALS_HEADING.fullmatch(passage.section.strip()))


def _main_goals(found: Sequence[tuple[GoalItem, Passage]]) -> list[tuple[GoalItem, Passage]]:
    """The goals an overview quotes, in the document's order: those under a heading that names
    them goals first, as the document's own statement of them; then those that open a section or
    a paragraph (a reader skimming takes a paragraph's point from its opening), spread evenly over
    the document when there are more than room for, as its later sections are as much what it is
    about as its first; when there are fewer, others spread over the rest join them."""
    stated = [item for item in found if _stated(*item)][:SUMMARY_GOALS]
    rest = [item for item in found if item not in stated]
    return sorted(
        stated + _opening_goals(rest, SUMMARY_GOALS - len(stated)), key=lambda item: item[0].char_start
    )


def _opening_goals(found: Sequence[tuple[GoalItem, Passage]], count: int) -> list[tuple[GoalItem, Passage]]:
    """`count` of the goals, those that open a section or paragraph first, spread evenly."""
    if count <= 0:
        return []
    sections: set[str] = set()
    leaders: list[tuple[GoalItem, Passage]] = []
    for goal, passage in found:
        if passage.section not in sections or _opens_paragraph(goal, passage):
            leaders.append((goal, passage))
        sections.add(passage.section)
    if len(leaders) >= count:
        return _spread(leaders, count)
    rest = _spread([item for item in found if item not in leaders], count - len(leaders))
    return leaders + rest


def _spread(items: Sequence[_T], count: int) -> list[_T]:
    """`count` of `items` at even steps, the first and the last among them; all when as few."""
    if len(items) <= count or count < 2:
        return list(items[:count])
    last = len(items) - 1
    return [items[round(i * last / (count - 1))] for i in range(count)]


def answer_corpus_summary(
    question: str, lang: str, store: ChunkStore, records: Sequence[DocumentRecord]
) -> Answer:
    """What each document is about, one line each: its title and its first sentence, cited.
    "Hva handler dokumentene om?" names no document; a small library answers it whole."""
    answer = Answer(question=question, lang=lang, text="", abstained=False)
    quotes = quote_marks(lang)
    lines = [_label("corpus", lang)]
    for record in sorted(records, key=lambda r: r.title.lower()):
        stored = sorted(passages_of(store, record), key=lambda p: p.char_start)
        lead, _ = _lead(answer, record, stored, 1, quotes)
        if lead:
            lines.append(f"• {quotes[0]}{record.title}{quotes[1]}: {lead[0]}")
    answer.abstained = not answer.citations
    answer.text = "\n".join(lines) if answer.citations else ""
    return answer
