"""Funding, organisations and goals extracted from a cleaned document by rules, with provenance.

Strategy readers ask "how much money, from whom, for what", "who are the partners" and "what are
the goals". These rules (no language model; nb, nn, da, sv, en) find such statements at ingest so
an overview can list them per document. Every item keeps `source` and the `char_start`/`char_end`
of its `quote` in the cleaned text, so `text[char_start:char_end] == quote` and it is cited like an
answer. The rules prefer missing an item to inventing one: an amount needs a currency, or a scale
word ("millioner", "mio.") in a sentence about money.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ingest.chunking import is_heading_line
from ingest.sentences import sentence_spans

__all__ = [
    "Extraction",
    "FundingItem",
    "GoalItem",
    "PartnerItem",
    "extract",
    "find_amounts",
    "parse_amount",
]


@dataclass(frozen=True)
class FundingItem:
    """An amount of money as written and normalised, with who pays, for what and over which period."""

    source: str
    char_start: int
    char_end: int
    quote: str
    section: str
    amount_text: str
    amount: float
    currency: str
    funder: str = ""
    recipient: str = ""
    period: str = ""
    total: bool = False


@dataclass(frozen=True)
class PartnerItem:
    """An organisation the document names, with its role when a sentence states one."""

    source: str
    char_start: int
    char_end: int
    quote: str
    section: str
    name: str
    mention: str
    kind: str
    abbreviation: str = ""
    role: str = ""


@dataclass(frozen=True)
class GoalItem:
    """A sentence that states an aim or a commitment, under its section heading."""

    source: str
    char_start: int
    char_end: int
    quote: str
    section: str
    cue: str


@dataclass
class Extraction:
    """Everything extracted from one document; stored as JSON on its document record."""

    funding: list[FundingItem] = field(default_factory=list)
    partners: list[PartnerItem] = field(default_factory=list)
    goals: list[GoalItem] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, data: str) -> Extraction:
        raw = json.loads(data) if data else {}

        def rows(key: str, kind: type[Any]) -> list[Any]:
            names = {f.name for f in fields(kind)}
            return [kind(**{k: v for k, v in row.items() if k in names}) for row in raw.get(key, [])]

        return cls(rows("funding", FundingItem), rows("partners", PartnerItem), rows("goals", GoalItem))


# ------------------------------------------------------------------------------------ sentences


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    text: str
    section: str
    heading: bool


# A slide line such as "8 Mål Sikre tilgang …" opens a section named by its first word(s).
_SLIDE_SECTION = re.compile(
    r"\d{1,2} (Mål|Målsetting(?:er)?|Mandat|Felles forpliktelser|Forpliktelser|Ambisjon(?:er)?|Visjon|"
    r"Virkemidler|Tiltak|Goals|Objectives|Vision)\b\s*"
)


def _sentences(text: str) -> Iterator[_Sentence]:
    """Every sentence with the heading it stands under; heading lines come as one sentence each."""
    section = ""
    for match in re.finditer(r"[^\n]+", text):
        line_start, line_end = match.span()
        line = match.group()
        if not line.strip():
            continue
        slide = _SLIDE_SECTION.match(line)
        if slide:
            section = slide.group(1)
            line_start += slide.end()
        elif is_heading_line(line) and text[line_end : line_end + 1] != "":
            section = line.strip()
            yield _Sentence(line_start, line_end, line, section, True)
            continue
        for start, end in sentence_spans(text, line_start, line_end):
            body = text[start:end]
            # A bullet's dash is list furniture, not part of the quote.
            bullet = re.match(r"[-–•]\s+", body)
            if bullet:
                start += bullet.end()
            yield _Sentence(start, end, text[start:end], section, False)


# ------------------------------------------------------------------------------------ amounts

_NUM = r"\d{1,3}(?:[ .,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SCALES = {
    "milliarder": 1e9, "milliard": 1e9, "mrd": 1e9, "billion": 1e9, "billions": 1e9, "bn": 1e9,
    "millioner": 1e6, "million": 1e6, "millions": 1e6, "millionar": 1e6, "mill": 1e6, "mio": 1e6,
    "mill.": 1e6, "mio.": 1e6, "mrd.": 1e9, "tusen": 1e3, "tusind": 1e3, "thousand": 1e3,
}  # fmt: skip
_SCALE = (
    r"milliarder|milliard|mrd\.?|billions?|bn|millioner|millionar|millions?|mill\.?|mio\.?|"
    r"tusen|tusind|thousand"
)
_CUR_AFTER = r"kroner|kronor|krone|kr\.?|NOK|DKK|SEK|EUR|euro|€|USD|dollars?"
_CUR_BEFORE = r"NOK|DKK|SEK|EUR|USD|kr\.?|€|\$"
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?:(?P<before>{_CUR_BEFORE})\s?)?(?P<num>{_NUM})"
    rf"(?:\s?(?P<scale>{_SCALE})(?![\w]))?(?:\s?(?P<after>{_CUR_AFTER})(?![\w]))?"
)
_NOT_MONEY_AFTER = re.compile(r"\s*(?:%|prosent|procent|percent|per cent)", re.IGNORECASE)
# Without a currency, a scale word counts as money only in a sentence about money, and only when
# no noun follows it ("2 millioner innbyggere" is a population).
_MONEY_CUE = re.compile(
    r"bevilg|finansier|bidr[ae]|tilsk[ou]d|støtte|midler|budsj?et|kroner|\bkr\b|fund|grant|invest|"
    r"kost|penger|penge|bevilling|ramme|contribut|financ",
    re.IGNORECASE,
)
_FUNCTION_WORDS = {
    "til", "fra", "frå", "over", "i", "og", "per", "pr", "to", "from", "for", "in", "med", "som",
    "årlig", "årligt", "hvert", "kvart", "af", "på", "and", "a", "each", "every", "annually",
}  # fmt: skip


def parse_amount(number: str, scale: str | None, lang: str) -> float:
    """'6,3' + 'millioner' -> 6 300 000; '1.500.000' -> 1 500 000; English '2.5' + 'million'."""
    s = number.replace(" ", "").replace("\u00a0", "")
    if lang == "en":
        s = s.replace(",", "")
    elif "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".")
    elif "," in s:
        parts = s.split(",")
        # "1,882 millioner" is a decimal; "1,500,000 kr" (several groups, no scale) is thousands.
        s = "".join(parts) if len(parts) > 2 and not scale else s.replace(",", ".", 1).replace(",", "")
    elif "." in s:
        parts = s.split(".")
        if len(parts) > 2 or (len(parts[1]) == 3 and not scale):
            s = "".join(parts)
    value = float(s)
    if scale:
        value *= _SCALES.get(scale.lower(), _SCALES.get(scale.lower().rstrip("."), 1.0))
    return round(value, 2)


def _currency(written: str | None, lang: str) -> str:
    if not written:
        return {"da": "DKK", "sv": "SEK", "en": "NOK"}.get(lang, "NOK")
    w = written.lower().rstrip(".")
    if w in {"kroner", "krone", "kr", "kronor"}:
        return {"da": "DKK", "sv": "SEK"}.get(lang, "NOK")
    if w in {"euro", "€"}:
        return "EUR"
    if w in {"$", "dollar", "dollars"}:
        return "USD"
    return written.upper()


def find_amounts(sentence: str, lang: str) -> list[tuple[int, int, str, float, str]]:
    """(start, end, as written, normalised amount, currency) for every sum of money in a sentence."""
    found = []
    for m in _AMOUNT.finditer(sentence):
        before, after, scale = m.group("before"), m.group("after"), m.group("scale")
        if _NOT_MONEY_AFTER.match(sentence, m.end()):
            continue
        if not (before or after):
            if not scale or not _MONEY_CUE.search(sentence):
                continue
            following = re.match(r"\s*([^\W\d]+)", sentence[m.end() :])
            if following and following.group(1).lower() not in _FUNCTION_WORDS:
                continue
        written = m.group().strip()
        found.append((m.start(), m.start() + len(written), written, parse_amount(m.group("num"), scale, lang),
                      _currency(before or after, lang)))  # fmt: skip
    return found


_PERIOD = re.compile(
    r"over en \w*års?periode|over en \w+årig periode|over (?:\w+|\d+) år\b|i perioden \d{4}\s?[-–]\s?\d{4}|"
    r"\b\d{4}\s?[-–]\s?\d{4}\b|\bper år\b|\bpr\. år\b|\bårlig(?:t)?\b|\bom året\b|\bhvert år\b|"
    r"over a \w+-year period|over (?:\w+|\d+) years\b|\bper year\b|\bannually\b|\bi løpet av (?:\w+ )?år\b",
    re.IGNORECASE,
)
_TOTAL = re.compile(
    r"\btil sammen\b|\btotalt\b|\bi alt\b|\bsamlet\b|\bsammenlagt\b|\bin total\b|\baltogether\b",
    re.IGNORECASE,
)
_FUND_VERB = re.compile(
    r"\b(?:bidrar med|bidrager med|bidreg med|bevilg\w*|finansier\w*|støtter|gir|giver|yder|tildel\w*|"
    r"contributes?|provides?|grants?|funds?|granted|awarded)\b",
    re.IGNORECASE,
)
_PROGRAMME = re.compile(
    r"\b(?:ordningen|programmet|prosjektet|satsingen|ordningen|programme|scheme)\s+(?:kalt\s+|kaldet\s+|called\s+)?"
    r"([A-ZÆØÅ][\wæøå-]+(?: [A-ZÆØÅ0-9][\wæøå-]*)*)"
)
_PURPOSE = re.compile(r"\s+(?:til|for|to)\s+([^.,;:()\n]+?)(?=\s+[-–]\s|[.,;:()]|\s+(?:over|fra|from)\s|$)")

# ------------------------------------------------------------------------------------ organisations

_MINISTRIES = {
    "KMD": "Kommunal- og moderniseringsdepartementet",
    "KDD": "Kommunal- og distriktsdepartementet",
    "KD": "Kunnskapsdepartementet",
    "NFD": "Nærings- og fiskeridepartementet",
    "ASD": "Arbeids- og sosialdepartementet",
    "HOD": "Helse- og omsorgsdepartementet",
    "KUD": "Kulturdepartementet",
    "KLD": "Klima- og miljødepartementet",
    "LMD": "Landbruks- og matdepartementet",
    "OED": "Olje- og energidepartementet",
    "DFD": "Digitaliserings- og forvaltningsdepartementet",
}
_UNIVERSITIES = {
    "NTNU", "UiO", "UiB", "UiT", "UiA", "UiS", "NMBU", "OsloMet", "USN", "HVL", "NHH", "HINN",
    "AAU", "SDU", "DTU", "CBS", "RUC", "ITU",
}  # fmt: skip
_CAP = r"[A-ZÆØÅ][\wæøå-]*"
_ORG_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ministry", re.compile(
        r"\b[A-ZÆØÅ][\wæøå]*?(?:- og [\wæøå]*?)?departementet\b(?: \((?P<abbr>[A-ZÆØÅ]{2,6})\))?")),
    ("ministry", re.compile(
        r"\b[A-ZÆØÅ][\wæøå]*ministeriet\b|\bMinistry of [A-Z]\w+(?: (?:and|of) [A-Z]\w+)*")),
    ("county", re.compile(
        rf"\b(?:{_CAP} )?{_CAP} (?:fylkeskommune|[Ff]ylke|County Council)\b|\bRegion [A-ZÆØ]\w+")),
    ("municipality", re.compile(rf"\b(?:{_CAP} )?{_CAP} (?:[Kk]ommune|[Mm]unicipality|City Council)\b")),
    ("university", re.compile(
        r"\b(?:Høgskolen|Høgskulen|Høyskolen|Universitetet|Handelshøyskolen)(?: (?:i|på|for))?"
        r" [A-ZÆØÅ][\wæøå-]+"
        r"|\b[A-ZÆØ]\w+ Universitet\b|\bUniversity of [A-Z]\w+|\b(?:[A-Z]\w+ )+University(?: College)?\b"
        r"|\b(?:" + "|".join(sorted(_UNIVERSITIES)) + r")\b"
    )),
    ("college", re.compile(r"\b(?:Fagskolen|Fagskulen) [A-ZÆØÅ][\wæøå-]+")),
    ("cluster", re.compile(r"\b(?:[A-Z][\w-]+ ){1,3}Cluster\b|\bNCE [A-Z][\w-]+|\bArena [A-Z][\w-]+")),
    ("company", re.compile(r"\b(?:[A-ZÆØÅ][\w&.-]* ){1,4}(?:AS|ASA|A/S|ApS|AB|Ltd|Inc|GmbH)\b")),
    ("school", re.compile(r"\b[A-ZÆØÅ][\wæøå]+skolen\b")),
    ("ministry", re.compile(r"\b(?:" + "|".join(_MINISTRIES) + r")\b")),
]  # fmt: skip
# Capitalised words that start a sentence, not a name ("Også Hamar kommune", "Derfor Herning Kommune").
_NOT_NAME = {
    "Det", "Den", "De", "Dette", "Denne", "Disse", "Også", "Derfor", "Og", "Men", "I", "Hver", "Alle",
    "Vår", "Vores", "Our", "Each", "The", "En", "Ei", "Et", "Gjennom", "Med", "For", "Til", "Fra", "Hele",
    "Samme", "Når", "Slik", "Her", "Siluett", "Both", "Also",
}  # fmt: skip
# Definite nouns that refer back to the last organisation of their kind ("departementet" = KMD).
_GENERIC = {
    "departementet": "ministry", "ministeriet": "ministry", "fylkeskommunen": "county",
    "kommunen": "municipality", "universitetet": "university", "høgskolen": "university",
}  # fmt: skip
_PARTNER_CUE = re.compile(
    r"\b(?:samarbeider(?: også)? med|samarbejder(?: også)? med|i samarbeid med|i samarbejde med|sammen med|"
    r"in (?:partnership|cooperation|collaboration) with|(?:works?|partners?|cooperates?) with)\s+",
    re.IGNORECASE,
)
_BETWEEN_CUE = re.compile(
    r"\b(?:samarbeid(?:et)?|samarbejde(?:t)?|cooperation|collaboration|partnership)\s+(?:mellom|mellem|between)\s+"
    r"(\S+(?: \S+)?) (?:og|and) (\S+(?: \S+)?)",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(rf"{_CAP}(?: {_CAP})*")
_LOWER_ITEM = re.compile(r"[a-zæøå]+(?: [a-zæøå]+)?(?=,\s|\s+(?:og|and|&)\s)")
_LIST_SEP = re.compile(r",\s*(?:og |and )?|\s+(?:og|and|&)\s+")
_ROLE_CUES = [
    ("funder", re.compile(
        r"\bfinansierer\b|\bfinansieres av\b|\bbevilg\w*|\bfunds?\b|\bfinances\b", re.IGNORECASE)),
    ("contributor", re.compile(
        r"\bbidrar med\b|\bbidrager med\b|\bbidreg med\b|\bcontributes?\b", re.IGNORECASE)),
]  # fmt: skip


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    text: str
    name: str
    kind: str
    abbreviation: str


def _org_mentions(text: str) -> list[_Mention]:
    """Named organisations in document order; a name and its "(ABBR)" become one canonical name."""
    taken: list[tuple[int, int]] = []
    found: list[_Mention] = []
    for kind, pattern in _ORG_PATTERNS:
        for m in pattern.finditer(text):
            start, end, written = m.start(), m.end(), m.group()
            first, _, rest = written.partition(" ")
            if first in _NOT_NAME and rest:
                start += len(first) + 1
                written = rest
            if any(s < end and start < e for s, e in taken):
                continue
            abbr = (m.groupdict().get("abbr") or "") if "abbr" in pattern.groupindex else ""
            name = re.sub(r" \([A-ZÆØÅ]{2,6}\)$", "", written)
            if kind == "ministry" and written in _MINISTRIES:
                name, abbr = _MINISTRIES[written], written
            found.append(_Mention(start, end, written, name, kind, abbr))
            taken.append((start, end))
    found.sort(key=lambda mention: mention.start)
    # A municipality written with a capital K ("Herning Kommune") is the same as with a small one.
    canonical: dict[str, str] = {}
    for mention in found:
        canonical.setdefault(mention.name.lower(), mention.name)
    return [
        _Mention(m.start, m.end, m.text, canonical[m.name.lower()], m.kind, m.abbreviation) for m in found
    ]


def _initials(name: str) -> str:
    return "".join(w[0].upper() for w in re.split(r"[\s-]+", name) if w)


# ------------------------------------------------------------------------------------ goals

_GOAL_SECTION = re.compile(
    r"\bmål(?:et|ene|a|setting(?:er)?|sætning(?:er)?)?\b|\bvil vi\b|\bvil me\b|ambisjon|visjon|vision|"
    r"forpliktelse|mandat|\bgoals?\b|objectives?|\baims?\b|commitments?|virkemidler|tiltak|indsats",
    re.IGNORECASE,
)
_MODAL = re.compile(r"\b(skal|vil|ska|vill|må|will|shall|must)\b", re.IGNORECASE)
_GOAL_PHRASE = re.compile(
    r"\bmålet (?:er|med|for)\b|\bmålet är\b|\bhar som mål\b|\bvores mål\b|\bvårt mål\b|\bvåre mål\b|"
    r"\b(?:to|tre|fire|fem|seks|fire|two|three|four|five) mål\b|\bønsker (?:å|at)\b|\bhovedpoenget\b|"
    r"\bour (?:goal|aim|ambition)\b|\bthe (?:goal|aim) (?:is|of)\b|\baims? to\b|\bwe want to\b|"
    r"\bcommit(?:s|ted)? to\b|"
    r"\bviktig oppgave å\b|\bavgjørende å\b",
    re.IGNORECASE,
)
_SUBORDINATOR = re.compile(
    r"(?<!for )\bat\b|\b(?:som|der|når|hvis|hvor|om|fordi|da|that|which|who|when|if|where|because)\b",
    re.IGNORECASE,
)
_WE_BEFORE = re.compile(r"\b(?:vi|me|we|kommunen)\s+$", re.IGNORECASE)
_SUBJECT_AFTER = re.compile(r"\s+(?:vi|me|we|kommunen|partene|fylkeskommunen|det)\b", re.IGNORECASE)
_REPORTED = re.compile(r",? (?:sier|siger|seier|says|said) [\wæøåÆØÅ -]+\.?$")
_INFINITIVE_START = re.compile(r"(?:[A-ZÆØÅ][a-zæøå]+e|Få|Gi|Ta|Nå|Gå)\b")
_NOT_INFINITIVE = {"De", "Denne", "Disse", "Mange", "Hele", "Store", "Nye", "Gode", "Flere", "Bare", "Både",
                   "Ikke", "Eksempler", "Alle", "Andre", "Samme", "Se"}  # fmt: skip


def _goal_cue(sentence: _Sentence) -> str:
    """The word that makes this sentence a goal or commitment, or '' if it states none."""
    text = sentence.text
    phrase = _GOAL_PHRASE.search(text)
    # "… næringer som ønsker å etablere seg": a wish of someone else, not the document's.
    if phrase and not (
        phrase.group().lower().startswith("ønsker") and not _WE_BEFORE.search(text[: phrase.start()])
    ):
        return phrase.group()
    goal_section = bool(_GOAL_SECTION.search(sentence.section))
    for modal in _MODAL.finditer(text):
        # The clause the modal stands in: from the last comma, colon or dash before it.
        clause_start = max(text.rfind(p, 0, modal.start()) for p in (",", ":", ";", " - ", " – "))
        clause = text[clause_start + 1 : modal.start()]
        inverted = _SUBJECT_AFTER.match(text, modal.end())
        if inverted or not _SUBORDINATOR.search(clause):
            return modal.group()
    in_section = _MODAL.search(text) if goal_section else None
    if in_section:
        return in_section.group()
    first = text.split(" ", 1)[0]
    if goal_section and _INFINITIVE_START.fullmatch(first) and first not in _NOT_INFINITIVE:
        return first
    return ""


# ------------------------------------------------------------------------------------ extraction


def extract(source: str, text: str, lang: str) -> Extraction:
    """Funding, organisations and goals of one cleaned document (see the module docstring)."""
    sentences = list(_sentences(text))
    mentions = _org_mentions(text)
    # Document-local abbreviations by initials ("TK" for Trondheim kommune).
    initials = {_initials(m.name): m for m in mentions if m.kind in {"municipality", "county"}}
    for m in re.finditer(r"\b[A-ZÆØÅ]{2,5}\b", text):
        owner = initials.get(m.group())
        if owner and not any(x.start <= m.start() < x.end for x in mentions):
            mentions.append(_Mention(m.start(), m.end(), m.group(), owner.name, owner.kind, m.group()))
    mentions.sort(key=lambda mention: mention.start)
    abbreviations = {m.name: m.abbreviation for m in mentions if m.abbreviation}

    context = _Context(
        text, sentences, mentions, [(m.start(), m.group(1)) for m in _PROGRAMME.finditer(text)]
    )
    funding = _funding(source, context, lang)
    partners = _partners(source, context, abbreviations)
    goals = [
        GoalItem(source, s.start, s.end, s.text, s.section, cue)
        for s in sentences
        if not s.heading and len(s.text.split()) >= 4 and (cue := _goal_cue(s))
    ]
    return Extraction(funding, partners, goals)


@dataclass(frozen=True)
class _Context:
    """A document's sentences and organisation mentions, shared by the funding and partner rules."""

    text: str
    sentences: list[_Sentence]
    mentions: list[_Mention]
    programmes: list[tuple[int, str]]

    def last_of(self, kind: str, before: int) -> _Mention | None:
        kinds = {"university": {"university", "college"}}.get(kind, {kind})
        earlier = [m for m in self.mentions if m.kind in kinds and m.start < before]
        return earlier[-1] if earlier else None

    def in_sentence(self, s: _Sentence) -> list[_Mention]:
        return [m for m in self.mentions if s.start <= m.start < s.end]

    def generic(self, s: _Sentence) -> list[_Mention]:
        """Back-references like "departementet" in `s`, resolved to the organisation they name."""
        found = []
        for g in re.finditer(r"\b(" + "|".join(_GENERIC) + r")\b", s.text, re.IGNORECASE):
            target = self.last_of(_GENERIC[g.group(1).lower()], s.start + g.start())
            if target:
                at = s.start + g.start()
                found.append(_Mention(at, at + len(g.group()), g.group(), target.name, target.kind, ""))
        return found

    def all_in(self, s: _Sentence) -> list[_Mention]:
        return sorted(self.in_sentence(s) + self.generic(s), key=lambda m: m.start)


