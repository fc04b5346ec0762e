"""Cut a cleaned document into passages that follow its headings and paragraphs.

Every chunk is one contiguous span of the cleaned text, so `text[char_start:char_end]` is exactly
the chunk and any quote inside it maps back to the document. Chunks close at a section heading when
they are big enough, never in the middle of a sentence, and when a long section has to be cut, the
next chunk repeats the last sentence of the previous one (a small overlap that keeps a fact and its
context together).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from ingest.sentences import sentence_spans

__all__ = [
    "AnswerSentence",
    "Chunk",
    "ChunkingConfig",
    "answer_sentences",
    "chunk_text",
    "is_heading_line",
    "make_chunk_id",
]


@dataclass(frozen=True)
class ChunkingConfig:
    """Passage size in words: most chunks land between `min_words` and `max_words`."""

    max_words: int = 220
    min_words: int = 80
    overlap_max_words: int = 40
    # A chunk below min_words may grow to this to avoid a fragment (stays under e5's 512 tokens).
    hard_max_words: int = 300


@dataclass(frozen=True)
class Chunk:
    """A passage of a cleaned document, with its place in that document."""

    chunk_id: str
    position: int
    char_start: int
    char_end: int
    text: str
    section: str


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    words: int
    heading: bool


def make_chunk_id(source: str, position: int, text: str) -> str:
    """Deterministic id from source, position and text, so re-ingesting unchanged text is a no-op."""
    source_key = hashlib.sha1(source.encode("utf-8")).hexdigest()[:10]
    text_key = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return f"{source_key}-{position:04d}-{text_key}"


def _words(text: str) -> int:
    return len(text.split())


def is_heading_line(line: str) -> bool:
    """A short line without closing punctuation that starts with a capital or a number."""
    stripped = line.strip()
    return (
        0 < _words(stripped) <= 12
        and not stripped.endswith((".", ",", ";", ":", "!"))
        and not stripped.startswith("- ")
        and "(Foto:" not in stripped
        and (stripped[0].isupper() or stripped[0].isdigit())
    )


_CAPTION_END = re.compile(r"\(Foto: [^()]*\)\s*$")
# A web page's signpost to itself ("Her finder du vores uddannelsesstrategi for Herning Kommune.",
# "Here you will find ...") says where the reader is, not what the document says: page furniture,
# like a caption, and as a line naming the document it outscored the sentences that answer.
_SIGNPOST = re.compile(
    r"^\W*(?:(?:her|här|here|hier)"
    r"|(?:on this page|på denne sid[ae]n?|på den här sidan|auf dieser seite),?)\s+"
    r"(?:(?:finder|finner|finn|hittar) du|you(?: can| will|'ll)? find|finden sie"
    r"|kan du (?:finne|finde|hitta)|können sie)\b",
    re.I,
)


@dataclass(frozen=True)
class AnswerSentence:
    """A sentence of a passage that an answer may quote: `text == passage[start:end]`.

    `embed_text` is what gets embedded: the sentence under its nearest heading, so
    "Samarbeidspartnere" tells the model what "Innlandet samarbeider med Tretorget ..." is about.
    """

    start: int
    end: int
    text: str
    embed_text: str
    # A heading line with its body after it ("Universitetskommune 3.0 Tematiske hovedområder"): it
    # names a topic and may lead into a list's items, but answers nothing on its own. So does a
    # line of page furniture standing alone at the passage's end (an image's alt text).
    heading: bool = False


def answer_sentences(passage: str, section: str = "", title: str = "") -> list[AnswerSentence]:
    """The quotable sentences (three words or more) of a passage, in order.

    Ingest embeds exactly these and answer composition looks them up by span, so both sides
    must come from this one function, with the same document `title`.
    """
    found: list[AnswerSentence] = []
    numbered = _numbered_lines(passage)
    for start, end in _slide_units(passage, sentence_spans(passage), title):
        text = passage[start:end]
        # A photo caption (cleaning closes it with its credit) repeats or labels a picture: it is
        # never the answer, and as a short name-rich line it would often outscore the sentence.
        # A credit that opens a sentence ("(Foto: X) Poupard, sjef for ...") is the text's own.
        if _words(text) < 3 or _CAPTION_END.search(text) or _SIGNPOST.match(text):
            continue
        heading = _heading_before(passage, start, section)
        embed_text = f"{heading}: {text}" if heading and heading != text else text
        heads = not _in_slide_body(passage, start, numbered) and (
            _is_heading(passage, start, end) or _trailing_line(passage, start, end)
        )
        found.append(AnswerSentence(start, end, text, embed_text, heads))
    return found


_LABEL = re.compile(r"\w:\s+\w")


def _is_heading(passage: str, start: int, end: int) -> bool:
    """Whether `passage[start:end]` is a whole heading line (after a slide's number) with text
    below it. A "label: value" line ("Klubb: Heming") states a fact and is no heading."""
    line_start = passage.rfind("\n", 0, start) + 1
    line_end = passage.find("\n", end)
    line_end = len(passage) if line_end < 0 else line_end
    text, before = passage[start:end], passage[line_start:start].strip()
    return (
        (not before or before.isdigit())
        and not passage[end:line_end].strip()
        and bool(passage[line_end:].strip())
        and is_heading_line(text)
        and not _LABEL.search(text)
    )


def _in_slide_body(passage: str, start: int, numbered: set[int]) -> bool:
    """Whether `start` is on a line of a slide's body: below its numbered title line ("6
    Universitetskommune 3.0 Tematiske hovedområder"), with no blank line between. A short body line
    ("Byutvikling Helse og velferd Oppvekst og utdanning …", the areas the title names) has a
    heading's shape, but it is what the slide says."""
    line_start = passage.rfind("\n", 0, start) + 1
    while line_start > 0:
        line_start = passage.rfind("\n", 0, line_start - 1) + 1
        line = passage[line_start : passage.find("\n", line_start)]
        if not line.strip():
            return False
        if line_start in numbered:
            return True
    return False


def _trailing_line(passage: str, start: int, end: int) -> bool:
    """Whether `passage[start:end]` is a short unpunctuated line standing alone at the passage's
    end, after a blank line: a web page's last lines are its furniture ("Siluett av Hamar kommune",
    an image's alt text; "Annonser fra Google"), and a heading there has its text elsewhere."""
    line_start = passage.rfind("\n", 0, start) + 1
    return (
        not passage[end:].strip()
        and not passage[line_start:start].strip()
        and line_start > 0
        and not passage[: line_start - 1].rsplit("\n", 1)[-1].strip()
        and is_heading_line(passage[start:end])
    )


# Slide text flattened into one line has no sentence punctuation: its bullets run together
# ("... innenfor avgrensede siloer og fagområder Med denne avtalen går partene ..."). A capitalised
# word right after a lower-case one starts a new bullet there, unless a preposition or conjunction
# leads into it (a name: "samarbeid med NTNU", "i Trondheim") or it is an acronym.
_LONG_UNPUNCTUATED = 30
_LONG_BULLET = 45
_SLIDE_NUMBER = re.compile(r"\d{1,3} (?=[A-ZÆØÅ][a-zæøå])")
# Any number that opens a line, when a line next to it in the numbering opens as a slide does
# ("6 Universitetskommune …", "7 3.0 - omfang …", "8 Mål …"): a slide's number, whatever follows.
# Not a number's thousands ("36 500 kroner", in a table of yearly amounts).
_LINE_NUMBER = re.compile(r"(\d{1,3}) (?=\S)(?!\d{3}(?!\d))")
_LEADS_INTO_NAME = {
    "i", "in", "og", "and", "med", "with", "for", "til", "to", "av", "of", "på", "om", "fra", "frå",
    "mot", "ved", "hos", "mellom", "samt", "eller", "or", "the", "by", "at", "kommune", "-", "–",
}  # fmt: skip
_BULLET_START = re.compile(r"(?<=[\wæøåÆØÅ)]) (?=[A-ZÆØÅ][a-zæøå])")


def _slide_units(text: str, spans: list[tuple[int, int]], title: str = "") -> list[tuple[int, int]]:
    """Sentence spans, with a long unpunctuated run (a flattened slide) cut at its bullets and
    its leading slide number and running header left out; prose passes through unchanged."""
    units: list[tuple[int, int]] = []
    # A capitalised word that the text also writes in lower case starts a bullet ("Etablere",
    # "Med"); one it never writes in lower case is a name ("Hannibals", "Romas").
    lower_words = set(re.findall(r"\b[a-zæøå][\wæøå-]*", text))
    headers = _running_headers(text, title)
    numbered = _numbered_lines(text)
    for start, end in spans:
        body = text[start:end]
        at_line_start = start == 0 or text[start - 1] == "\n"
        number = _LINE_NUMBER.match(body) if start in numbered else _SLIDE_NUMBER.match(body)
        if at_line_start and number:
            start += number.end()  # a slide's number is no part of what it says
            body = text[start:end]
            # Nor is the deck's running header: "Universitetskommune 3.0 Universitetskommune tilfreds
            # ..." would match every question that names the project, whatever it asks.
            # A short slide line ("Universitetskommune 3.0 Tematiske hovedområder") is the slide's
            # heading and stays whole: a list question needs it as the lead-in to the items.
            header = next((h for h in headers if body.startswith(h + " ")), None)
            if header is not None and _words(body[len(header) :]) >= 3:
                start += len(header) + 1
                body = text[start:end]
        # Only a whole line without any sentence punctuation is a flattened slide; a long sentence
        # (even one the splitter cut at a quote or a colon) is prose.
        at_line_end = end == len(text) or text[end] == "\n"
        if (
            _words(body) < _LONG_UNPUNCTUATED
            or not at_line_end
            or not body[-1].isalnum()
            or re.search(r"[!?…]\s", body)
        ):
            # In a slide deck (numbered slides), bullets may end in a full stop or run on after
            # a sentence: "Oppvekst og utdanning, … mangfold og integrering Byutvikling, den
            # fysiske byen … Innovasjon og omstilling, kommunen som …". Three or more phrases,
            # each opened by a capitalised word between two in lower case, are cut as bullets.
            # Prose is never cut so: a name after a verb ("stenge Bispegata for …") has the shape.
            phrases = _bullets(text, start, end, None, phrase=True) if numbered else []
            units += phrases if _words(body) >= _LONG_UNPUNCTUATED and len(phrases) >= 3 else [(start, end)]
            continue
        for a, b in _bullets(text, start, end, lower_words):
            # A bullet still longer than a long sentence: its capitalised words start bullets too.
            units += _bullets(text, a, b, None) if _words(text[a:b]) > _LONG_BULLET else [(a, b)]
    return [(a, len(text[:b].rstrip())) for a, b in units if text[a:b].strip()]


def _numbered_lines(text: str) -> set[int]:
    """Offsets of the lines of `text` that open with a slide's number (see `_LINE_NUMBER`)."""
    found = {
        m.start(): int(m.group(1))
        for m in _LINE_NUMBER.finditer(text)
        if m.start() == 0 or text[m.start() - 1] == "\n"
    }
    # A neighbour must read as a slide (its number before a capitalised word): two lines may open
    # with neighbouring names ("331 skvadron", "332 skvadron").
    slides = {n for offset, n in found.items() if _SLIDE_NUMBER.match(text, offset)}
    return {offset for offset, n in found.items() if {n - 1, n + 1} & slides}


def _running_headers(text: str, title: str = "") -> list[str]:
    """The header a deck repeats on its slides, not what each slide says (longest first): two to
    four words that open two or more numbered slides of `text`, or that open the document's
    `title` (a passage may hold only one of the slides that repeat it)."""
    openings = [
        line[number.end() :].split()
        for line in text.split("\n")
        if (number := _SLIDE_NUMBER.match(line)) is not None
    ]
    counts = Counter(" ".join(words[:n]) for words in openings for n in range(2, min(4, len(words) - 1) + 1))
    title_words = title.split()
    headers = {phrase for phrase, count in counts.items() if count >= 2}
    headers |= {" ".join(title_words[:n]) for n in range(2, min(4, len(title_words)) + 1)}
    return sorted(headers, key=len, reverse=True)


_OPENS_PHRASE = re.compile(r"[A-ZÆØÅ][a-zæøå]+,?\s+[a-zæøå]")


def _bullets(
    text: str, start: int, end: int, lower_words: set[str] | None, phrase: bool = False
) -> list[tuple[int, int]]:
    """text[start:end] cut before each capitalised word that starts a bullet (with `lower_words`:
    only words the text also writes in lower case; with `phrase`: only before a word followed by
    one in lower case, as a bullet's phrase goes on and a title's capitalised words do not)."""
    cuts = [start]
    for match in _BULLET_START.finditer(text, start, end):
        previous = text[: match.start()].rsplit(None, 1)[-1]
        word = re.match(r"[\wæøåÆØÅ-]+", text[match.end() :])
        common = lower_words is None or (word is not None and word.group().lower() in lower_words)
        if phrase:  # between two phrases: after a word in lower case, before one
            common = previous.islower() and bool(_OPENS_PHRASE.match(text, match.end()))
        long_enough = _words(text[cuts[-1] : match.start()]) >= 3
        if common and previous.lower() not in _LEADS_INTO_NAME and long_enough:
            cuts.append(match.end())
    return list(zip(cuts, [*cuts[1:], end], strict=True))


def _heading_before(text: str, position: int, fallback: str) -> str:
    """The nearest heading line above `position` inside the passage (else the chunk's section)."""
    for line in reversed(text[:position].split("\n")):
        if line.strip() and is_heading_line(line):
            return line.strip()
    return fallback


def _units(text: str, config: ChunkingConfig) -> list[_Unit]:
    """Lines of the document (headings flagged), long lines split into sentence groups."""
    units: list[_Unit] = []
    for match in re.finditer(r"[^\n]+", text):
        line_start, line_end = match.span()
        line = match.group()
        if not line.strip():
            continue
        next_char = text[line_end + 1 : line_end + 2]
        heading = is_heading_line(line) and next_char != ""
        words = _words(line)
        if words <= config.max_words:
            units.append(_Unit(line_start, line_end, words, heading))
            continue
        # Balanced groups: a 330-word line becomes two of ~165 words, not 220 + 110.
        target = -(-words // -(-words // config.max_words))
        group_start, group_words = line_start, 0
        for s_start, s_end in _bounded_sentences(text, line_start, line_end, config.max_words):
            w = _words(text[s_start:s_end])
            if group_words and group_words + w > target + config.overlap_max_words // 2:
                units.append(_Unit(group_start, s_start, group_words, False))
                group_start, group_words = s_start, 0
            group_words += w
        units.append(_Unit(group_start, line_end, group_words, False))
    return units


_WORD_RUN = re.compile(r"\S+")


def _bounded_sentences(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Sentence spans, with a sentence over `max_words` (unpunctuated slide or table text) cut
    into balanced runs of words, so no chunk grows past the model's input length."""
    spans: list[tuple[int, int]] = []
    for s_start, s_end in sentence_spans(text, start, end):
        words = list(_WORD_RUN.finditer(text, s_start, s_end))
        if len(words) <= max_words:
            spans.append((s_start, s_end))
            continue
        per = -(-len(words) // -(-len(words) // max_words))
        for i in range(0, len(words), per):
            spans.append((words[i].start(), words[min(i + per, len(words)) - 1].end()))
    return spans


def chunk_text(source: str, text: str, config: ChunkingConfig | None = None) -> list[Chunk]:
    """Split cleaned `text` of document `source` into chunks (see module docstring)."""
    config = config or ChunkingConfig()
    units = _units(text, config)
    chunks: list[Chunk] = []
    section = ""
    current: list[_Unit] = []
    current_section = ""

    def words_in(items: list[_Unit]) -> int:
        return sum(u.words for u in items)

    def emit(items: list[_Unit]) -> None:
        start, end = items[0].start, items[-1].end
        while end > start and text[end - 1].isspace():
            end -= 1
        body = text[start:end]
        if not any(not u.heading for u in items) and chunks:
            return  # a trailing heading with no body adds nothing on its own
        position = len(chunks)
        chunks.append(
            Chunk(make_chunk_id(source, position, body), position, start, end, body, current_section)
        )

    for unit in units:
        if unit.heading:
            section = text[unit.start : unit.end].strip()
            if current and words_in(current) >= config.min_words:
                emit(current)
                current = []
            if not current:
                current_section = section
            current.append(unit)
            continue
        size = words_in(current)
        too_big = size + unit.words > (
            config.max_words if size >= config.min_words else config.hard_max_words
        )
        if current and too_big:
            emit(current)
            overlap = _overlap_start(text, current[-1], config)
            current = [] if overlap is None else [_Unit(overlap, current[-1].end, 0, False)]
            current_section = section
        if not current:
            current_section = section
        current.append(unit)
    if current:
        last = chunks[-1] if chunks else None
        tail_words = _words(text[current[0].start : current[-1].end])
        if (
            last
            and tail_words < config.min_words // 2
            and _words(last.text) + tail_words <= config.hard_max_words
        ):
            # Fold a short tail into the previous chunk instead of leaving a fragment.
            chunks.pop()
            current_section = last.section
            emit([_Unit(last.char_start, last.char_end, 0, False), *current])
        else:
            emit(current)
    return chunks


def _overlap_start(text: str, last: _Unit, config: ChunkingConfig) -> int | None:
    """Start of the last sentence of `last` if it is short enough to repeat, else None."""
    if last.heading:
        return None
    spans = sentence_spans(text, last.start, last.end)
    if len(spans) < 2:
        return None
    s_start, s_end = spans[-1]
    return s_start if _words(text[s_start:s_end]) <= config.overlap_max_words else None
