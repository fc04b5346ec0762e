"""Partners, funding and goals answered from the items extracted at ingest, so chat and Overview agree.

"Who does Trondheim cooperate with?", "Which partners does Innlandet work with, and who pays?",
"What are Hamar's goals?": the document's extracted items (ingest/extract.py) answer these
completely, one cited line per item, where quoting the two best sentences would name one partner
and miss the rest. A document that has no such items says so plainly ("… names no funding").

Which document: the one the question names (its publisher's or file's distinctive word), else the
one the conversation was about (a follow-up), else the best-retrieved passage's document.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from assistant.messages import quote_marks
from assistant.overview import cite, document_overview, passage_at, passages_of
from assistant.question import analyze_question, asks_leader, is_name_form, misspells_name
from assistant.types import Answer
from ingest.extract import FundingItem, GoalItem, PartnerItem, find_amounts
from vectorstore.store import ChunkStore, DocumentRecord

__all__ = [
    "FACT_KINDS",
    "answer_from_facts",
    "asked_facts",
    "compares",
    "named_documents",
    "names_only",
    "speaks_of",
    "uncovered_clause",
]

FACT_KINDS = ("partner", "funding", "goal")

# Asking who: the interrogatives and "together with whom" of each language.
_WHO = re.compile(
    r"\b(?:hvem|kven|vem|who|whom|wer|mit wem|sammen med hvem|saman med kven|tillsammans med vem|"
    r"together with whom|with whom)\b",
    re.I,
)
# Asking which or what: the noun right after says what is asked for ("Hvilke partnere …", "Which
# ministry …"), and the question's other words are its topic ("Vilka frågor omfattar … samarbetet",
# "Across which boundaries … to reach its goals"). German "was" asks only where it opens the
# question ("Was sind die Ziele …"); elsewhere it is English ("how was the cooperation set up").
_WHICH = re.compile(
    r"\b(?:hvilke[nt]?|kva for(?: ein| eit| ei)?|kva slags|hva slags|vilk(?:en|et|a)|which|welche[rsn]?|"
    r"what|hva|hvad|kva|vad|list|name|nevn|nævn)\b|^\W*was\b",
    re.I,
)
ASKED_WORDS = 3
# Words between the interrogative and its noun: "What are the goals", "Hva er målene".
_LEADING = frozenset(("are", "is", "were", "was", "er", "var", "är", "ar", "sind", "ist", "the", "a", "an",
                      "de", "den", "det", "dei", "die", "der", "das"))  # fmt: skip
# Who or what can be a partner or a payer: the asked noun of "which …" for those facts.
_ACTOR = re.compile(
    r"(?:partner|\bpart(?:er|ene|erne|s|ies)?\b|aktør|aktor|actor|organi[sz]|institu|virksomhe|"
    r"verksamhe|bedrift|företag|compan|firm|kommun|municipal|universit|høgskol|högskol|hochschul|"
    r"college|departement|ministr|minister|direktorat|klynge|kluster|cluster|myndighet|authorit|"
    r"stakeholder|interessent|fylke|count(?:y|ies)|region|skole|skola|school|unternehm|behörde|"
    r"\bland\b|countr|nasjon|nation|gruppe|group|selskap|foretak|forening|association|stiftelse|"
    r"foundation|\bstat(?:en|er|ene)?\b|\bstates?\b)",
    re.I,
)
# The cooperation named inside an "about …" phrase is what the question is about, not what it asks
# ("Who wrote the report about the cooperation", "Vem höll presentationen om … samarbete").
_COOPERATION_AS_TOPIC = re.compile(
    r"\b(?:om|about|regarding|concerning|über|angående|vedrørende|vedrørande|kring|omkring)\s+"
    r"(?:[\w'’-]+\s+){0,3}?(?:samarbeid|samarbej|samarbet|samverk|partnerskap|cooperation|"
    r"collaboration|partnership|zusammenarbeit|kooperation)\w*",
    re.I,
)
_CUES = {
    "partner": re.compile(
        r"\b(?:samarbeid\w*|samarbej\w*|samarbet\w*|samverk\w*|partner\w*|cooperat\w*|collaborat\w*|"
        r"work(?:s|ing)? with|zusammen\w*|kooperier\w*|sammen med|saman med|tillsammans med|"
        r"together with)\b",
        re.I,
    ),
    "funding": re.compile(
        r"\b(?:finansier\w*|financ\w*|fund(?:s|ed|ing)?|betal\w*|pays?|paid|bevilg\w*|granted|"
        r"bevill\w*|løyv\w*|bidrar|bidrager|contribut\w*|finanzier\w*|zahlt)\b",
        re.I,
    ),
    "goal": re.compile(
        r"\b(?:mål|målet|måla|målen|målene|målsetting\w*|målsetjing\w*|målsætning\w*|målsättning\w*|"
        r"goals?|aims?|objectives?|ziele?|zielsetzung\w*)\b",
        re.I,
    ),
}
_LABELS: dict[str, dict[str, str]] = {
    "partner": {"nb": "Samarbeidspartnere i {doc}:", "nn": "Samarbeidspartnarar i {doc}:",
                "da": "Samarbejdspartnere i {doc}:", "sv": "Samarbetspartner i {doc}:",
                "en": "Partners named in {doc}:", "de": "Partner in {doc}:"},
    "funding": {"nb": "Finansiering i {doc}:", "nn": "Finansiering i {doc}:", "da": "Finansiering i {doc}:",
                "sv": "Finansiering i {doc}:", "en": "Funding in {doc}:", "de": "Finanzierung in {doc}:"},
    "goal": {"nb": "Mål i {doc}:", "nn": "Mål i {doc}:", "da": "Mål i {doc}:", "sv": "Mål i {doc}:",
             "en": "Goals in {doc}:", "de": "Ziele in {doc}:"},
    "none": {"nb": "{doc} nevner ingen {what}.", "nn": "{doc} nemner ingen {what}.",
             "da": "{doc} nævner ingen {what}.", "sv": "{doc} nämner ingen {what}.",
             "en": "{doc} names no {what}.", "de": "{doc} nennt keine {what}."},
    "more": {"nb": "… og {n} til i oversikten.", "nn": "… og {n} til i oversikta.",
             "da": "… og {n} mere i oversigten.",
             "sv": "… och {n} till i översikten.", "en": "… and {n} more in the Overview.",
             "de": "… und {n} weitere in der Übersicht."},
}  # fmt: skip
_WHAT = {
    "partner": {"nb": "samarbeidspartnere", "nn": "samarbeidspartnarar", "da": "samarbejdspartnere",
                "sv": "samarbetspartner", "en": "partners", "de": "Partner"},
    "funding": {"nb": "finansiering", "nn": "finansiering", "da": "finansiering", "sv": "finansiering",
                "en": "funding", "de": "Finanzierung"},
    "goal": {"nb": "mål", "nn": "mål", "da": "mål", "sv": "mål", "en": "goals", "de": "Ziele"},
}  # fmt: skip
_GENERIC = {"kommune", "kommunen", "fylkeskommune", "fylkeskommunen", "region", "regionen", "txt", "og", "i"}
# A goals question gets every goal, as the Overview lists them (Hamar's document states 15): only a
# long document's are cut, with a pointer to the rest in the Overview.
MAX_GOALS = 20


def _label(key: str, lang: str, **values: object) -> str:
    table = _LABELS[key]
    return table.get(lang, table["en"]).format(**values)


def speaks_of(kind: str, sentence: str) -> bool:
    """Whether `sentence` could answer a question about `kind` at all: funding needs an amount or
    a word of paying, partners a word of cooperating or an organisation's acronym."""
    if _CUES[kind].search(sentence):
        return True
    if kind == "funding":
        return bool(find_amounts(sentence, "nb"))
    return kind == "partner" and bool(re.search(r"\b[A-ZÆØÅ]{2,}\b", sentence))