def _funding(source: str, ctx: _Context, lang: str) -> list[FundingItem]:
    items: list[FundingItem] = []
    for s in ctx.sentences:
        for a_start, a_end, written, amount, currency in find_amounts(s.text, lang):
            funder = ""
            orgs = ctx.all_in(s)
            after = re.match(r"\s+(?:fra|frå|fra|af|from)\s+", s.text[a_end:])
            if after:
                at = s.start + a_end + after.end()
                funder = next((m.name for m in orgs if m.start == at), "")
            verb = _FUND_VERB.search(s.text)
            if not funder and verb and orgs:
                nearest = min(orgs, key=lambda m: abs(m.start - (s.start + verb.start())))
                if nearest.start < s.start + a_start:
                    funder = nearest.name
            purpose = _PURPOSE.match(s.text, a_end)
            recipient = purpose.group(1).strip() if purpose else ""
            if not recipient:
                named = [p for at, p in ctx.programmes if at < s.end]
                if named and (
                    named[-1] == s.section or re.search(r"\b(?:ordningen|programmet|scheme)\b", s.text)
                ):
                    recipient = named[-1]
            period = _PERIOD.search(s.text)
            item = FundingItem(
                source, s.start, s.end, s.text, s.section, written, amount, currency,
                funder, recipient, period.group() if period else "", bool(_TOTAL.search(s.text)),
            )  # fmt: skip
            # The same sum repeated in a heading under the title is one mention.
            if any(i.amount == amount and (i.quote in s.text or s.text in i.quote) for i in items):
                continue
            items.append(item)
    return items


