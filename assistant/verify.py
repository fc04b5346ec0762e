"""Check a generated answer sentence by sentence before anyone sees it.

A language model can cite a passage it was never given, state a number the passage does not hold,
or be steered by a document into writing a link or an image that leaks the conversation to another
server when the page renders it. So every sentence of its reply is checked against the passages
the model was given:

- outside links, markdown images, HTML and data URIs are removed (the link text may stay);
- each [n] must name one of the numbered passages; others are removed;
- the sentence must be supported by a passage it cites: dense cosine between the sentence and the
  passage's best sentence plus a weighted share of its content words found there, at or above a
  threshold calibrated by `benchmarks/calibrate_support.py`;
- every number in it (digits, or a number word such as "fire") must occur in a cited passage.

>>> verifier = Verifier(passages, "nb", embed_claims, passage_vectors, threshold=0.85)
>>> check = verifier.check("Ordningen får til sammen 6,3 millioner kroner [1].")
>>> check.supported, check.cited, check.problems
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.glossary import GLOSSARY_LANGS, counterparts
from assistant.types import Passage, SentenceCheck
from ingest.chunking import AnswerSentence, answer_sentences
from ingest.sentences import sentence_spans
from vectorstore.lexical import analyze

__all__ = [
    "PassageVectorsFn",
    "Verifier",
    "cited_numbers",
    "lexical_support",
    "numbers_in",
    "split_sentences",
    "strip_unsafe",
    "unsupported_numbers",
]

EmbedFn = Callable[[list[str]], np.ndarray]
# Vectors (one row per sentence, unit length) of a passage's quotable sentences.
PassageVectorsFn = Callable[[Passage, list[AnswerSentence]], np.ndarray]

# ------------------------------------------------------------------------------ unsafe content

_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)?")
_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\((?:[^)]*)\)?")
_MD_REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_HTML_TAG = re.compile(r"</?[A-Za-z!][^>]*>?")
_URL = re.compile(r"(?:\b(?:https?|ftp|file|javascript|data):|\bwww\.)[^\s<>()\]]*", re.IGNORECASE)
_AUTOLINK = re.compile(r"<(?:https?|mailto|ftp):[^>]*>?", re.IGNORECASE)
_LEFTOVER = re.compile(r"!\[|\]\(\)?")


def strip_unsafe(text: str) -> tuple[str, bool]:
    """`text` without outside links, images, HTML or URIs; True when anything was removed.

    A markdown image or a link would make the reader's browser (or a later renderer) fetch a URL
    the model chose, which is how a prompt injected into a document exfiltrates the conversation.
    """
    cleaned = _MD_IMAGE.sub("", text)
    cleaned = _MD_REF_DEF.sub("", cleaned)
    cleaned = _AUTOLINK.sub("", cleaned)
    cleaned = _MD_LINK.sub(lambda m: m.group(1) if not _URL.search(m.group(1)) else "", cleaned)
    cleaned = _HTML_TAG.sub("", cleaned)
    cleaned = _URL.sub("", cleaned)
    cleaned = _LEFTOVER.sub("", cleaned)
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned)
    return cleaned, cleaned != text


# ------------------------------------------------------------------------------ sentences, citations

_CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_LEADING_CITATIONS = re.compile(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+[.!?]?")
_LIST_MARK = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")


def split_sentences(text: str) -> list[str]:
    """The sentences of a model's reply, each with the [n] markers that follow it.

    "… i 2022. [1] Neste …" gives "… i 2022. [1]": a marker after the full stop still belongs
    to the sentence before it. List markers at line starts are dropped.
    """
    sentences: list[str] = []
    for start, end in sentence_spans(text):
        piece = text[start:end].strip()
        lead = _LEADING_CITATIONS.match(piece)
        if lead and sentences:
            sentences[-1] = f"{sentences[-1]} {lead.group().strip()}"
            piece = piece[lead.end() :].strip()
        piece = _LIST_MARK.sub("", piece).strip()
        if piece and re.search(r"\w", _CITATION.sub("", piece)):
            sentences.append(piece)
        elif piece and sentences:
            sentences[-1] = f"{sentences[-1]} {piece}"
    return sentences


def cited_numbers(sentence: str) -> list[int]:
    """Every passage number the sentence cites, in order, without repeats."""
    found: list[int] = []
    for match in _CITATION.finditer(sentence):
        found += [int(n) for n in re.split(r"\s*[,;]\s*", match.group(1))]
    return list(dict.fromkeys(found))


def _keep_citations(sentence: str, valid: set[int]) -> str:
    """The sentence with markers that name no given passage removed."""

    def keep(match: re.Match[str]) -> str:
        kept = [n for n in re.split(r"\s*[,;]\s*", match.group(1)) if int(n) in valid]
        return f"[{', '.join(kept)}]" if kept else ""

    text = _CITATION.sub(keep, sentence)
    return re.sub(r"\s+([.!?,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()


def _without_citations(sentence: str) -> str:
    return _CITATION.sub(" ", sentence)


# ------------------------------------------------------------------------------ numbers

# Number words by language; "en/et/ei/ett/one" are left out (articles and pronouns, not counts),
# and so is English "to". Only whole words count.
_NUMBER_WORDS: dict[str, dict[str, float]] = {
    "nb": {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9,
           "ti": 10, "elleve": 11, "tolv": 12, "femten": 15, "tjue": 20, "tretti": 30, "hundre": 100,
           "tusen": 1000, "to tredjedeler": 2 / 3},
    "nn": {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "åtte": 8, "ni": 9, "ti": 10,
           "elleve": 11, "tolv": 12, "femten": 15, "tjue": 20, "tretti": 30, "hundre": 100, "tusen": 1000},
    "da": {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10,
           "elleve": 11, "tolv": 12, "femten": 15, "tyve": 20, "hundrede": 100, "tusind": 1000},
    "sv": {"två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10,
           "elva": 11, "tolv": 12, "femton": 15, "tjugo": 20, "hundra": 100, "tusen": 1000},
    "en": {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
           "hundred": 100, "thousand": 1000},
}  # fmt: skip
_SCALES = (
    (re.compile(r"\s*(?:millioner|million(?:s|er)?|mill\.?|mio\.?)\b", re.I), 1e6),
    (re.compile(r"\s*(?:milliarder|milliard(?:er)?|billions?|mrd\.?)\b", re.I), 1e9),
    (re.compile(r"\s*(?:tusen|tusind|thousand)\b", re.I), 1e3),
)
_DIGITS = re.compile(r"(?<![\w,.])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])|\d+(?:[.,]\d+)*")


def _readings(token: str) -> set[float]:
    """Every value a written number can mean: "1.000" is a thousand in nb/da, one in en."""
    token = re.sub(r"[ \u00a0\u202f]", "", token).rstrip(".,")
    values: set[float] = set()
    plain = token.replace(",", "").replace(".", "")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        values.add(float(plain))  # grouped thousands
    if token.count(",") + token.count(".") == 1:
        values.add(float(token.replace(",", ".")))  # one decimal separator
    if not re.search(r"[.,]", token):
        values.add(float(token))
    return values


def numbers_in(text: str, langs: Sequence[str]) -> list[set[float]]:
    """Each number in `text` as the set of values it may denote (scaled by "millioner" etc.)."""
    text = _without_citations(text)
    found: list[set[float]] = []
    for match in _DIGITS.finditer(text):
        values = _readings(match.group())
        for pattern, factor in _SCALES:
            if pattern.match(text, match.end()):
                values |= {round(v * factor, 3) for v in values}
        if values:
            found.append(values)
    lowered = text.lower()
    for lang in dict.fromkeys(langs):
        for word, value in _NUMBER_WORDS.get(lang, {}).items():
            for match in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered):
                values = {float(value)}
                for pattern, factor in _SCALES:
                    if pattern.match(lowered, match.end()):
                        values.add(round(value * factor, 3))
                found.append(values)
    return found


def unsupported_numbers(sentence: str, sources: Sequence[Passage], lang: str) -> list[str]:
    """The numbers of `sentence` (as written) that no cited passage holds, in any reading."""
    available: set[float] = set()
    for p in sources:
        for values in numbers_in(p.text, [p.lang, lang]):
            available |= values
    missing: list[str] = []
    plain = _without_citations(sentence)
    for match in _DIGITS.finditer(plain):
        values = _readings(match.group())
        for pattern, factor in _SCALES:
            if pattern.match(plain, match.end()):
                values |= {round(v * factor, 3) for v in values}
        if values and not values & available:
            missing.append(match.group())
    lowered = plain.lower()
    for word, value in _NUMBER_WORDS.get(lang, {}).items():
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", lowered) and float(value) not in available:
            missing.append(word)
    return missing


# ------------------------------------------------------------------------------ support


def _stems(text: str, langs: Sequence[str]) -> set[str]:
    terms: set[str] = set()
    for lang in langs:
        terms.update(analyze(text, lang))
    return terms


def lexical_support(claim: str, sentence: str, claim_lang: str, source_lang: str) -> float:
    """Share of the claim's content words (numbers aside) found in `sentence`, stemmed in both
    languages; an English word also counts through its Scandinavian glossary counterparts."""
    langs = list(dict.fromkeys([claim_lang, source_lang]))
    target = _stems(sentence, langs)
    words = [w for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", _without_citations(claim))]
    concepts: list[set[str]] = []
    for word in dict.fromkeys(w.lower() for w in words):
        stems = _stems(word, langs) if analyze(word, claim_lang) else set()
        if stems and claim_lang in GLOSSARY_LANGS:
            stems |= _stems(counterparts(word), langs)
        if stems:
            concepts.append(stems)
    if not concepts:
        return 0.0
    return sum(1 for stems in concepts if stems & target) / len(concepts)


@dataclass(frozen=True)
class _Candidate:
    passage_number: int
    sentence: AnswerSentence
    vector: np.ndarray


class Verifier:
    """Checks sentences against the numbered passages a model was given (1-based, in order)."""

    def __init__(
        self,
        passages: Sequence[Passage],
        lang: str,
        embed_claims: EmbedFn,
        passage_vectors: PassageVectorsFn,
        threshold: float,
        lexical_weight: float = 0.0,
    ) -> None:
        self.passages = list(passages)
        self.lang = lang
        self.embed_claims = embed_claims
        self.passage_vectors = passage_vectors
        self.threshold = threshold
        self.lexical_weight = lexical_weight
        self._candidates: dict[int, list[_Candidate]] = {}
        self._claims: dict[str, np.ndarray] = {}  # a claim is scored again to pick its quote

    def _sentences(self, n: int) -> list[_Candidate]:
        if n not in self._candidates:
            passage = self.passages[n - 1]
            sentences = answer_sentences(passage.text, passage.section, passage.title) or [
                AnswerSentence(0, len(passage.text), passage.text, passage.text)
            ]
            vectors = self.passage_vectors(passage, sentences)
            self._candidates[n] = [_Candidate(n, s, v) for s, v in zip(sentences, vectors, strict=True)]
        return self._candidates[n]

    def support(self, claim: str, cited: Sequence[int]) -> tuple[float, _Candidate | None]:
        """The best score of `claim` against the sentences of the passages it cites."""
        candidates = [c for n in cited for c in self._sentences(n)]
        if not candidates:
            return 0.0, None
        key = _without_citations(claim).strip()
        if key not in self._claims:
            self._claims[key] = np.asarray(self.embed_claims([key])[0], dtype=np.float32)
        vector = self._claims[key]
        best: tuple[float, _Candidate | None] = (float("-inf"), None)
        for c in candidates:
            lexical = lexical_support(
                claim, c.sentence.text, self.lang, self.passages[c.passage_number - 1].lang
            )
            score = float(c.vector @ vector) + self.lexical_weight * lexical
            if score > best[0]:
                best = (score, c)
        return best

    def best_quote(self, claim: str, n: int) -> AnswerSentence:
        """The sentence of passage `n` that supports `claim` best (what the sources panel marks)."""
        _, best = self.support(claim, [n])
        return best.sentence if best else self._sentences(n)[0].sentence

    def check(self, sentence: str) -> SentenceCheck:
        """Verify one sentence of the reply; the returned text is safe to show."""
        problems: list[str] = []
        text, removed = strip_unsafe(sentence)
        if removed:
            problems.append("link_removed")
        written = cited_numbers(text)
        valid = [n for n in written if 1 <= n <= len(self.passages)]
        if len(valid) < len(written):
            problems.append("citation_out_of_range")
        text = _keep_citations(text, set(valid))
        if not valid:
            problems.append("no_citation")
            return SentenceCheck(text, [], False, 0.0, problems, len(written))
        score, _ = self.support(text, valid)
        if score < self.threshold:
            problems.append("unsupported")
        if unsupported_numbers(text, [self.passages[n - 1] for n in valid], self.lang):
            problems.append("number_not_in_source")
        supported = not {"unsupported", "number_not_in_source"} & set(problems)
        return SentenceCheck(text, valid, supported, round(score, 4), problems, len(written))