_PLURAL_GOALS = re.compile(r"\b(?:målene|målsettingene|goals|aims|objectives|ziele|måla|målen)\b", re.I)
# "Give me an overview of what Hamar wants to achieve", "eit kort oversyn over kva Hamar vil med
# kunnskap og kompetanse", "opsummere, hvad Herning gerne vil opnå": an overview or a summary of
# what a document wants is its goals, all of them.
_OVERVIEW = re.compile(
    r"\b(?:overview|oversikt|oversyn|overblik|översikt|überblick|summary|summari[sz]e|sum up|"
    r"oppsummer\w*|opsummer\w*|sammendrag|samandrag|sammanfatt\w*|sammenfatt\w*|zusammenfass\w*)\b",
    re.I,
)
_WANTS = re.compile(
    r"\bwants? to (?:achieve|accomplish|do|reach)\b|\baims? (?:to achieve|for|at)\b|\baiming (?:for|at)\b|"
    r"\bmeant to achieve\b|\bintends? to\b|"
    r"\b(?:vil|ønsker å|ønsker at|gerne vil|vill) "
    r"(?:oppnå|opnå|uppnå|nå|åstadkomma|utrette|udrette|få til)\b|"
    r"\b(?:vil|vill) med\b|"
    r"\berreichen (?:will|möchte|wollen)\b|\bwill [^?.!]{0,60}erreichen\b|\banstreb\w*",
    re.I,
)


