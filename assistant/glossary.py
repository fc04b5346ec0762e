"""English words of the strategy domain with their Norwegian and Danish counterparts.

BM25 cannot match "funding" to "finansierer" or "partners" to "samarbeider", and a small
multilingual embedding model separates cross-language sentences poorly. English questions over
Scandinavian documents therefore get these counterparts added to their lexical query. The list
covers the vocabulary of municipal strategy documents (money, partners, goals, institutions), not
any particular question set.
"""

from __future__ import annotations

import re

__all__ = ["counterparts", "expand_english"]

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
    "bioeconom": "bioøkonomi",
    "thematic": "tematiske",
    "area": "områder område",
    "mandate": "mandat",
    "responsib": "ansvar ansvarlig",
    "lifelong": "livslang hele livet",
    "further education": "etter- og videreutdanning efteruddannelse videreuddannelse",
}
_KEYS = sorted(_TERMS, key=len, reverse=True)


def counterparts(word: str) -> str:
    """Norwegian/Danish counterparts of one English word ('' if it is not a domain term)."""
    w = word.lower()
    return " ".join(_TERMS[key] for key in _KEYS if " " not in key and w.startswith(key))


def expand_english(question: str) -> str:
    """Norwegian/Danish counterparts of the strategy terms in an English question ('' if none)."""
    lowered = question.lower()
    words = re.findall(r"[a-z][a-z-]*", lowered)
    added = [_TERMS[key] for key in _KEYS if " " in key and key in lowered]
    added.extend(counterparts(w) for w in words)
    return " ".join(dict.fromkeys(" ".join(added).split()))
