"""The answer's wording: the direct answer first, then the verbatim quotes, in the asker's language.

A fact question ("how much", "when", "which ministry", "who") leads with the short span that
answers it, taken verbatim from the best quoted sentence ("Svar: 6,3 millioner kroner [1]"); a
list question gets one item per line; everything else reads "The documents say: «…» [1]".
Only the frame is in the question's language; quotes stay as the documents wrote them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from assistant.messages import message, quote_marks
from assistant.question import uncounted_money
from assistant.types import Citation
from assistant.verify import strip_unsafe
from ingest.extract import find_amounts
from vectorstore.lexical import analyze

__all__ = ["answer_text", "direct_span", "missing_detail_text"]

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# A share ("30 prosent") is an amount too, though no sum of money.
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|prosent|procent|percent)", re.I)
_MONTHS = (
    r"januar|februar|mars|marts|april|mai|maj|juni|juli|august|september|oktober|november|"
    r"desember|december|january|february|march|may|june|july|october"
)
_NUMBER_WORD = (
    r"\b(?:en|ett|et|ei|ein|eitt|to|två|tre|fire|fyra|fem|seks|sex|sju|syv|åtte|otte|åtta|ni|nio|ti|tio|"
    r"one|two|three|four|five|six|ten)\b"
)
_TIME = re.compile(
    rf"\b\d{{1,2}}\.\s*(?:{_MONTHS})(?:\s+\d{{4}})?|\b(?:{_MONTHS})\s+\d{{4}}\b|"
    rf"(?:{_NUMBER_WORD}|\b\d+)\s*(?:-\s*)?(?:år(?:s|ig)?|måneder|månader|måneders|uker|veker|uger|years?|months?|weeks?)\b|"
    r"\b(?:1\d|20)\d{2}(?:\s*[-–]\s*(?:1\d|20)?\d{2})?(?:-(?:tallet|talet|talls?))?\b",
    re.I,
)
# A count is a number, in digits or words; "en/et/ei/one" are left out, being articles far more
# often than counts ("en av", "et gedigent verk").
_COUNT = re.compile(
    r"(?<![\w.,])\d+(?:[ .,]\d{3})*(?:,\d+)?(?![\w.,]\d)|"
    r"\b(?:to|två|tre|fire|fyra|fem|seks|sex|sju|syv|åtte|otte|åtta|ni|nio|ti|tio|elleve|tolv|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
    re.I,
)
# "Hvor mange spillere ...": the noun a count question counts.
_COUNTED = re.compile(
    r"\b(?:hvor mange|kor mange|hur många|how many|wie viele)\s+(?:\w+\s+)??([^\W\d_]{3,})", re.I
)
# "N av M" / "N of M": a part of a whole.
_PART_OF = re.compile(r"\s+(?:av|af|of|von)\s+(?:\d+(?:[ .,]\d{3})*|[^\W\d_]+)", re.I)
# A question asking how long, not when: a duration ("fire år") answers it.
_DURATION_ASKED = re.compile(
    r"\b(?:hvor|kor|hur) (?:lenge|lang|länge|lång)\b|\bhow long\b|\bwie lange?\b", re.I
)
# A question asking for the year: a four-digit year answers it, not a day or a month.
_YEAR_ASKED = re.compile(r"\b(?:hvilket|vilket|kva|which|what|welchem) (?:år|year|jahr)\b|\bårstall", re.I)
_YEAR = re.compile(r"\b(?:1\d|20)\d{2}\b")
_SINCE = re.compile(r"\s*(?:siden|sedan|ago)\b", re.I)
# "Hvem er Kevin Yam?": asks what someone is, which no name answers.
_WHO_IS_NAME = re.compile(
    r"^\W*(?i:hvem|kven|vem|who|wer) (?:er|var|är|is|was|ist|war) (?:[A-ZÆØÅ][\w.-]*\s*)+\W*$"
)
# An institution or organisation: an acronym, or a capitalised name, possibly of several words
# joined by "og/i/for/and/of" ("Høgskolen i Innlandet", "Kommunal- og moderniseringsdepartementet").
# A name after a preposition of place is a place ("på Samoa", "i Åsane").
_PLACED = re.compile(r"\b(?:i|på|ved|nær|in|at|near|vid|im|bei)\s+$", re.I)
_NAME = re.compile(
    r"\b[A-ZÆØÅ]{2,}\b(?:\s+\d+(?:\.\d+)?)?|"
    r"\b[A-ZÆØÅ][\wæøå]*-?(?:\s+(?:og|i|for|and|of|&)\s+[\wæøå]+|\s+[A-ZÆØÅ][\wæøå-]*)*"
)


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


def _name_words(text: str) -> set[str]:
    """A name's words as the question may write them: without accents or a genitive "s"
    ("Théâtre" / "Theatre", "Norges" / "Norge", "IIs" / "II")."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return {w[:-1] if len(w) > 2 and w.endswith("s") else w for w in _words(folded)}