# "Kan du ge en översikt över målen för samarbetet …", "an overview of the main goals": an overview
# whose object is the goals asks for them by name, with no "which" or "what are".
_OVERVIEW_OF_GOALS = re.compile(
    _OVERVIEW.pattern + r"\W+(?:[\w'’-]+\W+){0,4}?\w*(?:goals|aims|objectives|ziele|zielsetzungen|"
    r"mål(?:ene|a|en|settingene|setjingane|sætningerne|sättningarna)?)\b",
    re.I,
)


# A clause that sets a time or circumstance ("… when it applied for the pilot funding", "…, da
# prosjektet ble finansiert") is context: a fact word in it is not what the question asks. Not at
# the question's start, where "Når …?" asks the time, and not "when it comes to …", a topic.
_CONTEXT_CLAUSE = re.compile(
    r"(?<=\w[ ,])\s*\b(?:when|whenever|while|after|before|once|da|når|när|wenn|nachdem|bevor|mens|medan|"
    r"medens|während)\b(?!\s+(?:det|it|es)\s+(?:gjelder|gjeld|gælder|gäller|comes|geht))[^,;?]*",
    re.I,
)


def asked_facts(question: str, plan: str, answer_type: str = "other") -> list[str]:
    """The fact kinds a who/which question asks about ("partner", "funding", "goal"), in order.

    Goals only as a list ("which goals", "what are the goals"): "what is the goal of X" wants the
    one sentence that states it, which the extractive answer finds. A question for a year, a
    number or an amount (`answer_type`, from `analyze_question`) wants that, not the partners or goals of
    the cooperation it names ("I hvilket år kom universitetsskolerne i gang i samarbejdet ...?")."""
    wants = (_OVERVIEW.search(question) and _WANTS.search(question)) or _OVERVIEW_OF_GOALS.search(question)
    if wants and answer_type not in ("time", "count", "amount"):
        return ["goal"]
    who = bool(_WHO.search(question))
    # Every "which/what" asks: "… overview of what the agreement is meant to achieve – what are
    # its main goals?" asks for the goals in its second.
    which = list(_WHICH.finditer(question))
    if not who and not which:
        return []
    asked = _CONTEXT_CLAUSE.sub(" ", question)
    kinds = [kind for kind in FACT_KINDS if _CUES[kind].search(asked)]
    if asks_leader(question) or _COOPERATION_AS_TOPIC.search(question):
        # "Kven er leiar for styringsgruppa i samarbeidet?" asks for one person in a role, and "Vem
        # höll presentationen om Trondheims samarbete med NTNU?" for whoever presented it: the
        # cooperation is their topic, and the partners are no answer.
        kinds = [k for k in kinds if k != "partner"]
    if answer_type in ("time", "count", "amount"):
        kinds = [k for k in kinds if k == "funding" and answer_type == "amount"]
    if not who and which:
        # "Which X": the facts of X only. A partner or a payer is an actor ("Hvilke klynger og
        # organisationer samarbejder …", "Which ministry finances …"); goals are asked by name.
        asked_nouns = []
        for match in which:
            words = re.findall(r"[\w'’-]+", question[match.end() :].lower())
            while words and words[0] in _LEADING:
                words.pop(0)
            asked_nouns.append(" ".join(words[:ASKED_WORDS]))
        actor = any(_ACTOR.search(asked) for asked in asked_nouns)
        # Cooperating asked with "what" is the topic ("Hva samarbeider de om?"), not who.
        kinds = [
            k
            for k in kinds
            if (k == "partner" and actor)
            or (k == "funding" and (actor or any(_CUES[k].search(asked) for asked in asked_nouns)))
            or (k == "goal" and any(_CUES[k].search(asked) for asked in asked_nouns))
        ]
    if "goal" in kinds and plan != "list" and not _PLURAL_GOALS.search(question):
        kinds.remove("goal")
    return kinds