def _partners(source: str, ctx: _Context, abbreviations: dict[str, str]) -> list[PartnerItem]:
    text, sentences = ctx.text, ctx.sentences
    roles: dict[str, list[tuple[str, _Sentence]]] = {}
    first: dict[str, tuple[_Mention, _Sentence]] = {}

    starts = [s.start for s in sentences]

    def sentence_at(pos: int) -> _Sentence | None:
        i = bisect.bisect_right(starts, pos) - 1
        return sentences[i] if i >= 0 and pos < sentences[i].end else None

    for m in ctx.mentions:
        s = sentence_at(m.start)
        if s is not None:
            first.setdefault(m.name, (m, s))

    def add_role(name: str, role: str, s: _Sentence) -> None:
        if name in first and role not in [r for r, _ in roles.get(name, [])]:
            roles.setdefault(name, []).append((role, s))

    for s in sentences:
        here = ctx.all_in(s)
        for role, role_cue in _ROLE_CUES:
            for c in role_cue.finditer(s.text):
                # The organisation acting: nearest before the cue, or right after "som finansierer".
                before = [m for m in here if m.start < s.start + c.start()]
                if before:
                    add_role(before[-1].name, role, s)
        for cue in _PARTNER_CUE.finditer(s.text):
            # A list after the cue: known names, back-references, unknown capitalised names
            # ("Tretorget"), and short lower-case items ("lokalt næringsliv") that are skipped.
            pos = cue.end()
            while True:
                known = next((m for m in here if m.start == s.start + pos), None)
                named = _CAPITALISED.match(s.text, pos)
                if known:
                    add_role(known.name, "partner", s)
                    pos = known.end - s.start
                elif named and named.group() not in _NOT_NAME:
                    name, at = named.group(), s.start + pos
                    first.setdefault(name, (_Mention(at, at + len(name), name, name, "organisation", ""), s))
                    add_role(name, "partner", s)
                    pos = named.end()
                else:
                    skipped = _LOWER_ITEM.match(s.text, pos)
                    if not skipped:
                        break
                    pos = skipped.end()
                separator = _LIST_SEP.match(s.text, pos)
                if not separator:
                    break
                pos = separator.end()
        for between in _BETWEEN_CUE.finditer(s.text):
            for group in (1, 2):
                at = s.start + between.start(group)
                for m in here:
                    if at <= m.start < at + len(between.group(group)):
                        add_role(m.name, "partner", s)
        if s.heading:
            # "Trondheim kommune – NTNU" in a title: the two are partners.
            for a, b in itertools.pairwise(ctx.in_sentence(s)):
                if re.fullmatch(r"\s+[–-]\s+", text[a.end : b.start]):
                    add_role(b.name, "partner", s)

    items: list[PartnerItem] = []
    for name, (mention, s) in sorted(first.items(), key=lambda kv: kv[1][0].start):
        stated = roles.get(name, [])
        cited = stated[0][1] if stated else s
        items.append(
            PartnerItem(
                source,
                cited.start,
                cited.end,
                cited.text,
                cited.section,
                name,
                mention.text,
                mention.kind,
                abbreviations.get(name, ""),
                ", ".join(r for r, _ in stated),
            )
        )
    return items
