"""English and German words of the strategy domain with their Norwegian and Danish counterparts.

BM25 cannot match "funding" to "finansierer" or "partners" to "samarbeider", and a small
multilingual embedding model separates cross-language sentences poorly. English questions over
Scandinavian documents therefore get these counterparts added to their lexical query. The list
covers the vocabulary of municipal strategy documents (money, partners, goals, institutions), not
any particular question set. German words map onto the English entries (`_GERMAN`), since a
German question over Scandinavian documents has the same problem and the same answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "COMPOUND_LINKS",
    "COMPOUND_PART",
    "GLOSSARY_LANGS",
    "NORDIC_LANGS",
    "compound_counterparts",
    "counterparts",
    "expand_english",
    "is_translated_compound",
    "nordic_counterparts",
]

# The question languages whose words the glossary translates.
GLOSSARY_LANGS = frozenset({"en", "de"})

# Where a place lies: "located" and "situated" alike.
_PLACED = "beliggenhet beliggenhed plassering placering placeret plassert"
_TERMS: dict[str, str] = {
    "partner": "partner partnere samarbeidspartner samarbeidspartnere samarbeid samarbeider samarbejde",
    "partnership": "partnerskap partnerskab samarbeid samarbejde",
    "collaborat": "samarbeid samarbeider samarbejde samarbejder",
    "cooperat": "samarbeid samarbeider samarbejde samarbejder",
    "work with": "samarbeider samarbejder",
    "fund": "finansiering finansierer finansieret midler bevilget bevilling tilskudd tilskud støtte",
    "financ": "finansiering finansierer finansieret finansierer",
    "money": "penger midler kroner penge",
    "grant": "bevilget bevilling tilskudd tilskud",
    "million": "millioner million mio mill",
    "budget": "budsjett budget",
    "cost": "kostnad kostnader koster omkostninger",
    "goal": "mål målet målsetting målsætning",
    "aim": "mål målet formål",
    "objective": "mål målsetting målsætning",
    "target": "mål måltall",
    "ambition": "ambisjon ambition ambisjoner",
    "vision": "visjon vision",
    "strateg": "strategi strategien",
    "measure": "tiltak virkemidler indsats",
    "initiative": "tiltak initiativ indsats initiativer",
    "instrument": "virkemidler virkemiddel",
    "action": "tiltak handling indsats",
    "minist": "departement departementet ministerium",  # ministry, ministries, a misspelt "ministery"
    "government": "regjeringen staten regeringen",
    "county": "fylke fylkeskommune fylkeskommunen region",
    "municipal": "kommune kommunen kommunal kommunens",
    "city": "by byen kommune",
    "town": "by byen",
    "region": "region regionen regionale distriktene",
    "district": "distrikt distriktene",
    "universit": "universitet universitetet universiteter universitetsby",
    "college": "høgskole høgskolen fagskole",
    "school": "skole skolen skoler",
    "provider": "tilbyder tilbydere tilbud udbyder udbydere",
    "educat": "utdanning utdanningen uddannelse uddannelser undervisning",
    "student": "studenter studerende elever",
    "teacher": "lærer lærere lærerne",
    "research": "forskning forsker forskere forskningsmiljøer",
    "innovat": "innovasjon innovation",
    "business": "næringsliv erhvervsliv bedrifter virksomheter næring",
    "compan": "bedrifter bedriften virksomheter selskap",
    "industr": "industri næring treindustri næringer",
    "employ": "arbeidsplasser arbejdspladser arbeidskraft",
    "job": "arbeidsplasser arbejdspladser",
    "workforce": "arbeidskraft",
    "competen": "kompetanse kompetence",
    "skill": "kompetanse kompetence ferdigheter",
    "cluster": "klynge næringsklynge næringsklynger",
    "wood": "tre treindustri skog",
    "timber": "tre treindustri",
    "forest": "skog skogdrift",
    "population": "innbyggere befolkning indbyggere befolkningen",
    "inhabitant": "innbyggere indbyggere",
    "resident": "innbyggere indbyggere",
    "year": "år årig",
    "period": "periode perioden treårsperiode",
    "export": "eksport eksportskolen",
    "health": "helse sundhed",
    "welfare": "velferd velfærd",
    "digital": "digital digitalisering digitale",
    "steering": "styringsgruppe styring",
    "agreement": "avtale avtalen aftale",
    "priorit": "prioritert prioritering prioriteret",
    "national": "nasjonal nationalt nasjonale",
    "pilot": "pilot piloter kompetansepiloter",
    "attract": "tiltrekke tiltrække tiltrækker",
    "develop": "utvikle utvikling udvikling udvikle",
    "young": "unge ungdom",
    "startup": "gründer gründerkultur start-up",
    "start-up": "gründer gründerkultur start-up",
    "entrepreneur": "gründer gründerkultur iværksætter",
    "primary school": "grunnskole grunnskolen grunnskoler grunnskolene folkeskole folkeskolen grundskole",
    "upper secondary": "videregående vidaregåande gymnasium gymnasiet gymnasie",
    "locat": _PLACED,
    "situated": _PLACED,
    "bioeconom": "bioøkonomi",
    "thematic": "tematiske",
    "area": "områder område",
    "mandate": "mandat",
    "responsib": "ansvar ansvarlig",
    "lifelong": "livslang hele livet",
    # Adult learning and guidance: the bodies a competence strategy works through.
    "career": "karriere karrieresenter karrieresentre karrieresentrene karrieresenteret karrierevejledning",
    "adult learning": "voksnes læring voksenopplæring voksenuddannelse vuxenutbildning",
    "adult education": "voksenopplæring voksnes læring voksenuddannelse vuxenutbildning",
    "vocational": "yrkesfag yrkesfaglig yrkesfaglige erhvervsuddannelse erhvervsuddannelser",
    "apprentice": "lærling lærlinger lærlinge lærlingeplads",
    "further education": "etter- og videreutdanning efteruddannelse videreuddannelse",
    "labour market": "arbeidsmarked arbeidsmarkedet arbejdsmarked arbejdsmarkedet",
    "labor market": "arbeidsmarked arbeidsmarkedet arbejdsmarked arbejdsmarkedet",
    "integrat": "integration integrere integrering kobling koblingen",
    "connect": "kobling koblingen koble koblet",
    # Countries and regions: a question names them in its own language ("Norway", "Jutland"), the
    # documents in theirs ("Norge", "de jyske unge"). A name that every language spells alike
    # ("Finland", "Trondheim") needs none.
    "norw": "norge noreg norsk norske",
    "swed": "sverige svensk svenske",
    "denmark": "danmark dansk danske",
    "danish": "dansk danske danmark",
    "german": "tyskland tysk tyske",
    "finnish": "finsk finske",
    "iceland": "island islandsk",
    "nordic": "nordisk nordiske norden",
    "scandinavia": "skandinavia skandinavien skandinavisk",
    "jutland": "jylland jysk jyske",
    "zealand": "sjælland sjællandsk",
    "funen": "fyn fynsk",
    "scania": "skåne skånsk",
    "copenhagen": "københavn",
    "gothenburg": "göteborg gøteborg",
    "europe": "europa europeisk europæisk europeiske europæiske",
    "soviet": "sovjet sovjetunionen",
    "russia": "russland rusland russisk",
    "britain": "storbritannia storbritannien britisk",
    "british": "britisk britiske storbritannia",
    "dutch": "nederlandsk hollandsk nederland",
    "netherlands": "nederland nederlandene",
    "france": "frankrike frankrig",
    "french": "fransk franske",
    "spain": "spania spanien",
    "spanish": "spansk spanske",
    "italy": "italia italien",
    "italian": "italiensk italienske",
    "greece": "hellas grækenland",
    "greek": "gresk græsk",
    "china": "kina",
    "chinese": "kinesisk kinesiske",
}
# German word starts and the English entry they share. A German compound opens with its first
# part ("Weiterbildungsanbieter", "Bildungsangebot"), so the start of a word is what is matched;
# words whose start also opens unrelated words are left out ("Mittel": "mittelgroß", "Schul":
# "Schulden", "Kreis": a circle). Words the English entries already catch ("Partnerschaft",
# "Strategie", "Region", "Innovation", "Ministerium", "Industrie", "Millionen") are not repeated.
_GERMAN: dict[str, str] = {
    "zusammenarbeit": "collaborat", "kooper": "cooperat", "finanz": "financ", "förder": "fund",
    "geld": "money", "zuschuss": "grant", "zuschüss": "grant", "bewillig": "grant",
    "haushalt": "budget", "etat": "budget", "kosten": "cost", "kostet": "cost", "ziel": "goal",
    "zweck": "aim", "maßnahm": "measure", "massnahm": "measure", "initiativ": "initiative",
    "regierung": "government", "staat": "government", "landkreis": "county", "provinz": "county",
    "kommun": "municipal", "gemeinde": "municipal", "stadt": "city", "städt": "city",
    "bezirk": "district", "universität": "universit", "universitat": "universit",
    "hochschul": "college", "fachhochschul": "college", "fachschul": "college", "schule": "school",
    "anbieter": "provider",
    "bildung": "educat", "ausbildung": "educat", "studium": "educat", "studieng": "educat",
    "studierend": "student", "schüler": "student", "lehrer": "teacher", "forsch": "research",
    "wissenschaft": "research", "wirtschaft": "business", "gewerbe": "business",
    "unternehm": "compan", "betrieb": "compan", "firma": "compan", "firmen": "compan",
    "arbeitsplatz": "employ", "arbeitsplätz": "employ", "beschäftig": "employ",
    "arbeitskräft": "workforce", "fachkräft": "workforce", "arbeitsmarkt": "labour market",
    "kompetenz": "competen", "fähigkeit": "skill", "qualifikation": "skill", "holz": "wood",
    "wald": "forest", "forst": "forest", "bevölkerung": "population", "einwohner": "inhabitant",
    "jahr": "year", "zeitraum": "period", "gesundheit": "health", "wohlfahrt": "welfare",
    "lenkungs": "steering", "steuerungs": "steering", "vereinbarung": "agreement",
    "abkommen": "agreement", "vertrag": "agreement", "verträg": "agreement", "anzieh": "attract",
    "anlock": "attract", "entwickl": "develop", "jugend": "young", "junge": "young",
    "gründer": "entrepreneur", "existenzgründ": "entrepreneur", "bioökonom": "bioeconom",
    "thematisch": "thematic", "bereich": "area", "gebiet": "area", "mandat": "mandate",
    "verantwort": "responsib", "lebenslang": "lifelong", "weiterbildung": "further education",
    "fortbildung": "further education", "verknüpf": "connect", "verbind": "connect",
    "verzahn": "integrat", "integr": "integrat", "kopplung": "connect",
    "norweg": "norw", "schwed": "swed", "dänemark": "denmark", "dänisch": "danish",
    "deutsch": "german", "isländ": "iceland", "skandinav": "scandinavia", "nordisch": "nordic",
    "jütland": "jutland", "seeland": "zealand", "schonen": "scania", "kopenhagen": "copenhagen",
    "europä": "europe", "sowjet": "soviet", "russisch": "russia", "großbritann": "britain",
    "britisch": "british", "niederländ": "dutch", "niederlande": "netherlands", "frankreich": "france",
    "französ": "french", "spanien": "spain", "spanisch": "spanish", "italien": "italy",
    "italienisch": "italian", "griechenland": "greece", "griechisch": "greek", "chinesisch": "chinese",
}  # fmt: skip
# Norwegian, Danish and Swedish word starts whose neighbours say it with another word, not another
# spelling (`cognates.is_kin` finds "samarbete" for "samarbeid", but not "erhvervslivet" for
# "näringslivet"), and the English entry whose counterparts they share. Words as common as
# education, company or further education are left out: searched for in every language's words,
# Swedish "vidareutbildning" found the Trondheim slides' "etter- og videreutdanning" before the
# Innlandet passage that answered.
_NORDIC: dict[str, str] = {
    "næringsliv": "business", "näringsliv": "business", "erhvervsliv": "business",
    "iværksæt": "entrepreneur", "entreprenör": "entrepreneur", "gründer": "entrepreneur",
    "ministeri": "minist", "departement": "minist", "invånar": "inhabitant",
    "styrgrupp": "steering", "styregrupp": "steering", "styringsgrupp": "steering", "kluster": "cluster",
    "grundskol": "primary school", "grunnskol": "primary school", "folkeskol": "primary school",
    "gymnas": "upper secondary", "videregå": "upper secondary", "vidaregå": "upper secondary",
    "beliggen": "locat", "placering": "locat", "plassering": "locat",
}  # fmt: skip
_KEYS = sorted(_TERMS, key=len, reverse=True)
_GERMAN_KEYS = sorted(_GERMAN, key=len, reverse=True)
_NORDIC_KEYS = sorted(_NORDIC, key=len, reverse=True)
# The question languages whose words `nordic_counterparts` looks up.
NORDIC_LANGS = frozenset({"nb", "nn", "da", "sv"})


def _entry_of(word: str, table: dict[str, str], keys: list[str]) -> str:
    """The counterparts of the English entry that `table` maps the word's start to ('' if none)."""
    key = next((key for key in keys if word.startswith(key)), None)
    return _TERMS[table[key]] if key is not None else ""