def _distinctive(record: DocumentRecord) -> tuple[str, ...]:
    """The words that name a document, sorted: its publisher's, less "kommune" and such ("Hamar");
    with no publisher, the first word of its file name. Other file-name words ("kunnskap",
    "kompetanse") are topics, not names."""
    return _name_words(record.publisher, record.source)


@cache
def _name_words(publisher: str, source: str) -> tuple[str, ...]:
    # Cached: every question reads every record's names (755 records in NorQuAD's pool).
    words = {w for w in re.findall(r"[^\W\d_]{4,}", publisher.lower()) if w not in _GENERIC}
    if not words:
        first = re.match(r"[^\W\d_]{4,}", source.lower())
        words = {first.group()} if first and first.group() not in _GENERIC else set()
    return tuple(sorted(words))


# Two words are one when they share this many first letters: a title's word and the asker's
# spelling of it in another language ("Universitätskommune", "Universitetskommune").
_SAME_STEM = 6


def names_only(words: Sequence[str], record: DocumentRecord) -> bool:
    """Whether every one of `words` names `record`: its publisher's names, in any form, or a word
    of its title ("Universitätskommune 3.0 von Trondheim und der NTNU")."""
    names = _distinctive(record)
    title = {w[:_SAME_STEM] for w in re.findall(r"[^\W\d_]{4,}", record.title.lower())}
    return bool(words) and all(
        any(is_name_form(w.lower(), n) for n in names) or w.lower()[:_SAME_STEM] in title for w in words
    )


# The head word of an institution named after its place ("Høgskolen i Innlandet", "Universitetet i
# Oslo", "Fagskolen Innlandet"): the place is then part of the institution's name. A programme or
# plan there ("Kompetansepiloter i Innlandet", "Universitetskommune 3.0 i Trondheim") is the place's
# own, and names its document.
_INSTITUTION_HEAD = re.compile(
    r"(?:høg|hög|høj|fag)sk[ou]l\w*|\w*hochschul\w*|colleges?|institut\w*|"
    r"universit(?:et|etet|y|ät|eit|etit)|statsforvalt\w*|fylkesmann\w*",
    re.I,
)


def named_documents(question: str, records: Sequence[DocumentRecord]) -> dict[str, list[DocumentRecord]]:
    """The documents whose publisher or file the question names ("Hamar", "Trondheim's plan"),
    by the name used: several documents of one municipality are one name, two names a comparison."""
    matches = list(re.finditer(r"[^\W\d_]+", question))
    tokens = [m.group() for m in matches]

    def follows(i: int, k: int) -> bool:
        """Token i comes k tokens after a capitalised word, in one phrase (no comma between). The
        question's first word is capitalised anyway, so it counts only as an institution's name
        ("Høgskolen i Innlandet already offers …")."""
        j = i - k
        between = question[matches[j].end() : matches[i].start()]
        opening = j > 0 or (j == 0 and bool(_INSTITUTION_HEAD.fullmatch(tokens[0])))
        return opening and tokens[j][:1].isupper() and "," not in between

    # A place inside an organisation's name ("Høgskolen i Innlandet", "Fagskolen Innlandet") names
    # the organisation, not the document about the place; "Hamar, Herning" are two names.
    words = [
        w.lower()
        for i, w in enumerate(tokens)
        if not follows(i, 1)
        and not (
            i >= 2
            and tokens[i - 1].lower() in ("i", "in")
            and follows(i, 2)
            and _INSTITUTION_HEAD.fullmatch(tokens[i - 2])
        )
    ]
    # Both a name's forms and its misspellings keep its first letter: only those words are read.
    by_initial: dict[str, list[str]] = {}
    for w in words:
        by_initial.setdefault(w[:1], []).append(w)
    named: dict[str, list[DocumentRecord]] = {}
    for record in records:
        for key in _distinctive(record):
            # An inflected or possessive form counts: "Hamars", "Innlandets", "Herning's"; so does
            # a long name misspelt by one letter ("Trondhiem").
            candidates = by_initial.get(key[:1], ())
            if any(is_name_form(w, key) or misspells_name(w, key) for w in candidates):
                named.setdefault(key, []).append(record)
                break
    return named


