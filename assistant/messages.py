"""The assistant's fixed sentences in the languages it answers in."""

from __future__ import annotations

__all__ = ["message", "quote_marks"]

_MESSAGES: dict[str, dict[str, str]] = {
    "answer_intro": {
        "nb": "Dokumentene sier:",
        "nn": "Dokumenta seier:",
        "da": "Dokumenterne siger:",
        "sv": "Dokumenten säger:",
        "en": "The documents say:",
        "de": "Die Dokumente sagen:",
    },
    # The question asks for a detail (an amount, a date) the closest sentence does not give.
    "missing_detail": {
        "nb": "Dokumentene oppgir ikke dette. Det nærmeste de sier, er:",
        "nn": "Dokumenta oppgir ikkje dette. Det næraste dei seier, er:",
        "da": "Dokumenterne oplyser ikke dette. Det nærmeste, de siger, er:",
        "sv": "Dokumenten anger inte detta. Det närmaste de säger är:",
        "en": "The documents do not give this. The closest they say is:",
        "de": "Die Dokumente nennen das nicht. Am nächsten kommt:",
    },
    # Before the items of a list answer, one per line.
    "list_intro": {
        "nb": "Dokumentene nevner:",
        "nn": "Dokumenta nemner:",
        "da": "Dokumenterne nævner:",
        "sv": "Dokumenten nämner:",
        "en": "The documents name:",
        "de": "Die Dokumente nennen:",
    },
    # ... when the items stand under a heading the answer quotes ("Tematiske hovedområder").
    "list_under": {
        "nb": "Under {heading} nevner dokumentene:",
        "nn": "Under {heading} nemner dokumenta:",
        "da": "Under {heading} nævner dokumenterne:",
        "sv": "Under {heading} nämner dokumenten:",
        "en": "Under {heading} the documents name:",
        "de": "Unter {heading} nennen die Dokumente:",
    },
    # Before the direct answer (the short span) that leads a fact answer.
    "direct_answer": {
        "nb": "Svar:",
        "nn": "Svar:",
        "da": "Svar:",
        "sv": "Svar:",
        "en": "Answer:",
        "de": "Antwort:",
    },
    "abstain": {
        "nb": "Dokumentene sier ikke noe om dette. De nærmeste avsnittene er vist under.",
        "nn": "Dokumenta seier ikkje noko om dette. Dei næraste avsnitta er viste under.",
        "da": "Dokumenterne siger ikke noget om dette. De nærmeste afsnit er vist nedenfor.",
        "sv": "Dokumenten säger inget om detta. De närmaste styckena visas nedan.",
        "en": "The documents don't say. The nearest passages are shown below.",
        "de": "Die Dokumente sagen nichts dazu. Die nächsten Abschnitte stehen unten.",
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
        "de": "Die Frage ist zu lang ({length} Zeichen). Höchstens {limit} Zeichen.",
    },
    "empty_question": {
        "nb": "Skriv et spørsmål.",
        "nn": "Skriv eit spørsmål.",
        "da": "Skriv et spørgsmål.",
        "sv": "Skriv en fråga.",
        "en": "Please type a question.",
        "de": "Bitte geben Sie eine Frage ein.",
    },
    # Generative answers (assistant/generate.py).
    "llm_generated": {
        "nb": "Skrevet av språkmodellen; hver setning er kontrollert mot avsnittet den viser til.",
        "nn": "Skrive av språkmodellen; kvar setning er kontrollert mot avsnittet ho viser til.",
        "da": "Skrevet af sprogmodellen; hver sætning er kontrolleret mod afsnittet, den henviser til.",
        "sv": "Skrivet av språkmodellen; varje mening är kontrollerad mot stycket den hänvisar till.",
        "en": "Written by the language model; each sentence was checked against the passage it cites.",
    },
    "llm_unavailable": {
        "nb": "Språkmodellen svarte ikke (i tide), så svaret er sitert direkte fra dokumentene.",
        "nn": "Språkmodellen svara ikkje (i tide), så svaret er sitert direkte frå dokumenta.",
        "da": "Sprogmodellen svarede ikke (i tide), så svaret er citeret direkte fra dokumenterne.",
        "sv": "Språkmodellen svarade inte (i tid), så svaret är citerat direkt ur dokumenten.",
        "en": "The language model did not answer (in time), so the answer is quoted from the documents.",
    },
    "llm_unverified": {
        "nb": "Kildene bekreftet ikke språkmodellens svar, så svaret er sitert fra dokumentene.",
        "nn": "Kjeldene stadfesta ikkje svaret frå språkmodellen, så svaret er sitert frå dokumenta.",
        "da": "Kilderne bekræftede ikke sprogmodellens svar, så svaret er citeret fra dokumenterne.",
        "sv": "Källorna bekräftade inte språkmodellens svar, så svaret är citerat ur dokumenten.",
        "en": "The sources did not support the language model's answer, so it is quoted from the documents.",
    },
    "unsupported_flag": {
        "nb": "⚠ ikke bekreftet av kildene",
        "nn": "⚠ ikkje stadfesta av kjeldene",
        "da": "⚠ ikke bekræftet af kilderne",
        "sv": "⚠ inte bekräftat av källorna",
        "en": "⚠ not supported by the sources",
    },
    "sentences_removed": {
        "nb": "{count} setning(er) ble fjernet fordi kildene ikke støtter dem.",
        "nn": "{count} setning(ar) vart fjerna fordi kjeldene ikkje støttar dei.",
        "da": "{count} sætning(er) blev fjernet, fordi kilderne ikke understøtter dem.",
        "sv": "{count} mening(ar) togs bort eftersom källorna inte stöder dem.",
        "en": "{count} sentence(s) removed because the sources do not support them.",
    },
    "links_removed": {
        "nb": "Lenker og bilder i modellens svar er fjernet.",
        "nn": "Lenker og bilete i svaret frå modellen er fjerna.",
        "da": "Links og billeder i modellens svar er fjernet.",
        "sv": "Länkar och bilder i modellens svar har tagits bort.",
        "en": "Links and images in the model's answer were removed.",
    },
}


def message(key: str, lang: str, **values: object) -> str:
    """The text `key` in `lang` (English when the language is not known)."""
    texts = _MESSAGES[key]
    return texts.get(lang, texts["en"]).format(**values)


_QUOTES = {"en": ("“", "”"), "de": ("„", "“")}


def quote_marks(lang: str) -> tuple[str, str]:
    """The opening and closing quotation marks of `lang` (guillemets for the Scandinavian ones)."""
    return _QUOTES.get(lang, ("«", "»"))