def counterparts(word: str) -> str:
    """Norwegian/Danish counterparts of one English or German word ('' if it is not a domain term)."""
    w = word.lower()
    found = [_TERMS[key] for key in _KEYS if " " not in key and w.startswith(key)]
    return " ".join(found) or _entry_of(w, _GERMAN, _GERMAN_KEYS)


def nordic_counterparts(word: str) -> str:
    """What Norwegian and Danish call a Norwegian, Danish or Swedish word that they say with another
    word ('' if it is not one of `_NORDIC`)."""
    return _entry_of(word.lower(), _NORDIC, _NORDIC_KEYS)


def expand_english(question: str) -> str:
    """Norwegian/Danish counterparts of the strategy terms in an English or German question ('' if
    none)."""
    lowered = question.lower()
    words = re.findall(r"[^\W\d_][\w-]*", lowered)
    added = [_TERMS[key] for key in _KEYS if " " in key and key in lowered]
    added.extend(counterparts(w) for w in words)
    return " ".join(dict.fromkeys(" ".join(added).split()))


# A compound's parts are at least this long ("tre" of "treindustri" is too short to tell).
COMPOUND_PART = 4
# What Norwegian, Danish and Swedish put between a compound's parts ("universitet-s-skoler").
COMPOUND_LINKS = ("", "s", "e")