# A place named after a preposition qualifies something ("blant byene i Innlandet", "companies in
# Hamar"): beside a name that is the subject, it is no second thing compared.
_QUALIFYING = frozenset(("i", "in", "på", "pa", "blant", "among", "of", "from", "fra", "frå", "across",
                         "within", "innen", "innenfor", "utenfor", "outside", "rundt", "around", "near",
                         "nær", "ved", "at"))  # fmt: skip
# Words that join two names as the things compared ("Hamar og Herning", "Hamar kommune, Herning").
_JOINING = frozenset(("og", "and", "och", "und", "eller", "or", "samt", "vs", "versus", "kommune", "kommunes",
                      "kommunen", "kommuner", "municipality", "county", "fylkeskommune", "fylkeskommunen",
                      "s"))  # fmt: skip
_COMPARING = re.compile(
    r"\b(?:sammenlign\w*|samanlikn\w*|sammenlig\w*|jämför\w*|compar\w*|vergleich\w*|forskjell\w*|"
    r"skilnad\w*|forskel\w*|skillnad\w*|differ\w*|unterschied\w*|likhet\w*|lighed\w*|similar\w*|"
    r"begge|båda|both|beide\w*|versus|vs)\b",
    re.I,
)


def compares(question: str, names: Mapping[str, Sequence[DocumentRecord]]) -> bool:
    """Whether a question that names several documents (`named_documents`) compares them.

    It does when it says so ("compare", "forskjell", "both"), when two names are joined ("Hamar
    og Herning"), and unless one name is its subject and another only follows a preposition:
    "Hvordan beskriver Hamar sin rolle blant byene i Innlandet?" asks about Hamar."""
    if len(names) < 2:
        return False
    if _COMPARING.search(question):
        return True
    tokens = [t.lower() for t in re.findall(r"[^\W\d_]+", question)]

    def positions(key: str) -> list[int]:
        return [i for i, t in enumerate(tokens) if is_name_form(t, key)]

    found = sorted((i, key) for key in names for i in positions(key))
    for (a, _), (b, _) in itertools.pairwise(found):
        between = tokens[a + 1 : b]
        if all(t in _JOINING for t in between):
            return True
    # Each name in a question of its own ("Hvilke bransjer er i fokus i Innlandets piloter, og
    # hvilke næringer har Hamar …?"): asked in parallel, whatever the prepositions.
    breaks = [m.end() for m in _SECOND_QUESTION.finditer(question)]
    if breaks:
        # The clause each name stands in: how many clause breaks come before it.
        starts = [m.start() for m in re.finditer(r"[^\W\d_]+", question)]
        if len({sum(b <= starts[i] for b in breaks) for i, _ in found}) > 1:
            return True
    # One name the subject, the other after a preposition: the second only places the first.
    # Both after one ("Hva skjer i Hamar, og hva skjer i Herning?") are asked in parallel.
    qualifying = {i >= 1 and tokens[i - 1] in _QUALIFYING for i, _ in found}
    return qualifying != {True, False}


# A clause with fewer words of four letters or more asks nothing of its own ("and which one for
# Trondheim?").
_MIN_CLAUSE_WORDS = 3


def uncovered_clause(question: str, records: Sequence[DocumentRecord]) -> str | None:
    """The second question of a two-part one that asks for none of the extracted kinds and names no
    document: "Kven samarbeider Innlandet med …, og kva andre aktørar blir viktige?" is answered
    by the partner items first and by the document's sentences then. None when every part asks for
    items, or names a document (whose items the answer gives already)."""
    for clause in _SECOND_QUESTION.split(question)[1:]:
        info = analyze_question(clause)
        if asked_facts(clause, info.plan, info.kind) or named_documents(clause, records):
            continue
        if len(re.findall(r"[^\W\d_]{4,}", clause)) >= _MIN_CLAUSE_WORDS:
            return clause.strip()
    return None


# A second question joined to the first: ", og hvilke …", "and which …", "und welche …".
_SECOND_QUESTION = re.compile(
    r",?\s+(?:og|and|och|und|men|but|samt)\s+(?=(?:hvilke[nt]?|hva|hvad|hvem|hvor|hvordan|kva|kven|kvar|"
    r"korleis|vilka|vilken|vilket|vad|vem|var|hur|which|what|who|where|how|welche[nrsm]?|was|wer|wo|"
    r"wie)\b)",
    re.I,
)


@dataclass(frozen=True)
class _Line:
    label: str
    quote: str
    start: int
    end: int


