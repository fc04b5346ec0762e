"""The assistant's fixed sentences in the languages it answers in."""

from __future__ import annotations

__all__ = ["message"]

_MESSAGES: dict[str, dict[str, str]] = {
    "answer_intro": {
        "nb": "Dokumentene sier:",
        "nn": "Dokumenta seier:",
        "da": "Dokumenterne siger:",
        "sv": "Dokumenten säger:",
        "en": "The documents say:",
    },
    "abstain": {
        "nb": "Dokumentene sier ikke noe om dette. De nærmeste avsnittene er vist under.",
        "nn": "Dokumenta seier ikkje noko om dette. Dei næraste avsnitta er viste under.",
        "da": "Dokumenterne siger ikke noget om dette. De nærmeste afsnit er vist nedenfor.",
        "sv": "Dokumenten säger inget om detta. De närmaste styckena visas nedan.",
        "en": "The documents don't say. The nearest passages are shown below.",
    },
    "empty_index": {
        "nb": "Det er ingen dokumenter i indeksen ennå. Kjør `strategy-assistant ingest corpus/` først.",
        "nn": "Det er ingen dokument i indeksen enno. Køyr `strategy-assistant ingest corpus/` først.",
        "da": "Der er ingen dokumenter i indekset endnu. Kør `strategy-assistant ingest corpus/` først.",
        "sv": "Det finns inga dokument i indexet ännu. Kör `strategy-assistant ingest corpus/` först.",
        "en": "There are no documents in the index yet. Run `strategy-assistant ingest corpus/` first.",
    },
    "too_long": {
        "nb": "Spørsmålet er for langt ({length} tegn). Maksimum er {limit} tegn.",
        "nn": "Spørsmålet er for langt ({length} teikn). Maksimum er {limit} teikn.",
        "da": "Spørgsmålet er for langt ({length} tegn). Maksimum er {limit} tegn.",
        "sv": "Frågan är för lång ({length} tecken). Maximum är {limit} tecken.",
        "en": "The question is too long ({length} characters). The maximum is {limit} characters.",
    },
    "empty_question": {
        "nb": "Skriv et spørsmål.",
        "nn": "Skriv eit spørsmål.",
        "da": "Skriv et spørgsmål.",
        "sv": "Skriv en fråga.",
        "en": "Please type a question.",
    },
}


def message(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang` (English when the language is not known)."""
    texts = _MESSAGES[key]
    return texts.get(lang, texts["en"]).format(**values)