@lru_cache(maxsize=1 << 12)
def compound_counterparts(word: str) -> tuple[str, str]:
    """The counterparts of a German compound's first part and of its last part ("universitet …"
    and "skole skolen skoler" for "Universitätsschulen"). German writes the compound as one word,
    so only its parts are glossary words. The glossary matches a word by its start, so the first
    part's are the word's own; the last part's are looked up at each split."""
    w = word.lower()
    lasts = " ".join(counterparts(w[split:]) for split in range(COMPOUND_PART, len(w) - COMPOUND_PART + 1))
    return counterparts(w), " ".join(dict.fromkeys(lasts.split()))


def is_translated_compound(token: str, word: str) -> bool:
    """Whether the Scandinavian `token` is the German compound `word` with both parts translated
    ("universitetsskoler" for "Universitätsschulen"): a counterpart of its first part, maybe a
    linking s or e, then a counterpart of its last part."""
    token = token.lower()
    first_words, last_words = compound_counterparts(word)
    lasts = [c[:COMPOUND_PART] for c in last_words.split() if len(c) >= COMPOUND_PART]
    for first in first_words.split():
        if len(first) >= COMPOUND_PART and token.startswith(first):
            rest = token[len(first) :]
            if any(rest.startswith(link + last) for link in COMPOUND_LINKS for last in lasts):
                return True
    return False