def _named(name: str, abbreviation: str) -> str:
    """An organisation as the document introduces it: "Kommunal- og moderniseringsdepartementet (KMD)"."""
    return f"{name} ({abbreviation})" if abbreviation and abbreviation not in name else name


def _lines(
    kind: str,
    items: Sequence[PartnerItem | FundingItem | GoalItem],
    publisher: str,
    abbreviations: Mapping[str, str],
) -> list[_Line]:
    """`abbreviations`: the document's organisations' short names, so a funder reads as a partner does."""
    lines: list[_Line] = []
    seen: set[str] = set()
    if kind == "partner":
        partners = [p for p in items if isinstance(p, PartnerItem)]
        others = [p for p in partners if publisher.lower() not in p.name.lower() and p.name not in publisher]
        # Those the document calls partners; a funder is a partner only where no one else is
        # (who pays is the funding lines' business).
        chosen = [p for p in others if p.role == "partner"] or [p for p in others if p.role] or others
        for p in chosen:
            name = _named(p.name, p.abbreviation)
            if name in seen:
                continue
            seen.add(name)
            same = next((i for i, line in enumerate(lines) if line.start == p.char_start), None)
            if same is None:
                lines.append(_Line(name, p.quote, p.char_start, p.char_end))
            else:  # partners named in one sentence share its line: "Tretorget, Norwegian Wood Cluster"
                lines[same] = replace(lines[same], label=f"{lines[same].label}, {name}")
    elif kind == "funding":
        funding = [f for f in items if isinstance(f, FundingItem)]
        # The same amount stated twice (a title and a sentence): keep the statement with most detail.
        funding.sort(key=lambda f: (-(bool(f.funder) + bool(f.period)), f.char_start == 0, f.char_start))
        for f in funding:
            key = f"{f.amount}-{f.funder}"
            if key in seen:
                continue
            seen.add(key)
            funder = _named(f.funder, abbreviations.get(f.funder, "")) if f.funder else ""
            detail = " · ".join(x for x in (f.amount_text, funder, f.period) if x)
            lines.append(_Line(detail, f.quote, f.char_start, f.char_end))
        lines.sort(key=lambda line: line.start)
    else:
        for g in items:
            if isinstance(g, GoalItem) and g.quote not in seen:
                seen.add(g.quote)
                lines.append(_Line("", g.quote, g.char_start, g.char_end))
    return lines


def answer_from_facts(
    kinds: Sequence[str], question: str, lang: str, store: ChunkStore, records: Sequence[DocumentRecord]
) -> Answer:
    """One cited line per extracted item of each asked kind in each document, or "names no …"."""
    answer = Answer(question=question, lang=lang, text="", abstained=False)
    left, right = quote_marks(lang)
    out: list[str] = []
    for record in records:
        out += _document_lines(answer, kinds, lang, store, record, (left, right))
    answer.text = "\n".join(out)
    # Nothing of what was asked is in the documents: that is the plain "the documents don't say".
    answer.abstained = not answer.citations
    return answer


def _document_lines(
    answer: Answer,
    kinds: Sequence[str],
    lang: str,
    store: ChunkStore,
    record: DocumentRecord,
    quotes: tuple[str, str],
) -> list[str]:
    doc = document_overview(record, store)
    by_kind: dict[str, Sequence[PartnerItem | FundingItem | GoalItem]] = {
        "partner": doc.partners,
        "funding": doc.funding,
        "goal": doc.goals,
    }
    abbreviations = {p.name: p.abbreviation for p in doc.partners if p.abbreviation}
    left, right = quotes
    name = f"{left}{record.title}{right}"
    stored = passages_of(store, record)
    out: list[str] = []
    for kind in kinds:
        lines = _lines(kind, by_kind[kind], record.publisher, abbreviations)
        if not lines:
            out.append(_label("none", lang, doc=name, what=_WHAT[kind].get(lang, _WHAT[kind]["en"])))
            continue
        out.append(_label(kind, lang, doc=name))
        shown = lines[:MAX_GOALS] if kind == "goal" else lines
        for line in shown:
            passage = passage_at(store, record, line.start, line.end, stored)
            if passage is None:
                continue
            offset = line.start - passage.char_start
            n = cite(answer, passage, offset, offset + len(line.quote), 1.0)
            lead = f"{line.label} — " if line.label else ""
            out.append(f"• {lead}{left}{line.quote}{right} [{n}]")
        if len(lines) > len(shown):
            out.append(_label("more", lang, n=len(lines) - len(shown)))
    return out