def direct_span(kind: str, sentence: str, question: str) -> str:
    """The short span of `sentence` that answers a question of this answer type, or "".

    Only types whose answer has a recognisable shape: an amount, a time, a count, or for "which
    organisation" and "who" a name the question does not contain already. A number the question
    gives (its year, its "3.0") is never the answer; no span is better than a wrong one, since
    the lead is read first.
    """
    asked = {w.lower() for w in re.findall(r"\w+", question)}
    given = set(_NUMBER.findall(question))
    if kind == "amount":  # a sum of money as ingest's funding extraction reads it
        money = [
            _qualified(sentence, m[0], m[2])
            for m in find_amounts(sentence, "nb")
            if not _words(m[2]) <= asked and not set(_NUMBER.findall(m[2])) & given
        ]
        if money:
            return money[0]
        return _first_new(_PERCENT, sentence, asked)
    if kind == "count":
        return _count_span(sentence, question, asked)
    if kind == "time":
        return _time_span(sentence, question, asked)
    if kind in ("org", "person", "name"):
        if kind == "person" and _WHO_IS_NAME.match(question.strip()):
            return ""
        names = []
        named = _name_words(question)
        for match in _NAME.finditer(sentence):
            span = match.group().strip(" ,.-")
            if match.start() == 0 and " " not in span:
                continue  # a sentence's first word is capitalised anyway
            if span and not _words(span) <= asked and len(span) > 1:
                names.append((span, _PLACED.search(sentence[: match.start()]) is not None))
        # One clear name is an answer; several are better read in the quote itself. A place is no
        # answer to "who" ("Hvem får man kontakt med på nummeret …?" is not answered "Åsane"), nor
        # is the question's own name in another spelling ("Norges" for "Norge"). Such a name
        # still counts among the several: "Oslo Høyres helsepolitiker mener Ap …" does not lead
        # with "Ap" for "Hvem er helsepolitiker for Oslo Høyre?".
        if len(names) != 1 or (kind == "person" and names[0][1]) or _name_words(names[0][0]) <= named:
            return ""
        return names[0][0]
    return ""


# A number said as a bound or an estimate: "minst 48", "nærmere 23.000", "about 300". Not German
# "fast" (almost): in Norwegian and Danish it means fixed ("en fast sum").
_QUALIFIER = re.compile(
    r"(?:^|(?<=\s))(?:over|under|nærmere|nærmare|nesten|næsten|nästan|minst|mindst|"
    r"mer enn|meir enn|mere end|mer än|mindre enn|mindre end|mindre än|omkring|rundt|runt|cirka|ca\.|"
    r"om lag|drøyt|drygt|knapt|knap|snaut|opp mot|op mod|upp mot|bortimot|about|around|almost|nearly|"
    r"at least|more than|less than|fewer than|up to|roughly|approximately|some|etwa|mindestens|"
    r"über|mehr als|rund|knapp|ungefär|omtrent|tæt på)\s+$",
    re.I,
)


def _qualified(sentence: str, start: int, span: str) -> str:
    """`span` (which starts at `start` in `sentence`) with the bound or estimate said before it."""
    before = _QUALIFIER.search(sentence[:start])
    return before.group() + span if before else span


def _first_new(pattern: re.Pattern[str], sentence: str, asked: set[str]) -> str:
    for match in pattern.finditer(sentence):
        span = match.group().strip(" ,.")
        if span and not _words(span) <= asked:
            return span
    return ""


