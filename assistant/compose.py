"""Extractive answers: choose the sentences that answer the question and quote them verbatim.

No language model is available offline, so the answer is made of the passages' own sentences.
Each candidate sentence of the top passages gets its evidence (meaning: cosine with the question;
words: IDF-weighted share of the question's concepts; the passage's rank and score; whether it
holds the answer type asked for; its neighbours and its place in the passage). A learned scorer
(`assistant/selector.py`, trained on NorQuAD train) turns that into a score per sentence, and a
second learned model decides from the best candidates whether to answer at all.

Names and numbers in the question must occur in the sentence's document, otherwise the sentence
is about something else ("start-up labs in Hamar in 2022" is not answered by Innlandet's budget).

The answer plan follows the question: a list question quotes every sentence that scores close to
the best (one item each), others quote the best sentence and, when close, a second one; a
sentence that only restates the question brings the one after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from assistant.cognates import CognateTable, KinTable, is_kin
from assistant.glossary import (
    COMPOUND_LINKS,
    COMPOUND_PART,
    GLOSSARY_LANGS,
    compound_counterparts,
    counterparts,
    expand_english,
    is_translated_compound,
    nordic_counterparts,
)
from assistant.question import (
    QuestionInfo,
    amount_party,
    asks_about_the_document,
    asks_duration,
    asks_leader,
    asks_persons_name,
    asks_role,
    asks_role_of,
    asks_who_did,
    asks_year,
    counts_the_asked,
    dates_the_named,
    group_noun,
    has_type_evidence,
    names_a_person,
    names_member,
    names_party,
    names_something_new,
    names_the_person,
    names_the_role,
    one_edit_apart,
    refers_to_person,
    same_family,
    share_recipients,
    spelled_out_abbreviation,
    spells_out,
    split_parties,
)
from assistant.selector import (
    LinearModel,
    abstain_features,
    load_model,
    sentence_logits,
    sentence_matrix,
    states_reason,
)
from assistant.translation import WordTranslator
from assistant.types import Citation, Passage
from assistant.verify import strip_unsafe
from ingest.chunking import AnswerSentence, answer_sentences
from vectorstore.lexical import analyze, stopwords
from vectorstore.sentence_vectors import SentenceVectorsFn

if TYPE_CHECKING:
    from assistant.reranker import RerankerModel

__all__ = [
    "Composition",
    "Coverage",
    "Plan",
    "ScoredSentence",
    "compose",
    "content_words",
    "coverage",
    "grounded_passages",
    "opens_in_parallel",
    "question_entities",
    "select",
    "sentence_features",
]

IdfFn = Callable[[list[str]], dict[str, float]]

_NAME_RE = re.compile(r"[A-ZÆØÅ][\wæøåÆØÅ.-]*[\wæøå]|[A-ZÆØÅ]{2,}")
_YEAR_RE = re.compile(r"\b\d{3,4}\b")
# A country (a region, a continent) a question names is often only an adjective in the text: "i
# Danmark" / "det danske uddannelseslandkort", "i Norge" / "norske selskaper", "i Jylland" / "de
# jyske unge". Place -> the stem of its adjective.
_COUNTRY_ADJECTIVES = {
    "norge": "norsk",
    "noreg": "norsk",
    "norway": "norwegian",
    "danmark": "dansk",
    "denmark": "danish",
    "sverige": "svensk",
    "sweden": "swedish",
    "finland": "finsk",
    "tyskland": "tysk",
    "germany": "german",
    "frankrike": "fransk",
    "frankrig": "fransk",
    "france": "french",
    "storbritannia": "britisk",
    "storbritannien": "britisk",
    "england": "engelsk",
    "usa": "amerikansk",
    "russland": "russisk",
    "rusland": "russisk",
    "ryssland": "rysk",
    "russia": "russian",
    "kina": "kinesisk",
    "china": "chinese",
    "japan": "japansk",
    "spania": "spansk",
    "spanien": "spansk",
    "spain": "spanish",
    "italia": "italiensk",
    "italien": "italiensk",
    "italy": "italian",
    "polen": "polsk",
    "poland": "polish",
    "island": "islandsk",
    "iceland": "icelandic",
    "nederland": "nederlandsk",
    "nederlandene": "nederlandsk",
    "holland": "hollandsk",
    "netherlands": "dutch",
    "hellas": "gresk",
    "grækenland": "græsk",
    "grekland": "grekisk",
    "greece": "greek",
    "tyrkia": "tyrkisk",
    "tyrkiet": "tyrkisk",
    "turkiet": "turkisk",
    "turkey": "turkish",
    "india": "indisk",
    "indien": "indisk",
    "europa": "europ",
    "europe": "european",
    "afrika": "afrikansk",
    "africa": "african",
    "amerika": "amerikansk",
    "america": "american",
    "asia": "asiatisk",
    "asien": "asiatisk",
    "norden": "nordisk",
    "skandinavia": "skandinavisk",
    "skandinavien": "skandinavisk",
    "scandinavia": "scandinavian",
    "jylland": "jysk",
    "sjælland": "sjællandsk",
    "fyn": "fynsk",
    "skåne": "skånsk",
    "trøndelag": "trøndersk",
    "vestlandet": "vestlandsk",
    "nord-norge": "nordnorsk",
}
# A capitalised word that no sentence end, line start or quote mark explains: a name in the text.
_TEXT_NAME = re.compile(r"(?<=[\w,;)] )[A-ZÆØÅ][\wæøå]{3,}")


@dataclass(frozen=True)
class ScoredSentence:
    passage_index: int
    start: int
    end: int
    text: str
    score: float
    dense: float
    lexical: float
    typed: bool
    grounded: bool
    passage_score: float = 0.0
    # Share of the sentence's words (over three letters) that the question does not contain.
    novelty: float = 1.0
    # A heading line (`AnswerSentence.heading`): a list's lead-in, never an answer on its own.
    heading: bool = False


@dataclass(frozen=True)
class Composition:
    """The chosen sentences and their citations. An abstention cites nothing, except when the
    question asks for a detail (an amount, a date) the closest sentence lacks: that one is cited."""

    sentences: list[ScoredSentence]
    citations: list[Citation]
    evidence: float
    abstained: bool
    # The best sentence clearly stands out: its short answer span may lead the answer.
    confident: bool = False


def quoted_first(passages: Sequence[Passage], citations: Sequence[Citation]) -> list[Passage]:
    """The passages the citations quote (in the order first quoted), then the rest as retrieved.

    Retrieval ranks whole passages, and the one it ranks first is often an overview that does not
    hold the answer; the reranked sentences are the sharper evidence, so the passage an answer
    rests on is handed on first (a model server's context, the evaluator, a cited abstention)."""
    quoted = list(dict.fromkeys(c.chunk_id for c in citations))
    first = sorted((p for p in passages if p.chunk_id in quoted), key=lambda p: quoted.index(p.chunk_id))
    return first + [p for p in passages if p.chunk_id not in quoted]


def question_entities(question: str, lang: str = "") -> list[list[str]]:
    """Names (runs of capitalised words after the first word), acronyms and years in the question.

    A multi-word name is one entity: "Carlos Antonio López" is found where a passage says "López".
    German capitalises every noun, so in a German question only acronyms and years count.
    """
    text = question.strip()
    entities: list[list[str]] = []
    words = list(re.finditer(r"\S+", text))
    group: list[str] = []
    for i, match in enumerate(words):
        token = match.group().strip("«»\"'()[]?,.:;!")
        after_sentence_end = i > 0 and words[i - 1].group().endswith((".", "?", "!"))
        is_name = bool(_NAME_RE.fullmatch(token or " ")) and (lang != "de" or token.isupper())
        if i > 0 and not after_sentence_end and is_name:
            # "Kina-tollen", "HPV-vaksina": the parts count too, since the whole is inflected.
            parts = [p for p in token.split("-") if len(p) >= 2] if "-" in token else []
            group.extend([token, *parts])
            continue
        if group:
            entities.append(group)
            group = []
    if group:
        entities.append(group)
    entities += [[year] for year in _YEAR_RE.findall(text)]
    return entities


def _grounded(entities: Sequence[list[str]], passage: Passage) -> bool:
    """The question's names (any of its words, inflected, misspelt by one letter, a country by its
    adjective, a compound by the name it opens with) and years occur in the passage's document
    context; otherwise the passage is about something else. With three or more, one may be
    missing: a question that names several things often adds one as context ("... mot Tyskland")
    that the answering passage leaves implicit."""
    if not entities:
        return True
    original = " ".join((passage.title, passage.publisher, passage.source, passage.text))
    haystack = original.lower()
    words = set(re.findall(r"\w+", haystack))
    names = {m.group().lower() for m in _TEXT_NAME.finditer(original)}

    def found(word: str) -> bool:
        key = word.lower().rstrip(".")
        if key in words or (len(key) >= 4 and key in haystack):
            return True
        adjective = _COUNTRY_ADJECTIVES.get(key)
        if adjective and any(w.startswith(adjective) for w in words):
            return True
        # A compound that opens with a name of the text: "Trondheimpresentasjonen", "Hamarskolen".
        if len(key) >= 8 and any(key.startswith(n) and len(key) - len(n) >= 4 for n in names):
            return True
        stem = key[: max(4, len(key) - 2)]  # "Hamars" for "Hamar", "Norges" for "Norge"
        if len(key) >= 4 and any(w.startswith(stem) for w in words):
            return True
        return len(key) >= 7 and any(one_edit_apart(key, w) for w in words if abs(len(w) - len(key)) <= 1)

    missing = sum(not any(found(w) for w in group) for group in entities)
    return missing == 0 or (missing == 1 and len(entities) >= 3)


def grounded_passages(question: QuestionInfo, pool: Sequence[Passage]) -> list[bool]:
    """Per passage, whether it holds the question's names (`_grounded`); training recomputes its
    cached candidates' flags with this too."""
    entities = question_entities(question.text, question.lang)
    if question.lang in GLOSSARY_LANGS:
        # A place an English or German question names ("Jutland") is also found as the documents
        # name it ("Jylland", "de jyske unge"): its glossary counterparts join its group.
        entities = [[*group, *(c for w in group for c in counterparts(w).split())] for group in entities]
    return [_grounded(entities, p) for p in pool]


def _stems(text: str, langs: Sequence[str]) -> set[str]:
    terms: set[str] = set()
    for lang in langs:
        terms.update(analyze(text, lang))
    return terms


# Auxiliaries and interrogatives the search engine's stop lists lack (its English list has 33
# words, none of them "does" or "could"; `lexical` adds the interrogatives): in a question they
# ask, they say nothing of the topic.
_QUESTION_WORDS_TEXT = (
    "what which who whom whose where when why how does do did has have had can could would should "
    "may might must shall been being its one ones from about according any some "
    "kor kva kven korleis kvifor wer wann warum wieviel"
)
_QUESTION_WORDS = frozenset(_QUESTION_WORDS_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def content_words(text: str, lang: str) -> list[str]:
    """The words of a question that say what it is about: neither stop words of its language nor
    interrogatives and auxiliaries ("which one for …?" has none)."""
    return [w for w in _WORD.findall(text) if w.lower() not in _QUESTION_WORDS and analyze(w, lang)]


def _concepts(
    question: QuestionInfo,
    langs: Sequence[str],
    idf: IdfFn,
    checkable_only: bool = False,
    cognates: CognateTable | KinTable | None = None,
    translations: Mapping[str, Sequence[str]] | None = None,
    terms: Collection[str] = (),
) -> list[tuple[set[str], float]]:
    """One concept per content word of the question: its stems in every language in play (and,
    for English, the stems of its Scandinavian counterparts), weighted by its rarest stem's IDF.
    Counting words, not stems, keeps synonyms from inflating the denominator. `checkable_only`
    keeps, of an English question's words, only those whose presence can be checked (see
    `coverage`). A word also stands for its cognates among `cognates` (the passages' stems, given
    for a question in another language family): "coordinators" for "koordinator". `translations`
    (see `translation_units`) adds the words the embedding model found for a word or for a pair
    it belongs to: "styringsgruppe" for both "steering" and "group". Two adjacent words also stand
    for the compound of `terms` that joins their stems (see `_compounds`)."""
    translated_stems: dict[str, set[str]] = {}
    for unit, words in (translations or {}).items():
        for part in unit.split():
            translated_stems.setdefault(part, set()).update(_stems(" ".join(words), langs))
    # Each content word's stems and the stems its weight comes from; None where a stop word or
    # punctuation separates words, so only neighbours make a compound.
    entries: list[tuple[set[str], set[str]] | None] = []
    for match in re.finditer(r"[^\W_]+(?:-[^\W_]+)*|[^\w\s]", question.text.strip()):
        word = match.group()
        if not word[0].isalnum():
            entries.append(None)
            continue
        if (word.lower() in _QUESTION_WORDS and not word.isupper()) or not analyze(word, question.lang):
            entries.append(None)  # a stop word of the question's language ("which", "hvilke")
            continue
        stems = _stems(word, langs) | set(question.corrections.get(word.lower(), ()))
        if question.lang in GLOSSARY_LANGS:
            translated = counterparts(word)
            if checkable_only and not translated and not _language_neutral(word, match.start()):
                entries.append(None)
                continue
            stems |= _stems(translated, langs)
        if cognates is not None:
            stems.update(cognates.cognates(word))
        if isinstance(cognates, KinTable):
            # A neighbour's word for it ("näringslivet" in a Danish plan is "erhvervslivet").
            stems |= _stems(nordic_counterparts(word), langs)
        stems |= translated_stems.get(word.lower(), set())
        own = set(stems)
        if terms and question.lang == "de" and len(word) >= _GERMAN_COMPOUND:
            # German writes the compound as one word ("Universitätsschulen"): its last part's
            # counterparts join the first part's, which are the word's own stems.
            last = compound_counterparts(word)[1]
            if last:
                stems |= _compounds(stems, _stems(last, langs), terms)
        entries.append((stems, own))
    if terms:
        for first, second in pairwise(entries):
            if first and second:
                joined = _compounds(first[0], second[0], terms)
                first[0].update(joined)
                second[0].update(joined)
    concepts: list[tuple[set[str], float]] = []
    seen: set[frozenset[str]] = set()
    for entry in entries:
        if entry is None:
            continue
        stems, own = entry
        key = frozenset(stems)
        if not stems or key in seen:
            continue
        seen.add(key)
        weights = idf(sorted(own))
        concepts.append((stems, max(weights.values())))
    return concepts


# A German word this long may be a compound of two glossary words.
_GERMAN_COMPOUND = 10


def _compounds(first: set[str], second: set[str], terms: Collection[str]) -> set[str]:
    """The `terms` that are a stem of `first` joined to a stem of `second`: what English writes as
    two words ("university schools") Norwegian writes as one ("universitetsskoler"), so neither
    word alone matches it."""
    starts = [a for a in first if len(a) >= COMPOUND_PART]
    joined: set[str] = set()
    for term in terms:
        for a in starts:
            if term.startswith(a) and len(term) > len(a):
                rest = term[len(a) :]
                if any(rest.startswith(link) and rest[len(link) :] in second for link in COMPOUND_LINKS):
                    joined.add(term)
                    break
    return joined


def translation_units(question: QuestionInfo) -> list[str]:
    """The question's content words, lowercased, and each pair of adjacent ones: what
    `WordTranslator` looks up. Capitalised words count: a project's translated name ("University
    Municipality") has counterparts, and a place's name is found as it is, not translated."""
    words: list[str | None] = []
    for match in re.finditer(rf"{_WORD.pattern}|\S", question.text.strip()):  # "\S": a break between words
        word = match.group()
        content = len(word) > 2 and word.lower() not in _QUESTION_WORDS and bool(analyze(word, question.lang))
        words.append(word.lower() if content else None)
    pairs = [f"{a} {b}" for a, b in pairwise(words) if a and b]
    return [w for w in words if w] + pairs


def _lexical_overlap(concepts: Sequence[tuple[set[str], float]], terms: set[str]) -> float:
    """IDF-weighted share of the question's concepts that the sentence's terms contain."""
    total = sum(w for _, w in concepts)
    if not total:
        return 0.0
    return sum(w for stems, w in concepts if stems & terms) / total


_NEEDS_TYPE = {"amount", "count", "time", "org"}
_NUMBER_KINDS = ("amount", "count")
# Kinds whose answer is that kind of thing or nothing: a sentence about the topic without a number,
# a frequency or a name answers nothing ("Styringsgruppe 4 + 4" for how often the group meets).
_ONLY_TYPED = (*_NUMBER_KINDS, "frequency", "name")
# The frequency and the name kinds came after the weights were fitted (their questions were "other"
# then): whether a sentence gives one decides whether to answer, not how the sentences rank.
_VETO_ONLY = ("frequency", "name")


def ranking_kind(kind: str) -> str:
    """The answer type as the learned weights know it (see `_VETO_ONLY`)."""
    return "other" if kind in _VETO_ONLY else kind


def _gives_kind(question: QuestionInfo, sentence: ScoredSentence) -> bool:
    """Whether `sentence` holds the kind of thing the question asks for."""
    if question.kind in _VETO_ONLY:
        return has_type_evidence(question.kind, sentence.text, question.text)
    return sentence.typed


# How many more passages a question for a number reads when the first ones hold no number.
MORE_PASSAGES = 2
# Late-chunked sentences embedded on their own per question: the selector's best REFINE_SENTENCES
# (twice as many for a question in another language than the passages) and the neighbours of its
# best _REFINE_NEIGHBOURS_OF. On NorQuAD validation this gives the answers of separate sentence
# vectors (README, "Ingest speed").
REFINE_SENTENCES = 8
_REFINE_NEIGHBOURS_OF = 3
# With the reranker, which reads its top candidates itself, fewer need exact vectors. 740 held-out
# NorQuAD train questions: 4 and no neighbours, answer_match 0.795 at p95 233 ms; 2, 0.781 at
# 210 ms; the selector alone with 8 and 3, 0.766. None (pooled vectors as stored, ~90 ms faster)
# kept NorQuAD's answers but answered more unanswerable strategy questions, even with the
# selector and abstainer retrained on such features (README, "Ingest speed").
RERANKED_REFINE = (4, 0)
SELECTOR_REFINE = (REFINE_SENTENCES, _REFINE_NEIGHBOURS_OF)
# At most this share of new content words: the sentence restates the question (a heading, a lead-in
# such as "Then they are linked to relevant courses."), and the answer is in the one after it.
_RESTATES = 0.5
# A sentence that opens with a demonstrative goes on about the one before it (nb/nn/da/sv/en/de).
_REFERS_BACK = re.compile(
    r"^\W*(?:dette|disse|denne|desse|detta|dessa|denna|this|these|those|such|dies(?:e[rsn]?)?)\b", re.I
)

# A reason is often given about the subject of the sentence that states what is to be explained,
# by a pronoun ("Karrieresentrene ... blir også viktige. De har et nettverk ..."). Not for "how":
# on NorQuAD validation it added the next fact about a person to 6 how-answers ("McKinley ble
# beskrevet som … Han var den siste presidenten …"). "Det"/"it" is left out: it opens statements
# that refer to nothing ("Det er ...").
_PERSON_BACK = re.compile(r"^\W*(?:de|dei|they|han|hun|ho|hon|he|she)\b", re.I)
_THEY = re.compile(r"^\W*(?:de|dei|they)\b", re.I)

# "What happens after …?" is answered by the step that follows the one the question names: the
# next sentence, when it opens as the next step ("Deretter blir de koblet på …", "Then …"). A
# question asks so with "after" or "once", or with a when-clause ahead of its question word ("Når
# behovene er kartlagt, hva …"); a "når" that opens the question itself asks for a time.
_ASKS_AFTER = re.compile(
    r"\b(?:etter at|efter at|efter att|after|nachdem|once|sobald)\b|"
    r"^\W*(?:når|när|naar|when|wenn)\b[^?,]*,\s*(?:hva|hvad|kva|vad|what|which|hvilke\w*|hvilken|kva for|"
    r"vilk\w+|welche\w*|was|hvordan|korleis|hur|how)\b",
    re.I,
)
_NEXT_STEP = re.compile(
    r"^\W*(?:deretter|derefter|därefter|etterpå|efterfølgende|sidan|sedan|så|then|afterwards|"
    r"after that|next|danach|anschließend|dann)\b",
    re.I,
)

# A step that follows another: what a described process does next. `_NEXT_STEP` without its words
# that open many sentences besides a step ("Så langt …", "Sidan …", "Dann …"): here a step decides
# which sentence answers, not only whether one goes on.
_STEP_FOLLOWS = re.compile(
    r"^\W*(?:deretter|derefter|därefter|etterpå|efterfølgende|afterwards|after that|then|next|danach|"
    r"anschließend)\b",
    re.I,
)
# "How was the temperature", "Hvordan er energibruken": a state is described, no process told.
_ASKS_STATE = re.compile(
    r"^\W*(?:hvordan|korleis|hur|how|wie)\s+(?:er|var|ble|blir|vart|är|is|was|are|were|ist|war)\b",
    re.I,
)
# How far down the ranking a how-answer's first step is looked for.
_STEP_CANDIDATES = 4
# A question that asks for examples, and a sentence that gives some, in every language of the app:
# by the adverb that introduces them ("for eksempel", "fx", "such as"). The noun ("Eksempler på
# virkemidler vil være …") names a kind of example as the question does, and often of other things.
_ASKS_EXAMPLES = re.compile(r"\b(?:eksemp\w*|exemp\w*|examples?|beispiel\w*|døme|dømet|døma)\b", re.I)
_GIVES_EXAMPLES = re.compile(
    r"\b(?:for eksempel|eksempelvis|til eksempel|til dømes|f\.\s?eks\b|fx|till exempel|exempelvis|"
    r"t\.\s?ex\b|for example|for instance|e\.\s?g\.|such as|zum beispiel|beispielsweise|z\.\s?b\.)",
    re.I,
)
# How far down the ranking the sentence that gives the examples asked for is looked for.
_EXAMPLE_CANDIDATES = 10
# Items separated by commas or a conjunction ("videregående skole, Fagskolen Innlandet eller
# Høgskolen i Innlandet"), in every language of the app.
_ITEM_BREAK = re.compile(r",|\s(?:og|eller|and|or|och|und|oder)\s")


# The noun a list question asks for: "Hvilke tilbud …", "Which schools …", "Welche Anbieter …",
# past a "kinds of" ("what kinds of education providers"); English and German may go on with a
# second noun, whose head it is ("education providers").
_LISTED_NOUN = re.compile(
    r"\b(?:hvilke|hvilket|hvilken|kva for|kva slags|hvilke slags|hvad for|which|what|vilka|vilket|"
    r"vilken|welche[nrsm]?)\s+(?:(?:kinds?|types?|sorts?) of\s+|(?:arten?|sorten) von\s+)?"
    r"([^\W\d_][\w-]*)(?:\s+([^\W\d_][\w-]*))?",
    re.I,
)


# The shortest last part of a compound that names what a list asks for ("tilbud" of "utdanningstilbud").
_LISTED_HEAD = 5


def _of_the_listed(question: QuestionInfo, text: str, langs: Sequence[str]) -> bool:
    """Whether `text` speaks of what a list question asks for, by its noun or (for an English or
    German question) the noun's counterparts: examples of "tilbud" are examples of offers."""
    match = _LISTED_NOUN.search(question.text)
    if match is None:
        return False
    nouns = [match.group(1)]
    if question.lang in GLOSSARY_LANGS:
        nouns = [n for n in match.groups() if n]
        nouns += [c for n in nouns for c in counterparts(n).split()]
    if _stems(" ".join(nouns), langs) & _stems(text, langs):
        return True
    # A compound asks for examples of its last part ("utdanningstilbud": "tilbud på …"), and a
    # neighbouring language spells it its own way (nynorsk "utdanningstilbod", "tilbydarar").
    heads = {n.lower()[i:] for n in nouns for i in range(0, len(n) - _LISTED_HEAD + 1)}
    words = set(re.findall(r"[^\W\d_]+", text.lower()))
    return any(w in heads or any(is_kin(h, w) for h in heads) for w in words if len(w) >= _LISTED_HEAD)


# An example named in a list is a few words ("Fagskolen Innlandet"); longer runs are clauses.
_ITEM_WORDS = 4


def _gives_listed_examples(text: str) -> bool:
    """Whether a sentence names examples, three or more of them after the word that introduces
    them ("… for eksempel være tilbud på A, B eller C"), not one ("får fx hurtigt …") nor a story
    told in clauses ("fx da Eksportskolen blev etableret, var det netop i erkendelsen af, at …")."""
    marker = _GIVES_EXAMPLES.search(text)
    if marker is None:
        return False
    items = _ITEM_BREAK.split(text[marker.end() :])
    return len(items) >= 3 and all(len(item.split()) <= _ITEM_WORDS for item in items[1:])


def _listed_examples(
    question: QuestionInfo,
    pool: Sequence[Passage],
    ranked: Sequence[ScoredSentence],
    chosen: Sequence[ScoredSentence],
) -> ScoredSentence | None:
    """For a list, the sentence of the best few in the best sentence's document that lists
    examples of what is asked, when none of the chosen gives examples: "Which offers can the firms
    be linked to?" is answered by "Dette kan for eksempel være tilbud på videregående skole,
    Fagskolen Innlandet eller Høgskolen i Innlandet", which points back and shares few words with
    the question, so it ranks below the sentences that restate it."""
    if any(_GIVES_EXAMPLES.search(s.text) for s in chosen):
        return None
    source = pool[ranked[0].passage_index].source
    for s in ranked[:_EXAMPLE_CANDIDATES]:
        passage = pool[s.passage_index]
        if (
            s.grounded
            and not s.heading
            and passage.source == source
            and _gives_listed_examples(s.text)
            and _of_the_listed(question, s.text, sorted({question.lang, passage.lang}))
        ):
            return s
    return None


def _opens_steps(scored: Sequence[ScoredSentence], s: ScoredSentence) -> bool:
    """Whether the sentence after `s` is the next step of a process `s` begins."""
    following = _beside(scored, s, after=True)
    return following is not None and bool(_STEP_FOLLOWS.match(following.text))


# A sentence that draws a consequence ("Det er derfor avgjørende å ...", "That is why ...") has
# its reason in the sentence before it: the answer to "why" is there.
_CONSEQUENCE = re.compile(
    r"\b(?:derfor|difor|därför|dermed|således|therefore|thus|hence|that is why|af den grund|"
    r"av den grunn|av den grunden|for this reason|deshalb|daher)\b",
    re.I,
)
# A sentence that opens by pointing back at the means ("Slik styrker vi posisjonen ...", "In this
# way ...") says what the means achieve; the answer to "how" is the sentence before it.
_MEANS_BEFORE = re.compile(
    r"^\W*(?:slik|sådan|således|sålunda|på (?:den|denne|dette) måten?|på den måde|på denne måde|"
    r"på (?:så|det|detta) sätt(?:et)?|in this way|this way|that way|thus|by doing so|"
    r"auf diese (?:weise|art)|dadurch|derved|därigenom|gjennom dette|gjennom det)\b"
    r"(?!\s+(?:at|att|som|as|that)\b)",
    re.I,
)
# A list's next item often opens as an addition to the sentence before ("Og vi skal drage større
# fordel af ...", "I tillegg ...", "Also ..."): the two are items of the same list.
_ADDS_ON = re.compile(
    r"^\W*(?:og|och|and|und|også|dessuten|dessutom|desuden|derudover|endvidere|"
    r"i tillegg|i tillæg|i tillägg|därutöver|likeså|likaså|ligeså|also|in addition|moreover|"
    r"furthermore|außerdem|zudem|ebenso)\b",
    re.I,
)
# At most this many such neighbours join a list beyond its usual length.
_ADDED_ITEMS = 2


def _novelty(text: str, question_words: set[str]) -> float:
    """Share of the sentence's words (over three letters) the question does not have; a shared
    five-letter start counts as the same word ("koblet" restates "kobles")."""
    asked = {w[:5] for w in question_words if len(w) > 3}
    words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 3]
    return sum(w[:5] not in asked for w in words) / len(words) if words else 0.0


@dataclass(frozen=True)
class Coverage:
    """How much of the question the top passages speak of at all: the IDF-weighted share of its
    content words they contain, and whether its rarest word is missing. A question on the right
    topic that asks for a detail the documents never mention ("tannhelsetilbud", "budsjett")
    usually has its rarest word missing."""

    share: float
    rarest_missing: bool


def _language_neutral(word: str, position: int) -> bool:
    """A word that reads the same in every language: a number, an acronym ("NTNU") or a name
    ("Herning"; a capital opening the question is no sign of one). Word by word, unlike
    `question_entities`, whose names must be whole tokens: "Greta's" is no name there."""
    return any(ch.isdigit() for ch in word) or (word[:1].isupper() and (position > 0 or word.isupper()))


def coverage(question: QuestionInfo, passages: Sequence[Passage], idf: IdfFn) -> Coverage:
    """The question's coverage by `passages`. An English question over Scandinavian passages is
    measured on the words whose presence can be checked: names, numbers and the glossary's terms.
    Any other English word ("hallmark", "located") is missing from a Norwegian or Danish text
    whether or not the text speaks of it; counted, it made every English question look off-topic,
    and its rarest word always missing (strategy sets: coverage 0.38 on English questions
    answerable or not, rarest word missing for all of them)."""
    langs = list(dict.fromkeys([question.lang, *(p.lang for p in passages)]))
    cross_language = any(p.lang != question.lang for p in passages)
    concepts = _concepts(question, langs, idf, checkable_only=cross_language)
    if not concepts:
        return Coverage(1.0, False)
    terms = _stems(" ".join(" ".join((p.title, p.publisher, p.text)) for p in passages), langs)
    rarest = max(concepts, key=lambda c: c[1])
    return Coverage(_lexical_overlap(concepts, terms), not rarest[0] & terms)


def _repeats_title(sentence: str, title: str) -> bool:
    """A line that is the document's title again (a web page's header, a slide deck's cover and
    footer), or its end once a slide's running header is cut off, names the document; quoted as an
    answer it says nothing."""
    words, title_words = re.findall(r"\w+", sentence.lower()), re.findall(r"\w+", title.lower())
    return bool(words) and len(words) <= len(title_words) and title_words[-len(words) :] == words


def sentence_features(
    question: QuestionInfo,
    passages: Sequence[Passage],
    query_vector: np.ndarray,
    vectors: SentenceVectorsFn,
    idf: IdfFn,
    max_passages: int,
    refine: tuple[int, int] = SELECTOR_REFINE,
    translator: WordTranslator | None = None,
) -> list[ScoredSentence]:
    """Every candidate sentence of the top passages with its evidence (score left at 0).

    Sentence vectors come from `vectors` (`ChunkStore.sentence_vectors`: embedded at ingest, or
    now for an index built by an older version). Where they were pooled from the passage's own
    forward pass (late chunking), the likeliest few are embedded on their own (see `_refined`).
    """
    pool = list(passages[:max_passages])
    candidates = [
        (pi, s)
        for pi, p in enumerate(pool)
        for s in answer_sentences(p.text, p.section, p.title)
        if not _repeats_title(s.text, p.title)
    ]
    if not candidates:
        return []
    langs = list(dict.fromkeys([question.lang, *(p.lang for p in pool)]))
    sentence_terms = [_stems(s.text, langs) for _, s in candidates]
    foreign = any(not same_family(question.lang, p.lang) for p in pool)
    # A Swedish or Danish question over Norwegian text (or the other way) shares few stems with it.
    kin = any(p.lang != question.lang and same_family(question.lang, p.lang) for p in pool)
    terms = sorted(set().union(*sentence_terms))
    cognates: CognateTable | KinTable | None = (
        CognateTable(terms) if foreign else KinTable(terms) if kin else None
    )
    # Question words the document itself supplies (its title, publisher, file name) say which
    # document, not which sentence: "Hamar" is no evidence inside a Hamar document.
    context_terms = [_stems(" ".join((p.title, p.publisher, p.source)), langs) for p in pool]
    q_words = {w.lower() for w in re.findall(r"\w+", question.text)}
    translations: dict[str, list[str]] = {}
    if foreign and translator is not None:
        vocabulary = {w.lower() for _, s in candidates for w in _WORD.findall(s.text) if len(w) > 2}
        looked_up = translator.counterparts(translation_units(question), sorted(vocabulary))
        # The question's words in the documents' language: a sentence made of them restates it.
        q_words |= {w for words in looked_up.values() for w in words}
        q_words |= {w for word in re.findall(r"\w+", question.text) for w in counterparts(word).split()}
        # A translation into the documents' own names ("University Municipality" is the title)
        # says which document, as the question's words the title holds do.
        named = set().union(*context_terms)
        for unit, words in looked_up.items():
            kept = [w for w in words if not _stems(w, langs) <= named]
            if kept:
                translations[unit] = kept
    concepts = _concepts(question, langs, idf, cognates=cognates, translations=translations, terms=terms)
    grounded = grounded_passages(question, pool)
    top_score = max((p.score for p in pool), default=1.0) or 1.0

    wanted: dict[str, list[AnswerSentence]] = {}
    for pi, s in candidates:
        wanted.setdefault(pool[pi].chunk_id, []).append(s)
    found = vectors([p.chunk_id for p in pool], embed_missing=wanted)
    dense = np.stack([found[pool[pi].chunk_id][(s.start, s.end)] for pi, s in candidates]) @ query_vector
    evidence = [
        (
            _lexical_overlap([c for c in concepts if not c[0] <= context_terms[pi]] or concepts, terms),
            has_type_evidence(ranking_kind(question.kind), s.text, question.text),
            _novelty(s.text, q_words),
        )
        for (pi, s), terms in zip(candidates, sentence_terms, strict=True)
    ]

    def scored(dense: np.ndarray) -> list[ScoredSentence]:
        return [
            ScoredSentence(
                passage_index=pi,
                start=sentence.start,
                end=sentence.end,
                text=sentence.text,
                score=0.0,
                dense=float(cos),
                lexical=lexical,
                typed=typed,
                grounded=grounded[pi],
                passage_score=pool[pi].score / top_score,
                novelty=novelty,
                heading=sentence.heading,
            )
            for (pi, sentence), cos, (lexical, typed, novelty) in zip(
                candidates, dense, evidence, strict=True
            )
        ]

    features = scored(dense)
    pooled = [i for i, (pi, _) in enumerate(candidates) if pool[pi].pooled_sentences]
    if pooled and refine[0]:
        features = scored(
            _refined(question, pool, candidates, features, pooled, query_vector, vectors, refine)
        )
    return features


def _refined(
    question: QuestionInfo,
    pool: Sequence[Passage],
    candidates: Sequence[tuple[int, AnswerSentence]],
    features: Sequence[ScoredSentence],
    pooled: Sequence[int],
    query_vector: np.ndarray,
    vectors: SentenceVectorsFn,
    refine: tuple[int, int],
) -> np.ndarray:
    """Dense scores with late-chunked (pooled) sentence vectors made good where they matter.

    A pooled vector is read in its passage's context, so a passage's sentences all lean towards its
    topic and rank each other worse (benchmarks/sentence_pass.py). The selector, run on the pooled
    scores, names the `refine[0]` likeliest sentences; they and the neighbours of the best `refine[1]` (the
    second quoted sentence and the neighbour features) are embedded on their own, once, cached.
    The other pooled scores move by the mean difference seen on those, so they stay comparable.
    """
    dense = np.array([f.dense for f in features])
    needs_type = question.kind in _NEEDS_TYPE
    entity_words = [w for group in question_entities(question.text, question.lang) for w in group]
    matrix = sentence_matrix(features, needs_type, question.kind, question.plan, question.text, entity_words)
    logits = sentence_logits(load_model("selector"), matrix)
    is_pooled = set(pooled)
    ranked = [int(i) for i in np.argsort(-logits, kind="stable") if int(i) in is_pooled]
    # Across languages no word is shared, the pooled scores alone rank the sentences, and they
    # rank worse: look twice as far.
    breadth, neighbours_of = refine
    breadth *= 2 if question.lang != pool[0].lang else 1
    chosen = list(ranked[:breadth])
    # Candidates are in document order, passage by passage: a neighbour is the next index over.
    for i in ranked[:neighbours_of]:
        for j in (i - 1, i + 1):
            same_passage = 0 <= j < len(candidates) and candidates[j][0] == candidates[i][0]
            if same_passage and j in is_pooled and j not in chosen:
                chosen.append(j)
    exact: dict[str, list[AnswerSentence]] = {}
    for i in chosen:
        pi, sentence = candidates[i]
        exact.setdefault(pool[pi].chunk_id, []).append(sentence)
    found = vectors(list(exact), exact=exact)
    own = np.array(
        [
            found[pool[candidates[i][0]].chunk_id][(candidates[i][1].start, candidates[i][1].end)]
            for i in chosen
        ]
    )
    return with_refined(dense, pooled, dict(zip(chosen, (own @ query_vector).tolist(), strict=True)))


def with_refined(scores: np.ndarray, pooled: Sequence[int], refined: Mapping[int, float]) -> np.ndarray:
    """Pooled scores made comparable with re-encoded ones: those in `refined` take their own score,
    the other `pooled` ones move by the mean change seen on them, the rest stay."""
    out = np.asarray(scores, dtype=np.float64).copy()
    if refined:
        out[list(pooled)] += float(np.mean([score - out[i] for i, score in refined.items()]))
        for i, score in refined.items():
            out[i] = score
    return out


def carries_links(sentence: ScoredSentence) -> bool:
    """Whether the sentence holds a link, an image, markup or a URI (what `strip_unsafe` removes)."""
    return strip_unsafe(sentence.text)[1]


@dataclass(frozen=True)
class Plan:
    """How many sentences an answer quotes, relative to the best one's probability."""

    max_sentences: int = 2
    # A second sentence joins when its probability is at least this share of the best one's (None:
    # the ratio chosen with the selector's weights on NorQuAD train).
    second_ratio: float | None = None
    # A list question quotes up to this many sentences within `list_ratio` of the best (None: the
    # ratio chosen with the weights on the calibration set's list questions).
    list_items: int = 6
    list_ratio: float | None = None


@cache
def _function_words() -> frozenset[str]:
    """A word that is a function word in any of the languages ("under" in Danish, "mellom" in
    Norwegian): in a question and a heading of different languages, it matches nothing asked."""
    return frozenset(w for lang in ("nb", "nn", "da", "sv", "en", "de") for w in stopwords(lang))


def _heads_what_is_asked(question: QuestionInfo, passage: Passage, heading: str) -> bool:
    """Whether a heading shares a word with the question besides its document's title: "Tematiske
    hovedområder" with "Thematic areas in Universitetskommune 3.0?" (through the glossary), where
    a slide's running header ("Universitetskommune 3.0 …") matches every question that names the
    document and heads nothing it asks about."""
    langs = sorted({question.lang, passage.lang})
    asked = _stems(question.text, langs) | _stems(expand_english(question.text), langs)
    return bool((_stems(heading, langs) - _stems(passage.title, langs)) & asked)


# A version or phase: "2.0", "3.0" (not a date's "21.11", a decimal's "6,3" or an amount's "1.882").
_VERSION = re.compile(r"(?<![\d.,])\d{1,2}\.\d(?![\d.,])")


def _names_the_points(question: QuestionInfo, passage: Passage, heading: str, points: str) -> set[str]:
    """The words (stems) by which a slide's title names what the question asks for where the points
    below it do not: "tematisk" of "Tematiske hovedområder" over "Byutvikling Helse og velferd …"
    for "What are the thematic areas …?". A function word of any of the languages ("under" in
    Danish) or a plain number (a year, a count) names nothing, but a version does ("2.0" of "Hva har
    vi i 2.0" for "Universitetskommune 2.0"); a word the points share with the question ranks
    them without their title, and a word of the document's title heads every slide."""
    function_words = _function_words()
    words = re.findall(r"[^\W\d_]+", question.text)
    text = " ".join(w for w in words if w.lower() not in function_words)
    langs = sorted({question.lang, passage.lang})
    asked = _stems(text, langs) | _stems(expand_english(text), langs)
    named = _stems(heading, langs) - _stems(passage.title, langs) - _stems(points, langs)
    found = {stem for stem in named & asked if stem.isalpha()}
    # A version the question asks about ("Universitetskommune 2.0") names the slide titled with it,
    # unless the document's title or the points carry it too.
    versions = set(_VERSION.findall(question.text)) & set(_VERSION.findall(heading))
    found |= versions - set(_VERSION.findall(f"{passage.title} {points}"))
    # A heading's noun and the question's verb share their root, not their stem: "Organisering"
    # heads the slide that answers "Korleis skal samarbeidet organiserast?" ("organised",
    # "organiseres", "organisiert"), which no language's stemmer takes back to one word.
    elsewhere = _prefixes(f"{passage.title} {points}", function_words)
    roots = _prefixes(text, function_words) & (_prefixes(heading, function_words) - elsewhere)
    return found | roots


def _names_a_point(question: QuestionInfo, passage: Passage, points: str) -> bool:
    """Whether the question names one of a slide's points by name (a capitalised word inside the
    question that the points have and the document's title does not): "Hvilke teknologier hører
    til det tematiske området Smart by?" asks what "Smart by" holds, not for the thematic areas the
    slide lists."""
    words = re.findall(r"[^\W\d_]+", question.text)
    text = " ".join(w for w in words[1:] if w[:1].isupper())
    langs = sorted({question.lang, passage.lang})
    shared = _stems(text, langs) & (_stems(points, langs) - _stems(passage.title, langs))
    return any(stem.isalpha() and len(stem) > 2 for stem in shared)


# A heading's word and a question's word from one root share this many first letters.
_ROOT_LETTERS = 6


def _prefixes(text: str, function_words: frozenset[str]) -> set[str]:
    """The first `_ROOT_LETTERS` letters of each word of `text` that has more (no function word)."""
    return {
        w.lower()[:_ROOT_LETTERS]
        for w in re.findall(r"[^\W\d_]+", text)
        if len(w) > _ROOT_LETTERS and w.lower() not in function_words
    }


# How far into a document its opening lines reach: a title, a byline, a title slide's presenter and
# date (characters of the cleaned text).
_OPENING_CHARS = 300
# How far down the ranking the year of what a "when" question names is looked for.
_DATED_CANDIDATES = 5


def _dates_it(
    question: str, sentence: ScoredSentence, spellings: Sequence[Callable[[str, str], bool]]
) -> bool:
    return sentence.typed and sentence.grounded and dates_the_named(sentence.text, question, spellings)


def _opening_answer(
    question: QuestionInfo, pool: Sequence[Passage], ranked: Sequence[ScoredSentence]
) -> ScoredSentence | None:
    """For "Who gave the presentation?" or "When was the presentation given?": the first sentence of
    the best passage's document, within its opening lines and among the best few, that names a
    person (a date); None for any other question."""
    if question.kind not in ("person", "time") or not ranked or not asks_about_the_document(question.text):
        return None
    source = pool[ranked[0].passage_index].source

    def offset(s: ScoredSentence) -> int:
        return pool[s.passage_index].char_start + s.start

    def in_opening(s: ScoredSentence) -> bool:
        return pool[s.passage_index].source == source and offset(s) < _OPENING_CHARS

    # The body's best sentence, when it is the best of all, gives it: what was presented, not who
    # presented it. A person must be named in full there: a slide's line has capitals enough to
    # pass for a name.
    lead = ranked[0]
    if (
        not lead.heading
        and not in_opening(lead)
        and _gives_kind(question, lead)
        and (question.kind != "person" or names_a_person(lead.text, question.text))
    ):
        return None
    opening = [
        s
        for s in ranked
        if pool[s.passage_index].source == source
        and offset(s) < _OPENING_CHARS
        and s.grounded
        and not s.heading
        and _gives_kind(question, s)
    ]
    return min(opening, key=offset, default=None)


# Where a slide ends: a blank line, or the next slide's number opening a line.
_SLIDE_END = re.compile(r"\n\s*\n|\n\d{1,3} ")


def _slide_points(scored: Sequence[ScoredSentence], title: ScoredSentence, text: str) -> list[ScoredSentence]:
    """The sentences of the slide `title` opens, after it, in order (links and headings left out)."""
    end = _SLIDE_END.search(text, title.end)
    stop = end.start() if end else len(text)
    same = (
        s
        for s in scored
        if s.passage_index == title.passage_index
        and title.end <= s.start < stop
        and not s.heading
        and not carries_links(s)
    )
    return sorted(same, key=lambda s: s.start)


def _headed_list(
    question: QuestionInfo,
    pool: Sequence[Passage],
    scored: Sequence[ScoredSentence],
    ranked: Sequence[ScoredSentence],
) -> tuple[ScoredSentence, list[ScoredSentence]] | None:
    """For a list question, a slide title in the best sentence's document that names what is asked
    ("Tematiske hovedområder" for "What are the thematic areas …?", "… Trondheim ByLab" for "Kva
    prosjekt er lista opp under Trondheim ByLab?"): a slide's title says what its points are,
    where the points themselves ("Byutvikling Helse og velferd …") share no word with the
    question and rank low. Only a slide's title, whose line opens with the slide's number: in
    prose a short line is as often one of a list's points ("At gå helt nye veje"). Of several,
    the one whose first point ranks best. Returned with its points."""
    if not ranked:
        return None
    source = pool[ranked[0].passage_index].source
    rank = {id(s): k for k, s in enumerate(ranked)}
    found: list[tuple[int, ScoredSentence, list[ScoredSentence]]] = []
    for title in scored:
        passage = pool[title.passage_index]
        if not title.heading or not title.grounded or passage.source != source:
            continue
        line_start = passage.text.rfind("\n", 0, title.start) + 1
        if not re.fullmatch(r"\d{1,3} ", passage.text[line_start : title.start]):
            continue
        points = _slide_points(scored, title, passage.text)
        if not points or not points[0].grounded:
            continue
        listed = " ".join(p.text for p in points)
        if _names_the_points(question, passage, title.text, listed) and not _names_a_point(
            question, passage, listed
        ):
            found.append((rank[id(points[0])], title, points))
    if not found:
        return None
    _, title, points = min(found, key=lambda f: f[0])
    return None if title is ranked[0] else (title, points)


def _to_front(ranked: list[ScoredSentence], within: int, passes: Callable[[ScoredSentence], bool]) -> None:
    """Move the first of the best `within` sentences that `passes` to the front (none: no change)."""
    chosen = next((s for s in ranked[:within] if passes(s)), None)
    if chosen is not None:
        ranked.remove(chosen)
        ranked.insert(0, chosen)


def select(
    question: QuestionInfo,
    pool: Sequence[Passage],
    features: Sequence[ScoredSentence],
    threshold: float | None = None,
    plan: Plan | None = None,
    selector: LinearModel | None = None,
    abstainer: LinearModel | None = None,
    covered: Coverage | None = None,
    reranker: RerankerModel | None = None,
) -> Composition:
    """Score the sentences; abstain when the abstainer's probability is below `threshold` (its
    calibrated one when None); else quote what the question's plan asks for."""
    if not features:
        return Composition([], [], 0.0, True)
    plan = plan or Plan()
    selector = selector or load_model("selector")
    abstainer = abstainer or load_model("abstainer")
    needs_type = question.kind in _NEEDS_TYPE
    entities = question_entities(question.text, question.lang)
    entity_words = [w for group in entities for w in group]
    matrix = sentence_matrix(features, needs_type, question.kind, question.plan, question.text, entity_words)
    logits = sentence_logits(selector, matrix)
    # The reranker reorders the selector's best few; the abstainer reads the selector's logits
    # and the reranker's own scores, as it was trained (`learned/train.py`).
    ranking, rerank = logits, None
    if reranker is not None:
        ranking, rerank = reranked(reranker, question.text, features, logits)
    # The selector is a softmax over the candidates: a sentence's share of the question's evidence.
    shares = np.exp(ranking - ranking.max())
    shares /= shares.sum()
    scored = [replace(f, score=float(p)) for f, p in zip(features, shares, strict=True)]
    ranked = sorted(scored, key=lambda s: (-s.score, s.passage_index, s.start))
    if question.kind in ("amount", "count"):
        # "How much" and "how many" are answered by a number: the best sentence that has one.
        ranked.sort(key=lambda s: not (s.typed and s.grounded))
    party = amount_party(question.text) if question.kind == "amount" else None
    if party is not None and not names_party(ranked[0].text, party, counterparts):
        # "How much is the ministry putting in?": the amount beside the ministry, not the county's
        # beside it, when one of the best few gives it.
        _to_front(
            ranked,
            _PARTY_CANDIDATES,
            lambda s: s.typed and s.grounded and names_party(s.text, party, counterparts),
        )
    if question.kind == "time" and not ranked[0].typed:
        # "Når kom universitetsskolene i gang?": when the best sentence gives no date at all, the line
        # of the best few that gives a year right after what is asked about ("Universitetsskoler
        # (2015)") answers. Not over a dated best: on NorQuAD validation a name's years in brackets
        # ("The Beatles (1957–1970)") then displaced the answer ("… gjennombruddet … kom i 1963").
        # Before the year rule below: "I hvilket år kom universitetsskolerne i gang?" would otherwise
        # take the first line with any year ("Universitetskommune Helse og velferd (2017)").
        # A line dating the name as the question spells it goes before one dating it as a
        # neighbouring language or another inflection does ("universitetsskulane"). Not a
        # look-alike that is another compound: "Universitetsskoler (2015)" does not date
        # "Universitetskommune Helse og velferd" or the presentation about "Universitetskommune 3.0".
        for spellings in ((is_kin, is_translated_compound), ()):
            _to_front(ranked, _DATED_CANDIDATES, partial(_dates_it, question.text, spellings=spellings))
    # "Hva heter koordinatoren?": a weaker sentence with a name answers only when it speaks of the
    # role too ("sier Palmesus-sjef Leif Fosselie"); another name is often someone else's (a deck's
    # presenter on its title slide).
    persons_name = question.kind == "name" and asks_persons_name(question.text)
    if question.kind in _VETO_ONLY or asks_year(question.text) or asks_duration(question.text):
        # "Hva heter …", "Hvor ofte …", "Kva år …": the best of the first few that gives a name (a
        # frequency, a year) answers; when none of them does, none answers (see `wrong_type`).
        # "Hvor lenge …": the best of them that gives a time; with none, the abstainer decides (a
        # sixth of NorQuAD's durations are said without a time word: "i lang tid").
        first = ranked[0]
        _to_front(
            ranked,
            3,
            lambda s: (
                s.grounded
                and _gives_kind(question, s)
                and (s is first or not persons_name or names_the_role(s.text, question.text))
            ),
        )
    opening = _opening_answer(question, pool, ranked)
    if opening is not None:
        _to_front(ranked, len(ranked), lambda s: s is opening)
    abbreviation = spelled_out_abbreviation(question.text)
    if abbreviation:
        # "Hva står VAR for?" is answered where the text spells it out: "VAR (video assistant referee)".
        ranked.sort(key=lambda s: not (s.grounded and spells_out(s.text, abbreviation)))
    listing = question.plan == "list"

    def label(s: ScoredSentence) -> bool:
        """A heading that names its section's topic, which is what the question is about, so it
        often scores best; it answers nothing unless it holds the type asked for (a headline's
        "6,3 millioner kroner til ..."), and the text below it is a candidate too."""
        return s.heading and not listing and not (needs_type and s.typed)

    top = ranked[0]
    if label(top) and _heads_what_is_asked(question, pool[top.passage_index], top.text):
        # The heading scored best because it names what is asked ("Tematiske hovedområder"): what
        # it heads answers, so the sentence below it leads rather than the next best elsewhere.
        body = _beside(scored, top, after=True)
        if body is not None and body.grounded and not body.heading and not carries_links(body):
            _to_front(ranked, len(ranked), lambda s: s is body)
    ranked.sort(key=label)
    # A how-question is answered by a slide its title names too ("Organisering" for "How is the
    # cooperation organised?"): the slide's points are the means, however few words they share.
    headed_plan = listing or question.plan == "how"
    slide = _headed_list(question, pool, scored, ranked) if headed_plan else None
    headed, slide_points = slide if slide is not None else (None, [])
    if headed is not None:
        _to_front(ranked, len(ranked), lambda s: s is headed)
    asks_reason = asks_reason_of(question)
    # Not over a best sentence the reading is sure of: "Hvorfor skal Universitetskommune 3.0
    # integrere fagmiljøer på tvers av faglige siloer?" is answered where the deck says so.
    meta = {**(selector.meta or {}), **(reranker.meta if reranker is not None else {})}
    lead_share = float(meta.get("lead_share", 1.0))
    unsure = ranked[0].score < lead_share
    challenge = _challenge_slide(pool, ranked) if asks_reason and unsure and headed is None else None
    if challenge is not None:
        _to_front(ranked, len(ranked), lambda s: s is challenge)
    if (
        question.plan == "how"
        and not _ASKS_STATE.match(question.text)
        and not _opens_steps(scored, ranked[0])
    ):
        # A process is told as steps ("I prosjektene skal det kartlegges … . Deretter blir de
        # koblet på …"): of the best few, the sentence a next step follows tells how it is done,
        # where the best often restates what is done ("Små bedrifter … skal få tilbud om …").
        _to_front(
            ranked, _STEP_CANDIDATES, lambda s: s.grounded and not s.heading and _opens_steps(scored, s)
        )
    examples = bool(_ASKS_EXAMPLES.search(question.text))
    if examples and not _GIVES_EXAMPLES.search(ranked[0].text):
        # Asked for the examples a document gives, the answer is the sentence that gives them
        # ("Dette kan for eksempel være tilbud på videregående skole, …"), which shares few words
        # with the question and ranks below the sentences that restate it.
        source = pool[ranked[0].passage_index].source
        _to_front(
            ranked,
            _EXAMPLE_CANDIDATES,
            lambda s: (
                s.grounded
                and not s.heading
                and pool[s.passage_index].source == source
                and bool(_GIVES_EXAMPLES.search(s.text))
            ),
        )
    role_of = asks_role_of(question.text)
    if role_of is not None:
        # "Hvilket verv har Per-Gunnar Sveen?": the sentence that names the person gives the role
        # beside the name ("Også leder av utvalg for næring, Per-Gunnar Sveen (Ap), …").
        # Only such a sentence can give it, however low it ranks.
        _to_front(ranked, len(ranked), lambda s: s.grounded and names_the_person(s.text, role_of))
    best = ranked[0]
    cross_language = bool(pool) and question.lang != pool[0].lang
    row = abstain_features(
        features,
        logits,
        needs_type,
        entities=len(entities),
        cross_language=cross_language,
        coverage=covered or Coverage(1.0, False),
        rerank=rerank,
    )
    confidence = float(abstainer.probabilities(row[None, :])[0])
    cutoff = abstainer.threshold if threshold is None else threshold
    # ... and when no sentence has one, none answers, however close its topic.
    # "Hvem leder …" is answered by the best sentence only when it names someone: a leader named
    # by a weaker sentence is often someone else (a deck's presenter on its title slide).
    leader = question.kind == "person" and asks_leader(question.text)
    asks_type = question.kind in _ONLY_TYPED or asks_year(question.text) or leader
    wrong_type = asks_type and not _gives_kind(question, best)
    # A name in an English question is often translated in a Norwegian or Danish text ("Lithuania",
    # "Litauen"), so there a missing name is evidence for the abstainer to weigh (it was trained
    # on English questions over Norwegian text), not a veto. Scandinavian languages share names.
    ungrounded = not best.grounded and same_family(question.lang, pool[best.passage_index].lang)
    # The document's own opening lines give who made it or when: what is asked of the document is
    # there, however little the rest of its text speaks of it (the abstainer reads the body's
    # sentences, which say nothing of a presenter or a date).
    vouched = opening is not None and best is opening
    # "Hvor mange mål …?" answered by "Vores strategi er fokuseret om fire mål": a number right before
    # the counted word, in a passage that holds the question's names, is the count asked for; so is a
    # year right after the name a "when" question asks about ("Universitetsskoler (2015)"). The
    # abstainer reads the selector's best sentence (here often without a number) and the
    # reranker, trained on prose, is unsure of a slide's line.
    vouched = vouched or (
        best.typed
        and best.grounded
        and (
            (question.kind == "count" and counts_the_asked(best.text, question.text))
            or (question.kind == "time" and dates_the_named(best.text, question.text))
        )
    )
    # A sentence that spells out the very abbreviation asked about ("VR-teknologi (virtual
    # reality)") is its definition, however a long question ("Wofür steht die Abkürzung VR im Text
    # über Hamar?") dilutes the abstainer's evidence.
    # ... and a sentence that does not spell it out does not answer what it stands for ("Koordinatorer
    # TK og NTNU" for "What does NTNU stand for?"): the documents do not say.
    spelled = abbreviation is not None and spells_out(best.text, abbreviation)
    vouched = vouched or (spelled and best.grounded)
    # A slide titled as the problem ("5 Utfordringen Fagfolk i fakulteter …") is what its document
    # gives as the reason, however little the question's wording ("Why did they move to a 3.0
    # model?") shares with its points.
    vouched = vouched or (challenge is not None and best is challenge)
    # The role of a person the question names in full is beside the name, in whatever words: the
    # abstainer, missing the question's "verv" and "fylkeskommunen", doubted the sentence.
    vouched = vouched or (role_of is not None and best.grounded and names_the_person(best.text, role_of))
    unspelled = bool(abbreviation) and not spelled
    if not vouched and (confidence < cutoff or ungrounded or wrong_type or unspelled):
        typed_near = any(_gives_kind(question, s) for s in ranked[:3])
        # Not for who leads: the best sentence without a leader seldom speaks of the role at all
        # ("Befolkningen i Hamar …" for "Hvem er ordfører i Hamar?"), and quoting it looks like an answer.
        if best.grounded and (needs_type or (wrong_type and not leader)) and not typed_near:
            # The question asks for an amount, a number or a date that the sentences about its
            # topic do not give: say so, and quote what the documents do say about it.
            return Composition([best], _citations(pool, [best]), confidence, True)
        return Composition(ranked[:3], [], confidence, True)

    parties = split_parties(question.text) or share_recipients(question.text)
    if parties:
        return _split(question, pool, ranked, parties, confidence)

    chosen = [best]
    nearest = _beside(scored, best, after=True)
    # A sentence that only restates the question (a heading, a title) needs the one after it; so
    # does a list or an explanation whose next sentence goes on about it ("Dette kan for eksempel
    # være …", "These include …"): the items or the reason are there.
    continues = nearest is not None and _goes_on(question, best, nearest)
    # What the best sentence's colon opens, carried on by a parallel sentence ("… det er meget
    # værdifuldt: De studerende … får fx … De studerende går på mindre hold …"): the next one is
    # more of the answer, whatever the plan (asked "Hvad fremhæver de studerende …?", a fact, it
    # quoted the first only). Not after a runner-up: there it lengthened 17 right answers with
    # nothing they asked for.
    carried = nearest is not None and _carries_on_colon(best.text, nearest.text)
    continues = continues or carried
    # A lead-in that ends in a colon over bulleted points ("… for at opfylde vores mål:") says
    # nothing alone: the points are the means, the reasons or the items, whatever the plan (a fact
    # asked as "Hvad vil de konkret gøre?" too: quoted alone, the lead-in answered nothing).
    bulleted = best.text.rstrip().endswith(":") and nearest is not None and bool(_BULLET.match(nearest.text))
    introduces = bulleted
    continues = continues or introduces
    # A heading that names what a list asks for is quoted with its points too.
    # So is a heading that scored best for a list: it names the list, and its lines are the items.
    titled = listing and best.heading
    restated = (
        (best.novelty <= _RESTATES or best is headed or titled)
        and nearest is not None
        and not nearest.heading
    )
    chained = None
    if nearest is not None and (restated or continues) and not carries_links(nearest):
        chosen.append(nearest)
        # A restated choice is often described before it is explained ("Fylkeskommunen valgte … .
        # Det inkluderer alt fra … . Dette valget bygger på …"): a why answer goes on to the
        # sentence after, when that one refers back.
        after = _beside(scored, nearest, after=True) if restated and question.plan == "why" else None
        if after is not None and not _REFERS_BACK.match(after.text):
            # A caption or a lead repeats the body word for word ("Det inkluderer alt fra skogdrift
            # til ferdige hus." under a photo and in the text): the reason follows the body's copy.
            twin = next((t for t in scored if t.text == nearest.text and t is not nearest), None)
            after = _beside(scored, twin, after=True) if twin is not None else after
        if (
            not continues
            and after is not None
            and _REFERS_BACK.match(after.text)
            and not after.heading
            and not carries_links(after)
        ):
            chained = after
            chosen.append(chained)
        beyond = _role_goes_on(question, scored, best, nearest) if chained is None else None
        if beyond is not None:
            chained = beyond
            chosen.append(chained)
    if (listing or introduces) and nearest in chosen:
        # What completes a list's lead-in may itself go on: "Deretter blir de koblet på relevante
        # tilbud. Dette kan for eksempel være …", a lead-in, its description, then the slide's items.
        # A lead-in ending in a colon over bulleted items has them all ("… for at opfylde vores
        # mål:" and its three "- Vi vil …"), up to the list's length.
        # Under a heading, a run of short lines is its items ("Noget gammelt, noget nyt, …" over
        # "At værne om det, der virker. At gå helt nye veje. At tænke videre …"), up to the list's
        # length; prose after them ends the run.
        tail, steps = nearest, 0
        while (following := _quotable_next(scored, tail)) is not None:
            if (bulleted and _BULLET.match(following.text)) or (titled and _short_lines(tail, following)):
                if len(chosen) >= plan.list_items:
                    break
            elif not listing or steps >= _FURTHER_STEPS or not _goes_on(question, tail, following):
                break
            chosen.append(following)
            tail, steps = following, steps + 1
    # The reason before a "therefore", the means before a "this is how": the answer, so it goes
    # ahead of a restated question's next sentence, which would push it past the answer's length.
    points_back = (question.plan == "why" and bool(_CONSEQUENCE.search(best.text))) or (
        question.plan == "how" and bool(_MEANS_BEFORE.match(best.text))
    )
    before = _beside(scored, best, after=False) if points_back else None
    if before is not None and not before.heading and not carries_links(before):
        chosen.insert(1, before)
    # "Hvem grunnla teateret?" answered by "På 1840-tallet grunnla han teateret …": who "han" is
    # the sentence before says, so it goes ahead.
    antecedent = _antecedent(question, scored, best)
    if antecedent in chosen:
        antecedent = None
    if antecedent is not None:
        chosen.insert(1, antecedent)
    limit = plan.list_items if listing else plan.max_sentences
    if introduces:
        limit = max(limit, min(len(chosen), plan.list_items))  # the lead-in and its points
    if chained is not None:
        limit += 1  # the explanation it goes on to is part of the answer
    if carried and not listing and nearest in chosen:
        # The best sentence's second half: the runner-up keeps its place after the two.
        limit += 1
    if antecedent is not None:
        limit += 1  # the name the best sentence refers to by a pronoun is part of the answer
    section = _slide_section(scored, best, pool[best.passage_index].text, question.text, asks_reason)
    if section:
        # A slide named by what the question asks about answers with all of its points.
        chosen += [s for s in section if s not in chosen and not carries_links(s)]
        limit = max(limit, min(len(chosen), plan.list_items))
    if headed is not None and best is headed:
        # The slide's points are the list; what else scored near them is not.
        chosen += [s for s in slide_points if s not in chosen]
        chosen = chosen[: plan.list_items]
        limit = len(chosen)
    joined = len(chosen)  # the best and the sentences that complete it
    # The second sentence's ratio and the lead share were chosen for the scores that rank.
    second = plan.second_ratio if plan.second_ratio is not None else float(meta.get("second_ratio", 0.05))
    listed = plan.list_ratio if plan.list_ratio is not None else float(meta.get("list_ratio", 0.35))
    ratio = listed if listing else second
    exemplified = examples and bool(_GIVES_EXAMPLES.search(best.text))
    for s in ranked[1:]:
        if len(chosen) >= limit:
            break
        # A list quotes at least what a fact answer would: its second sentence at the fact's ratio
        # (a list's stricter ratio dropped the runner-up that held the rest of the items).
        needed = second if listing and len(chosen) < plan.max_sentences else ratio
        if s in chosen or not s.grounded or s.score < needed * best.score or s.text == best.text:
            continue
        if carries_links(s):  # only there by proximity: a document's link or markup is no answer
            continue
        if label(s):
            continue
        if listing and pool[s.passage_index].source != pool[best.passage_index].source:
            continue  # a list is one document's list; other documents are a comparison
        if exemplified and not _GIVES_EXAMPLES.search(s.text):
            continue  # the examples asked for are the answer, not what else scored near them
        chosen.append(s)
    chosen = chosen[:limit]
    if listing:
        # A runner-up that leads into bulleted points ("… for at gå nye veje for at opfylde vores
        # mål:") brings its points, as the best sentence does: alone, the lead-in names no item.
        # A chosen bullet brings the bullets beside it: they are the same list's other items. They
        # go right after it, ahead of weaker runners-up, within the list's length.
        led: list[ScoredSentence] = []
        for s in chosen:
            led.append(s)
            if s is not best or not introduces:
                led += [p for p in _bulleted_points(scored, s) if p not in chosen and p not in led]
        chosen = led[: max(limit, joined)]
        # A chosen item's neighbour that reads as the next item of the same list is one too, ahead
        # of any weaker runner-up.
        chosen += _added_items(scored, chosen)[:_ADDED_ITEMS]
        example = _listed_examples(question, pool, ranked, chosen)
        if example is not None:
            chosen.append(example)
        same = [t for t in scored if pool[t.passage_index].source == pool[best.passage_index].source]
        again = _list_again(question, same, best, chosen)
        if again is not None:
            chosen.append(again)
        # A list's items in document order within a passage; the best sentence's passage first,
        # then the others in rank order (a runner-up's passage may rank above the best's).
        chosen.sort(key=lambda s: (s.passage_index != best.passage_index, s.passage_index, s.start))
    else:
        # The answer first, read in order with the sentences that complete it (the one after a
        # heading, the reason before a "therefore"); then the runners-up, best first. In
        # document order a weaker sentence that merely comes earlier (a passage's opening line)
        # was quoted before the answer.
        block = sorted(chosen[:joined], key=lambda s: s.start)
        chosen = block + _completed(question, scored, sorted(chosen[joined:], key=lambda s: -s.score), block)
        if (
            question.plan == "why"
            and best is not challenge
            and not any(states_reason(s.text) for s in chosen)
        ):
            # An answer to "why" that gives no reason, when a sentence just after one of its
            # quotes gives one about it ("Fylkeskommunen valgte … . Det inkluderer … . Dette
            # valget bygger på …"): that sentence is the answer, so it joins after its quote.
            for k, anchor in enumerate(chosen):
                reason = _reason_after(scored, anchor)
                if reason is not None and reason not in chosen:
                    chosen.insert(k + 1, reason)
                    break
    confident = best.score >= lead_share
    return Composition(chosen, _citations(pool, chosen), confidence, False, confident)


# How far down the ranking the amount of the one body an amount question names is looked for.
_PARTY_CANDIDATES = 4
# How far down the ranking a party's share of a sum is looked for.
_SPLIT_CANDIDATES = 8


def _split(
    question: QuestionInfo,
    pool: Sequence[Passage],
    ranked: Sequence[ScoredSentence],
    parties: Sequence[str],
    confidence: float,
) -> Composition:
    """How a sum is split between the parties the question names, or a recipient's share of it: a
    sentence giving an amount beside each of at least two of them (or beside the one recipient).
    With fewer, the documents give no split; the answer says so and quotes the amounts they do give
    (a total, what one payer gives)."""
    amounts = [
        s
        for s in ranked[:_SPLIT_CANDIDATES]
        if s.grounded and not carries_links(s) and has_type_evidence("amount", s.text, question.text)
    ]
    shares: list[ScoredSentence] = []
    covered = 0
    group = group_noun(parties[0]) if len(parties) == 1 else None
    if group is not None:
        # A split among a group's members: the amounts beside any of them ("Fjellregionen får …").
        shares = [s for s in amounts if names_member(s.text, group, counterparts)]
        covered = len(shares)
    else:
        for party in parties:
            share = next((s for s in amounts if names_party(s.text, party, counterparts)), None)
            if share is None:
                continue
            covered += 1
            if share not in shares:
                shares.append(share)
    if covered >= min(2, len(parties)):
        return Composition(shares, _citations(pool, shares), confidence, False, False)
    given = amounts[:2] or list(ranked[:1])
    return Composition(given, _citations(pool, given), confidence, True)


def _antecedent(
    question: QuestionInfo, scored: Sequence[ScoredSentence], best: ScoredSentence
) -> ScoredSentence | None:
    """For "who did …", the sentence before a best one that names the person by a pronoun, when
    that sentence names someone the question does not."""
    if question.kind != "person" or not asks_who_did(question.text) or not refers_to_person(best.text):
        return None
    prior = _beside(scored, best, after=False)
    if prior is None or prior.heading or carries_links(prior):
        return None
    return prior if names_something_new(prior.text, question.text) else None


def _completed(
    question: QuestionInfo,
    scored: Sequence[ScoredSentence],
    runners_up: Sequence[ScoredSentence],
    taken: Sequence[ScoredSentence],
) -> list[ScoredSentence]:
    """The runners-up, each followed by the sentence after it when that one goes on with it, as the
    best's would ("Deretter blir de koblet på …" after a step of how it works). Not when the
    runner-up only restates the question, as the best is completed: the sentence after a weaker
    restatement was mostly filler (another slide line, the next paragraph's opening)."""
    out: list[ScoredSentence] = []
    for s in runners_up:
        out.append(s)
        following = _quotable_next(scored, s)
        if following is None or following in taken or following in runners_up or following in out:
            continue
        if _goes_on(question, s, following):
            out.append(following)
            beyond = _role_goes_on(question, scored, s, following)
            if beyond is not None and beyond not in taken and beyond not in runners_up:
                out.append(beyond)
    return out


def _bulleted_points(scored: Sequence[ScoredSentence], s: ScoredSentence) -> list[ScoredSentence]:
    """The bulleted points of the list `s` belongs to: those right after it when it leads into
    them (ends in a colon) or is one of them, and those right before it when it is one."""
    points: list[ScoredSentence] = []
    if _BULLET.match(s.text):
        head = s
        while (prior := _beside(scored, head, after=False)) is not None and _BULLET.match(prior.text):
            if prior.heading or carries_links(prior):
                break
            points.append(prior)
            head = prior
    elif not s.text.rstrip().endswith(":"):
        return points
    tail = s
    while (following := _quotable_next(scored, tail)) is not None and _BULLET.match(following.text):
        points.append(following)
        tail = following
    return points


def _quotable_next(scored: Sequence[ScoredSentence], s: ScoredSentence) -> ScoredSentence | None:
    """The sentence after `s`, unless there is none or it could not be quoted as part of an answer
    (a heading, a document's links)."""
    following = _beside(scored, s, after=True)
    if following is None or following.heading or carries_links(following):
        return None
    return following


# When the cross-encoder finds no sentence among the selector's best `TOP_K` that answers (every
# score below this), it reads the next `TOP_K` too: the answer is then often just below them.
RERANK_FURTHER_BELOW = 0.0
# ... unless the selector's best leads its second by this much of a logit: the next six then
# held no better answer. Of the 74 held-out NorQuAD train questions that read them, the 34 with
# such a lead had 18 answers right with them and 18 without (the other 40: 21 and 17); on
# validation 11 and 12 of 23 (the other 21: 9 and 7). On a slide deck the further lines were years
# and headings the cross-encoder took for an answer ("Universitetskommune Helse og velferd (2017)"
# for "När presenterades …?").
SELECTOR_SURE_BY = 1.0


def reranked(
    reranker: RerankerModel, question: str, features: Sequence[ScoredSentence], logits: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The selector's logits with its top `TOP_K` candidates rescored by the cross-encoder (the
    others keep their order below them, as if the reranker had scored them its lowest), and the
    cross-encoder's own scores of those candidates. When none of them convinced it
    (`RERANK_FURTHER_BELOW`), twice as many are rescored, but the scores returned stay the first
    `TOP_K`'s: the abstainer reads those, as it was trained (with the second batch's, three
    unanswerable questions of the strategy sets got an answer). Not when the selector is sure of
    its best (`SELECTOR_SURE_BY`)."""
    from assistant.reranker import TOP_K, rescored

    order = np.argsort(-logits, kind="stable")
    top = order[:TOP_K]
    scores = reranker.scores(question, [features[i].text for i in top])
    sure = len(order) > 1 and logits[order[0]] - logits[order[1]] >= SELECTOR_SURE_BY
    if scores.max() < RERANK_FURTHER_BELOW and len(order) > TOP_K and not sure:
        further = order[TOP_K : 2 * TOP_K]
        both = np.concatenate([scores, reranker.scores(question, [features[i].text for i in further])])
        return rescored(logits, order[: TOP_K + len(further)], both, reranker.weights), scores
    return rescored(logits, top, scores, reranker.weights), scores


_EXAMPLES = re.compile(
    r"^\W*(?:eksempl\w*|eksempel\w*|for eksempel|til dømes|till exempel|exempel\w*|examples?|"
    r"for example|for instance|beispiele?|zum beispiel|blant annet|blandt andet|bland annat|herunder)\b",
    re.I,
)


def _added_items(scored: Sequence[ScoredSentence], chosen: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """The neighbours that continue the chosen sentences as further items of one list: the
    sentence before one that opens as an addition ("Og vi skal ..."), and the one after when it
    opens so or gives examples of it ("Deretter blir de koblet på relevante tilbud. Dette kan for
    eksempel være …": the offers asked for are the examples). Two steps each way at most;
    headings and links are no items."""
    added: list[ScoredSentence] = []
    for first in chosen:
        before, after = first, first
        for _ in range(2):
            prior = _beside(scored, before, after=False) if _ADDS_ON.match(before.text) else None
            if prior is None or prior.heading or carries_links(prior) or prior in chosen or prior in added:
                break
            added.append(prior)
            before = prior
        for _ in range(2):
            nxt = _beside(scored, after, after=True)
            if nxt is None or nxt.heading or carries_links(nxt):
                break
            if not (_continues_list(nxt.text) or opens_in_parallel(after.text, nxt.text)):
                break
            if nxt not in chosen and nxt not in added:
                added.append(nxt)
            after = nxt
    return added


# A name: a capitalised word that does not open its sentence ("Fjellregionen"; "Kongsvinger-" of
# "Kongsvinger- og Fjellregionen" counts as "kongsvinger").
_NAME_WORD = re.compile(r"(?<=[\s,(])[A-ZÆØÅÄÖÜ][^\W\d_]+(?:-[^\W\d_]+)*-?")
# Names a sentence must share with the best one to be the same list said again.
_SHARED_NAMES = 2
# Coordinated compounds that share their end ("Kongsvinger- og Fjellregionen", "by- og
# regionplan"): the last compound, whose end the first one leaves out.
_ELIDED = re.compile(r"\w- (?:og|and|och|und|eller|or|oder) ([^\W\d_]+)", re.I)
_COMPOUND_HEAD = 5


def _names_in(text: str, asked: set[str]) -> set[str]:
    """The sentence's names of more than three letters, lowercased, other than the question's words."""
    names = {m.group().rstrip("-").lower() for m in _NAME_WORD.finditer(text)}
    return {n for n in names if len(n) > 3 and n not in asked}


def _list_again(
    question: QuestionInfo,
    scored: Sequence[ScoredSentence],
    best: ScoredSentence,
    chosen: Sequence[ScoredSentence],
) -> ScoredSentence | None:
    """Another sentence of the best one's document that names two or more of the same items (not
    the question's names): the list said again, often in full where the best sentence shortens it
    ("Midt- og Nord-Gudbrandsdal, Kongsvinger- og Fjellregionen" and, further on, "… prioritert
    Midt- og Nord-Gudbrandsdal, Fjellregionen og Kongsvingerregionen")."""
    asked = {w.lower() for w in _WORD.findall(question.text)}
    stems = {t for t in _stems(question.text, ("nb", "da", "sv", "en")) if len(t) >= _COMPOUND_HEAD}
    # Only when the best sentence shortens what is asked for: "Kongsvinger- og Fjellregionen"
    # for "Hvilke regioner …?", the question's word the shared end of the elided compounds.
    shortened = any(any(t in m.group(1).lower() for t in stems) for m in _ELIDED.finditer(best.text))
    items = _names_in(best.text, asked)
    if not shortened or len(items) < _SHARED_NAMES:
        return None
    for s in scored:
        if s in chosen or s.heading or not s.grounded or carries_links(s) or s.text == best.text:
            continue
        if len(items & _names_in(s.text, asked)) >= _SHARED_NAMES:
            return s
    return None


def opens_in_parallel(prior: str, text: str) -> bool:
    """Whether `text` opens with the two words `prior` or its last clause after a colon opens
    with, the second a common noun or verb: a list written as parallel sentences ("… værdifuldt:
    De studerende på byens uddannelser får fx … De studerende går på mindre hold …"). Two function
    words ("Vi vil", "Det er") or a name ("The Economist støtter … The Economist støttet også …")
    open many sentences that list nothing."""
    opening = _opening_words(text)
    if not opening:
        return False
    second = opening[1]
    if len(second) < 4 or not second.islower() or not all(analyze(second, lang) for lang in _PARALLEL_LANGS):
        return False
    clauses = [prior, prior.rsplit(": ", 1)[-1]] if ": " in prior else [prior]
    return any(_opening_words(c) == opening for c in clauses)


# A content word is a stop word in none of these (the sentence's own language is not at hand).
_PARALLEL_LANGS = ("nb", "nn", "da", "sv", "en", "de")


def _opening_words(text: str) -> tuple[str, ...]:
    words = re.findall(r"[^\W\d_]+", text)[:2]
    return (words[0].lower(), words[1]) if len(words) == 2 else ()


# "These" and the noun after it, in nb/nn/da/sv/en/de: the sentence names again what one before it named.
_THESE_NOUN = re.compile(r"\b(?:disse|desse|dessa|these|those|diese[nmrs]?)\s+([^\W\d_]{4,})", re.I)


def _names_again(prior: str, text: str) -> bool:
    """Whether `text` refers back by "these" and a noun `prior` names, alone or as the end of a
    compound ("disse sentrene" after "Karrieresentrene og sentrene for voksnes læring")."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", prior)]
    return any(any(w.endswith(noun.lower()) for w in words) for noun in _THESE_NOUN.findall(text))


def _describes_group(question: QuestionInfo, text: str) -> bool:
    """Whether `text` goes on by "they" about the group whose role the question asks (not a
    person's role: the "han" after a named person is often someone else)."""
    return asks_role(question.text) and asks_role_of(question.text) is None and bool(_THEY.match(text))


def _role_goes_on(
    question: QuestionInfo, scored: Sequence[ScoredSentence], named: ScoredSentence, they: ScoredSentence
) -> ScoredSentence | None:
    """A group's role goes on past "they" to what is built around it ("Karrieresentrene … blir også
    viktige. De har et nettverk … . Fylkeskommunen skal bygge opp møteplasser … i tilknytning til
    disse sentrene."): the sentence after `they` when it names `named`'s group again by "these" and
    its noun, for a question about the role of a group, not of a person."""
    if not _describes_group(question, they.text):
        return None
    beyond = _beside(scored, they, after=True)
    if beyond is None or beyond.heading or carries_links(beyond) or not _names_again(named.text, beyond.text):
        return None
    return beyond


def _carries_on_colon(prior: str, text: str) -> bool:
    """Whether `text` opens as the clause after `prior`'s colon does: more of what it announced."""
    return ": " in prior and opens_in_parallel(prior.rsplit(": ", 1)[-1], text)


def _continues_list(text: str) -> bool:
    """Whether a sentence goes on with the list the one before it is part of: by adding to it, or
    with examples of it ("Dette kan for eksempel være …", "These include, for example, …")."""
    return bool(_ADDS_ON.match(text)) or bool(_REFERS_BACK.match(text) and _GIVES_EXAMPLES.search(text))


# How many sentences beyond the one after the best a list's lead-in may run on (bullets aside).
_FURTHER_STEPS = 2
# A bulleted item: a dash, a bullet or an asterisk and a space.
_BULLET = re.compile(r"\s*[-–•*▪]\s")


def _goes_on(question: QuestionInfo, prior: ScoredSentence, following: ScoredSentence) -> bool:
    """Does `following`, the sentence after `prior`, complete the answer `prior` gives?"""
    text, plan = following.text, question.plan
    # A list or an explanation whose next sentence goes on about it ("Dette kan for eksempel være
    # …", "These include …"): the items or the reason are there.
    if plan != "fact" and _REFERS_BACK.match(text):
        return True
    # A reason given about the subject by a pronoun, and what the means achieve ("Slik styrker vi …").
    if plan == "why" and (_PERSON_BACK.match(text) or _MEANS_BEFORE.match(text)):
        return True
    # The role of a group or a body is described after the sentence that names it, by "they"
    # ("Karrieresentrene … blir også viktige. De har et nettverk …"): that sentence only says it
    # matters. A named person's role stands beside the name, and the "han" of the next sentence is
    # often someone else (NorQuAD validation: "Programdirektør …, Morten Klever, … Han får støtte").
    if _describes_group(question, text):
        return True
    # The next step of a process: asked for ("Etter at …, hva …") or part of how it is done.
    if (plan == "how" or _ASKS_AFTER.search(question.text)) and _NEXT_STEP.match(text):
        return True
    # A slide's bullets, flattened into one unpunctuated run of names after their lead-in
    # ("Prosjekter koblet med … forskningsprosjekt. Kunnskapsaksen Byromsstrategi Bycampus"), are
    # the list's items; a lead-in that names what the items are ("Virkemidler ... skal partene
    # utvikle") is often followed by the items themselves, introduced as examples or after a colon.
    return plan == "list" and (_reads_as_items(text) or _lists_items(prior.text, text))


# A line of a list under a heading is short; a sentence of prose is longer.
_ITEM_LINE_WORDS = 8


def _short_lines(*sentences: ScoredSentence) -> bool:
    """Whether every one of the sentences is a short line (a list's item, not prose)."""
    return all(len(s.text.split()) <= _ITEM_LINE_WORDS for s in sentences)


def _lists_items(best: str, following: str) -> bool:
    """`following` gives the items `best` leads into: `best` ends in a colon, or `following` opens
    as examples ("Eksempler på virkemidler vil være ...") or enumerates after a colon."""
    after_colon = following.partition(":")[2]
    enumerates = after_colon.count(",") + len(re.findall(r"\s(?:og|and|och|und)\s", after_colon)) >= 2
    return best.rstrip().endswith(":") or bool(_EXAMPLES.match(following)) or enumerates


def _reads_as_items(text: str) -> bool:
    """An unpunctuated run of mostly capitalised words: items, not a sentence."""
    words = re.findall(r"[^\W\d_][\w-]*", text)
    names = sum(w[0].isupper() for w in words[1:])
    return not re.search(r"[.!?:;]\W*$", text) and names >= 2 and names >= 0.4 * (len(words) - 1)


def _slide_section(
    scored: Sequence[ScoredSentence], best: ScoredSentence, text: str, question: str, reason: bool = False
) -> list[ScoredSentence]:
    """The rest of the slide `best` opens, when the slide's first word is its heading and names
    what the question asks about ("9 Mandat Etablere …" for "Hva går mandatet ut på?"), or, for a
    question asking why (`reason`), names the problem ("5 Utfordringen …"): a slide is one line
    after its number, and its points are the answer together."""
    first = _slide_title_word(text, best)
    if first is None:
        return []
    asked = {w[:5] for w in re.findall(r"\w+", question.lower()) if len(w) > 3}
    if first.lower()[:5] not in asked and not (reason and _CHALLENGE_TITLE.fullmatch(first)):
        return []
    line_end = text.find("\n", best.end)
    line_end = len(text) if line_end < 0 else line_end
    same = (s for s in scored if s.passage_index == best.passage_index and best.end <= s.start < line_end)
    return sorted(same, key=lambda s: s.start)


def _slide_title_word(text: str, sentence: ScoredSentence) -> str | None:
    """The first word of `sentence` when it opens a slide (its line starts with the slide's number)."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    first = re.match(r"[^\W\d_]+", sentence.text)
    if not re.fullmatch(r"\d{1,3} ", text[line_start : sentence.start]) or first is None:
        return None
    return first.group()


# A slide titled as the problem an initiative answers, or its background: its points say why.
# The title's words also find such a slide in the lexical index (`CHALLENGE_WORDS`).
_CHALLENGE_TITLE_WORDS = (
    "utfordring", "udfordring", "utmaning", "problem", "challenge", "herausforderung", "bakgrunn",
    "baggrund", "bakgrund", "background", "hintergrund",
)  # fmt: skip
_CHALLENGE_TITLE = re.compile(rf"(?:{'|'.join(_CHALLENGE_TITLE_WORDS)})\w*", re.I)
CHALLENGE_WORDS = " ".join(_CHALLENGE_TITLE_WORDS)
# A question that asks what problem something answers, whatever its plan ("What problems … do
# they point to?", "Vilket problem beskrivs?", "Kva er utfordringa i dag?").
_ASKS_PROBLEM = re.compile(
    r"\b(?:problem|utfordring|udfordring|utmaning|challenge|herausforderung|schwierigkeit)\w*", re.I
)


def asks_reason_of(question: QuestionInfo) -> bool:
    """Whether the question asks why, or what problem something answers."""
    return question.plan == "why" or bool(_ASKS_PROBLEM.search(question.text))


_CHALLENGE_LINE = re.compile(rf"^\d{{1,3}} {_CHALLENGE_TITLE.pattern}\b", re.I | re.M)


def holds_challenge_slide(text: str) -> bool:
    """Whether a passage holds a slide titled as the problem ("5 Utfordringen Fagfolk i …")."""
    return bool(_CHALLENGE_LINE.search(text))


def _challenge_slide(pool: Sequence[Passage], ranked: Sequence[ScoredSentence]) -> ScoredSentence | None:
    """The sentence that opens a slide titled as the problem ("5 Utfordringen Fagfolk i …") in the
    best sentence's document, when it has one: a deck gives its reasons there, in points that share
    few words with a question asking why."""
    source = pool[ranked[0].passage_index].source
    for s in ranked:
        passage = pool[s.passage_index]
        if passage.source != source or not s.grounded:
            continue
        first = _slide_title_word(passage.text, s)
        if first is not None and _CHALLENGE_TITLE.fullmatch(first):
            return s
    return None


# How many sentences after an answer to "why" its reason is looked for.
_REASON_REACH = 2


def _reason_after(scored: Sequence[ScoredSentence], best: ScoredSentence) -> ScoredSentence | None:
    """The first of the few sentences after `best` that gives a reason and points back at what
    came before ("Dette valget bygger på …", "De gjør det fordi …")."""
    tail = best
    for _ in range(_REASON_REACH):
        following = _beside(scored, tail, after=True)
        if following is None or following.heading or carries_links(following):
            return None
        refers = _REFERS_BACK.match(following.text) or _PERSON_BACK.match(following.text)
        if refers and states_reason(following.text):
            return following
        tail = following
    return None


def _beside(scored: Sequence[ScoredSentence], best: ScoredSentence, after: bool) -> ScoredSentence | None:
    """The sentence right after (or before) `best` in its passage, if there is one."""
    same = [s for s in scored if s.passage_index == best.passage_index]
    if after:
        return min((s for s in same if s.start >= best.end), key=lambda s: s.start, default=None)
    return max((s for s in same if s.end <= best.start), key=lambda s: s.start, default=None)


def _citations(pool: Sequence[Passage], chosen: Sequence[ScoredSentence]) -> list[Citation]:
    citations: list[Citation] = []
    numbers: dict[int, int] = {}
    for s in chosen:
        n = numbers.setdefault(s.passage_index, len(numbers) + 1)
        citations.append(
            Citation.from_quote(n, pool[s.passage_index], s.start, s.end, round(s.score, 4), s.heading)
        )
    return citations


def compose(
    question: QuestionInfo,
    passages: Sequence[Passage],
    query_vector: np.ndarray,
    vectors: SentenceVectorsFn,
    idf: IdfFn,
    max_passages: int,
    threshold: float | None = None,
    plan: Plan | None = None,
    reranker: RerankerModel | None = None,
    translator: WordTranslator | None = None,
) -> Composition:
    """Pick the sentences that answer `question` from the top `max_passages` passages, or abstain."""
    refine = RERANKED_REFINE if reranker is not None else SELECTOR_REFINE
    features = sentence_features(
        question, passages, query_vector, vectors, idf, max_passages, refine, translator=translator
    )
    pool = list(passages[:max_passages])
    covered = coverage(question, pool, idf)
    result = select(question, pool, features, threshold, plan, covered=covered, reranker=reranker)
    if (
        result.abstained
        and question.kind in _NUMBER_KINDS
        and not any(f.typed for f in features)
        and len(passages) > max_passages
    ):
        # No sentence of the top passages holds a number at all, so none can say how much or
        # how many: the number may be in the next passages ("Vores strategi er fokuseret om fire
        # mål" was fifth for "Hvor mange mål ...?"). The abstainer still decides on them.
        wider = max_passages + MORE_PASSAGES
        # Anew over the wider pool: ranks and gaps are relative to every candidate.
        features = sentence_features(
            question, passages, query_vector, vectors, idf, wider, refine, translator=translator
        )
        pool = list(passages[:wider])
        covered = coverage(question, pool, idf)
        further = select(question, pool, features, threshold, plan, covered=covered, reranker=reranker)
        # A number there must be in a sentence that shares a word with the question: "Vores
        # strategi er fokuseret om fire mål" counts goals, not the students "Hvor mange
        # studerende …?" asks about.
        if not further.abstained and further.sentences[0].lexical > 0:
            result = further
    return result