def _count_span(sentence: str, question: str, asked: set[str]) -> str:
    """A number the question does not give, with the word it counts; the one counting the
    question's noun ("Hvor mange mål" -> "fire mål") first. A year counts nothing."""
    counted = _COUNTED.search(question)
    noun = counted.group(1).lower()[:5] if counted else ""
    part_of = bool(re.search(r"\b(?:mange|många|many|viele) (?:av|af|of|von)\b", question, re.I))
    found: list[tuple[bool, str]] = []
    money = uncounted_money(sentence, question)
    for match in _COUNT.finditer(sentence):
        number = match.group()
        if number.lower() in asked or (_YEAR.fullmatch(number) and not noun):
            continue
        if any(start <= match.start() < end for start, end in money):
            continue  # a sum of money counts no years or businesses
        rest = sentence[match.end() :]
        if part_of and (share := _PART_OF.match(rest)):
            # "Hvor mange av ministrene ...": "Sju av 20" answers it.
            whole = share.group().split()[-1]  # "av 20", "av tre"; not "av de"
            meaningful = whole[0].isdigit() or bool(analyze(whole, "nb"))
            found.append((True, number + share.group() if meaningful else number))
            continue
        after = re.match(r"\s+([^\W\d_][\w-]*)", rest)
        word = after.group(1) if after else ""
        counts_noun = bool(noun) and word.lower().startswith(noun)
        if _YEAR.fullmatch(number) and not counts_noun:
            continue
        # The counted word completes the answer ("32 000 mann"); a verb or "til" does not.
        completes = counts_noun or (analyze(word, "nb") and word.islower())
        span = f"{number} {word}" if word and completes else number
        found.append((counts_noun, _qualified(sentence, match.start(), span)))
    if not found:
        return ""
    return max(found, key=lambda t: t[0])[1]


def _time_span(sentence: str, question: str, asked: set[str]) -> str:
    """A date or a year for "when", a duration for "how long" ("for to år siden" answers "when"
    too), the year first when the question asks for one."""
    duration_asked = bool(_DURATION_ASKED.search(question))
    found: list[tuple[str, int]] = []
    for match in _TIME.finditer(sentence):
        span = match.group().strip(" ,.")
        if not span or _words(span) <= asked:
            continue
        is_duration = not (_YEAR.search(span) or re.search(_MONTHS, span, re.I))
        if is_duration and not duration_asked and not _SINCE.match(sentence[match.end() :]):
            continue  # "47 år" (an age) or "to år" (a length) does not say when
        found.append((span, match.start()))
    if len({span for span, _ in found}) > 1:
        # Of several times, the one said beside the question's words: "Byen ble grunnlagt i 1624,
        # og den siste utvidelsen kom i 1980" for "Når var den siste utvidelsen …?".
        found = _nearest_first(found, sentence, question)
    spans = [span for span, _ in found]
    if _YEAR_ASKED.search(question):
        years = [y.group() for s in spans for y in [_YEAR.search(s)] if y]
        return years[0] if years else ""
    return spans[0] if spans else ""


def _nearest_first(found: list[tuple[str, int]], sentence: str, question: str) -> list[tuple[str, int]]:
    """`found` (span, offset) ordered by distance to the nearest word of `sentence` that shares a
    stem with the question; as it was when none does. Stable: of two as near, the earlier first."""
    stems = set(analyze(question, "nb"))
    at = [m.start() for m in re.finditer(r"\w+", sentence) if stems & set(analyze(m.group(), "nb"))]
    if not at:
        return found
    return sorted(found, key=lambda f: min(abs(f[1] - a) for a in at))


def _quote(citation: Citation, lang: str) -> str:
    left, right = quote_marks(lang)
    # The answer never repeats a document's link, image, markup or URI (a planted instruction's
    # payload); the citation keeps the exact quote, shown in its source.
    return f"{left}{strip_unsafe(citation.quote)[0].strip()}{right} [{citation.n}]"


def missing_detail_text(lang: str, citations: Sequence[Citation]) -> str:
    """The documents do not give the detail asked for; what they say closest to it."""
    return f"{message('missing_detail', lang)} {' '.join(_quote(c, lang) for c in citations)}"


def answer_text(
    lang: str, kind: str, plan: str, question: str, citations: Sequence[Citation], confident: bool
) -> str:
    """The whole answer text for the chosen `citations` (best first in score, shown in order); the
    direct answer leads only when the best sentence is `confident`, since a wrong lead misleads
    more than a missing one."""
    if plan == "list" and len(citations) > 1:
        lead, rest = citations[0], list(citations[1:])
        if lead.heading and not any(c.heading for c in rest):
            # A slide's title over the items ("Tematiske hovedområder") says what they are; as a
            # bullet it would read as one of them.
            intro = message("list_under", lang, heading=_quote(lead, lang))
        else:
            intro, rest = message("list_intro", lang), list(citations)
        items = "\n".join(f"• {_quote(c, lang)}" for c in rest)
        return f"{intro}\n{items}"
    quotes = " ".join(_quote(c, lang) for c in citations)
    best = max(citations, key=lambda c: c.score)
    span = direct_span(kind, best.quote, question) if confident else ""
    if span and len(span) < len(best.quote) * 0.8:
        return f"{message('direct_answer', lang)} {span} [{best.n}]\n{message('answer_intro', lang)} {quotes}"
    return f"{message('answer_intro', lang)} {quotes}"
