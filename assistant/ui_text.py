"""The chat UI's fixed labels in the languages the assistant answers in.

The UI switches to the language of the last question; the labels live here, next to
`assistant.messages`, so the UI module only renders them.
"""

from __future__ import annotations

__all__ = ["EXAMPLE_QUESTIONS", "UI_LANGS", "ui_lang", "ui_text"]

UI_LANGS = ("nb", "nn", "da", "sv", "en")

# One question each about goals, funding and partnerships, answered by the bundled corpus.
EXAMPLE_QUESTIONS = [
    "Hva er målene for Universitetskommune 3.0?",
    "Hvor mye penger får ordningen Kompetansepiloter i Innlandet til sammen?",
    "Hvilke partnere samarbeider Innlandet med i Kompetansepiloter?",
    "Hvad vil Herning Kommune med uddannelse?",
    "What are Hamar's goals for knowledge and competence?",
]

_TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "nb": "Strategiassistenten",
        "nn": "Strategiassistenten",
        "da": "Strategiassistenten",
        "sv": "Strategiassistenten",
        "en": "Strategy Assistant",
    },
    "intro": {
        "nb": "Still spørsmål om strategidokumentene. Hvert svar siterer dokumentene ordrett, med kilde.",
        "nn": "Still spørsmål om strategidokumenta. Kvart svar siterer dokumenta ordrett, med kjelde.",
        "da": "Stil spørgsmål om strategidokumenterne. Hvert svar citerer dokumenterne ordret, med kilde.",
        "sv": "Ställ frågor om strategidokumenten. Varje svar citerar dokumenten ordagrant, med källa.",
        "en": "Ask about the strategy documents. Every answer quotes them verbatim, with its source.",
    },
    # With a language-model server configured the answer is written, not quoted: say so honestly.
    "intro_generative": {
        "nb": "Still spørsmål om strategidokumentene. Svarene skrives av en språkmodell ut fra dokumentene; "
        "hver setning kontrolleres mot kildene den viser til.",
        "nn": "Still spørsmål om strategidokumenta. Svara blir skrivne av ein språkmodell ut frå dokumenta; "
        "kvar setning blir kontrollert mot kjeldene ho viser til.",
        "da": "Stil spørgsmål om strategidokumenterne. Svarene skrives af en sprogmodel ud fra dokumenterne; "
        "hver sætning kontrolleres mod de kilder, den henviser til.",
        "sv": "Ställ frågor om strategidokumenten. Svaren skrivs av en språkmodell utifrån dokumenten; "
        "varje mening kontrolleras mot källorna den hänvisar till.",
        "en": "Ask about the strategy documents. Answers are written by a language model from them; "
        "every sentence is checked against the sources it cites.",
    },
    "chat_label": {
        "nb": "Samtale",
        "nn": "Samtale",
        "da": "Samtale",
        "sv": "Samtal",
        "en": "Conversation",
    },
    "question_label": {
        "nb": "Spørsmål",
        "nn": "Spørsmål",
        "da": "Spørgsmål",
        "sv": "Fråga",
        "en": "Question",
    },
    "question_placeholder": {
        "nb": "Spør om mål, finansiering eller samarbeid …",
        "nn": "Spør om mål, finansiering eller samarbeid …",
        "da": "Spørg om mål, finansiering eller samarbejde …",
        "sv": "Fråga om mål, finansiering eller samarbete …",
        "en": "Ask about goals, funding or partnerships …",
    },
    "ask": {"nb": "Spør", "nn": "Spør", "da": "Spørg", "sv": "Fråga", "en": "Ask"},
    "new_chat": {
        "nb": "Ny samtale",
        "nn": "Ny samtale",
        "da": "Ny samtale",
        "sv": "Nytt samtal",
        "en": "New conversation",
    },
    "examples": {
        "nb": "Eksempler",
        "nn": "Døme",
        "da": "Eksempler",
        "sv": "Exempel",
        "en": "Examples",
    },
    "filter_label": {
        "nb": "Søk bare i disse dokumentene (tomt = alle)",
        "nn": "Søk berre i desse dokumenta (tomt = alle)",
        "da": "Søg kun i disse dokumenter (tomt = alle)",
        "sv": "Sök bara i dessa dokument (tomt = alla)",
        "en": "Only search these documents (empty = all)",
    },
    "sources": {"nb": "Kilder", "nn": "Kjelder", "da": "Kilder", "sv": "Källor", "en": "Sources"},
    "overview_tab": {"nb": "Oversikt", "nn": "Oversyn", "da": "Overblik", "sv": "Översikt", "en": "Overview"},
    "overview_kind": {
        "nb": "Finansiering|Partnere|Mål",
        "nn": "Finansiering|Partnarar|Mål",
        "da": "Finansiering|Partnere|Mål",
        "sv": "Finansiering|Partner|Mål",
        "en": "Funding|Partners|Goals",
    },
    # The Overview table's column headers, per kind (the columns of ui.render.OVERVIEW_COLUMNS).
    "overview_columns_funding": {
        "nb": "Dokument|Beløp|Finansiør|Mottaker|Periode|Sitat",
        "nn": "Dokument|Beløp|Finansiør|Mottakar|Periode|Sitat",
        "da": "Dokument|Beløb|Finansieret af|Modtager|Periode|Citat",
        "sv": "Dokument|Belopp|Finansiär|Mottagare|Period|Citat",
        "en": "Document|Amount|Funder|Recipient|Period|Quote",
    },
    "overview_columns_partner": {
        "nb": "Dokument|Partner|Rolle|Sitat",
        "nn": "Dokument|Partnar|Rolle|Sitat",
        "da": "Dokument|Partner|Rolle|Citat",
        "sv": "Dokument|Partner|Roll|Citat",
        "en": "Document|Partner|Role|Quote",
    },
    "overview_columns_goal": {
        "nb": "Dokument|Del|Sitat",
        "nn": "Dokument|Del|Sitat",
        "da": "Dokument|Afsnit|Citat",
        "sv": "Dokument|Avsnitt|Citat",
        "en": "Document|Section|Quote",
    },
    "funding_chart": {
        "nb": "Finansiering per dokument og finansiør",
        "nn": "Finansiering per dokument og finansiør",
        "da": "Finansiering pr. dokument og bevillingsgiver",
        "sv": "Finansiering per dokument och finansiär",
        "en": "Funding by document and funder",
    },
    "funder_unnamed": {
        "nb": "finansiør ikke nevnt",
        "nn": "finansiør ikkje nemnd",
        "da": "bevillingsgiver ikke nævnt",
        "sv": "finansiär inte nämnd",
        "en": "funder not named",
    },
    "overview_kind_label": {"nb": "Vis", "nn": "Vis", "da": "Vis", "sv": "Visa", "en": "Show"},
    "overview_docs_label": {
        "nb": "Dokumenter",
        "nn": "Dokument",
        "da": "Dokumenter",
        "sv": "Dokument",
        "en": "Documents",
    },
    "overview_contains": {"nb": "Filter", "nn": "Filter", "da": "Filter", "sv": "Filter", "en": "Filter"},
    "overview_hint": {
        "nb": "Klikk en rad for å åpne avsnittet i dokumentet.",
        "nn": "Klikk ei rad for å opne avsnittet i dokumentet.",
        "da": "Klik på en række for at åbne afsnittet i dokumentet.",
        "sv": "Klicka på en rad för att öppna stycket i dokumentet.",
        "en": "Click a row to open its passage in the document.",
    },
    "no_sources": {
        "nb": "Kildene til svaret vises her.",
        "nn": "Kjeldene til svaret blir viste her.",
        "da": "Kilderne til svaret vises her.",
        "sv": "Källorna till svaret visas här.",
        "en": "The answer's sources are shown here.",
    },
    "sources_for": {
        "nb": "Kilder til spørsmålet",
        "nn": "Kjelder til spørsmålet",
        "da": "Kilder til spørgsmålet",
        "sv": "Källor till frågan",
        "en": "Sources for the question",
    },
    "nearest": {
        "nb": "Nærmeste avsnitt (ikke sitert)",
        "nn": "Næraste avsnitt (ikkje sitert)",
        "da": "Nærmeste afsnit (ikke citeret)",
        "sv": "Närmaste stycken (inte citerade)",
        "en": "Nearest passages (not cited)",
    },
    "open_source": {
        "nb": "Klikk på en kilde for å se hele dokumentet",
        "nn": "Klikk på ei kjelde for å sjå heile dokumentet",
        "da": "Klik på en kilde for at se hele dokumentet",
        "sv": "Klicka på en källa för att se hela dokumentet",
        "en": "Click a source to see the whole document",
    },
    "document": {"nb": "Dokument", "nn": "Dokument", "da": "Dokument", "sv": "Dokument", "en": "Document"},
    "no_document": {
        "nb": "Velg en kilde for å se hele dokumentet, med avsnittet markert.",
        "nn": "Vel ei kjelde for å sjå heile dokumentet, med avsnittet markert.",
        "da": "Vælg en kilde for at se hele dokumentet med afsnittet markeret.",
        "sv": "Välj en källa för att se hela dokumentet med stycket markerat.",
        "en": "Choose a source to see the whole document with the passage marked.",
    },
    "document_gone": {
        "nb": "Dokumentet finnes ikke lenger i indeksen.",
        "nn": "Dokumentet finst ikkje lenger i indeksen.",
        "da": "Dokumentet findes ikke længere i indekset.",
        "sv": "Dokumentet finns inte längre i indexet.",
        "en": "The document is no longer in the index.",
    },
    "publisher": {"nb": "Utgiver", "nn": "Utgjevar", "da": "Udgiver", "sv": "Utgivare", "en": "Publisher"},
    "language": {"nb": "Språk", "nn": "Språk", "da": "Sprog", "sv": "Språk", "en": "Language"},
    "file": {"nb": "Fil", "nn": "Fil", "da": "Fil", "sv": "Fil", "en": "File"},
    "export": {
        "nb": "Kopier eller eksporter svaret med kilder",
        "nn": "Kopier eller eksporter svaret med kjelder",
        "da": "Kopiér eller eksportér svaret med kilder",
        "sv": "Kopiera eller exportera svaret med källor",
        "en": "Copy or export the answer with its sources",
    },
    "feedback": {
        "nb": "Var svaret nyttig?",
        "nn": "Var svaret nyttig?",
        "da": "Var svaret nyttigt?",
        "sv": "Var svaret till hjälp?",
        "en": "Was this answer helpful?",
    },
    "helpful": {
        "nb": "👍 Nyttig",
        "nn": "👍 Nyttig",
        "da": "👍 Nyttigt",
        "sv": "👍 Till hjälp",
        "en": "👍 Helpful",
    },
    "not_helpful": {
        "nb": "👎 Ikke nyttig",
        "nn": "👎 Ikkje nyttig",
        "da": "👎 Ikke nyttigt",
        "sv": "👎 Inte till hjälp",
        "en": "👎 Not helpful",
    },
    "comment": {
        "nb": "Kommentar (valgfritt)",
        "nn": "Kommentar (valfritt)",
        "da": "Kommentar (valgfrit)",
        "sv": "Kommentar (valfritt)",
        "en": "Comment (optional)",
    },
    "feedback_saved": {
        "nb": "Takk! Tilbakemeldingen er lagret.",
        "nn": "Takk! Tilbakemeldinga er lagra.",
        "da": "Tak! Din tilbagemelding er gemt.",
        "sv": "Tack! Din återkoppling är sparad.",
        "en": "Thank you! Your feedback was saved.",
    },
    "feedback_nothing": {
        "nb": "Still et spørsmål først.",
        "nn": "Still eit spørsmål først.",
        "da": "Stil et spørgsmål først.",
        "sv": "Ställ en fråga först.",
        "en": "Ask a question first.",
    },
    "searching": {
        "nb": "Søker i dokumentene …",
        "nn": "Søkjer i dokumenta …",
        "da": "Søger i dokumenterne …",
        "sv": "Söker i dokumenten …",
        "en": "Searching the documents …",
    },
    "rate_limited": {
        "nb": "Du har stilt mange spørsmål på kort tid. Vent litt og prøv igjen.",
        "nn": "Du har stilt mange spørsmål på kort tid. Vent litt og prøv igjen.",
        "da": "Du har stillet mange spørgsmål på kort tid. Vent lidt og prøv igen.",
        "sv": "Du har ställt många frågor på kort tid. Vänta en stund och försök igen.",
        "en": "You have asked many questions in a short time. Please wait a moment and try again.",
    },
    "failed": {
        "nb": "Beklager, noe gikk galt: {error}",
        "nn": "Orsak, noko gjekk gale: {error}",
        "da": "Beklager, noget gik galt: {error}",
        "sv": "Tyvärr gick något fel: {error}",
        "en": "Sorry, something went wrong: {error}",
    },
    # Staff pages.
    "chat_tab": {"nb": "Chat", "nn": "Chat", "da": "Chat", "sv": "Chatt", "en": "Chat"},
    "documents_tab": {
        "nb": "Dokumenter",
        "nn": "Dokument",
        "da": "Dokumenter",
        "sv": "Dokument",
        "en": "Documents",
    },
    "upload": {
        "nb": "Last opp dokumenter ({types}; høyst {mb:.0f} MB per fil)",
        "nn": "Last opp dokument ({types}; høgst {mb:.0f} MB per fil)",
        "da": "Upload dokumenter ({types}; højst {mb:.0f} MB pr. fil)",
        "sv": "Ladda upp dokument ({types}; högst {mb:.0f} MB per fil)",
        "en": "Upload documents ({types}; at most {mb:.0f} MB per file)",
    },
    "add": {
        "nb": "Legg til i indeksen",
        "nn": "Legg til i indeksen",
        "da": "Føj til indekset",
        "sv": "Lägg till i indexet",
        "en": "Add to the index",
    },
    "refresh": {
        "nb": "Oppdater listen",
        "nn": "Oppdater lista",
        "da": "Opdatér listen",
        "sv": "Uppdatera listan",
        "en": "Refresh the list",
    },
    "choose_document": {
        "nb": "Dokument",
        "nn": "Dokument",
        "da": "Dokument",
        "sv": "Dokument",
        "en": "Document",
    },
    "reindex": {
        "nb": "Indekser på nytt",
        "nn": "Indekser på nytt",
        "da": "Indeksér igen",
        "sv": "Indexera om",
        "en": "Re-index",
    },
    "delete": {"nb": "Slett", "nn": "Slett", "da": "Slet", "sv": "Radera", "en": "Delete"},
    "confirm_delete": {
        "nb": "Ja, slett dokumentet",
        "nn": "Ja, slett dokumentet",
        "da": "Ja, slet dokumentet",
        "sv": "Ja, radera dokumentet",
        "en": "Yes, delete the document",
    },
    "confirm_first": {
        "nb": "Kryss av for å bekrefte slettingen først.",
        "nn": "Kryss av for å stadfeste slettinga først.",
        "da": "Sæt kryds for at bekræfte sletningen først.",
        "sv": "Kryssa i för att bekräfta raderingen först.",
        "en": "Tick the box to confirm the deletion first.",
    },
    "deleted": {
        "nb": "Slettet {source}.",
        "nn": "Sletta {source}.",
        "da": "Slettede {source}.",
        "sv": "Raderade {source}.",
        "en": "Deleted {source}.",
    },
    "not_found": {
        "nb": "Fant ikke {source}.",
        "nn": "Fann ikkje {source}.",
        "da": "Fandt ikke {source}.",
        "sv": "Hittade inte {source}.",
        "en": "{source} was not found.",
    },
    "no_files": {
        "nb": "Velg minst én fil.",
        "nn": "Vel minst éi fil.",
        "da": "Vælg mindst én fil.",
        "sv": "Välj minst en fil.",
        "en": "Choose at least one file.",
    },
    "no_selection": {
        "nb": "Velg et dokument først.",
        "nn": "Vel eit dokument først.",
        "da": "Vælg et dokument først.",
        "sv": "Välj ett dokument först.",
        "en": "Choose a document first.",
    },
    "working": {
        "nb": "Arbeider",
        "nn": "Arbeider",
        "da": "Arbejder",
        "sv": "Arbetar",
        "en": "Working",
    },
    # The staff's upload and re-index report: the statuses, then the summary line.
    "report_status": {
        "nb": "lagt til|oppdatert|uendret|fjernet|hoppet over",
        "nn": "lagt til|oppdatert|uendra|fjerna|hoppa over",
        "da": "tilføjet|opdateret|uændret|fjernet|sprunget over",
        "sv": "tillagd|uppdaterad|oförändrad|borttagen|överhoppad",
        "en": "added|updated|unchanged|removed|skipped",
    },
    "report_summary": {
        "nb": "{files} filer: {counts}; {chunks} tekstbiter skrevet på {seconds} s",
        "nn": "{files} filer: {counts}; {chunks} tekstbitar skrivne på {seconds} s",
        "da": "{files} filer: {counts}; {chunks} tekststykker skrevet på {seconds} s",
        "sv": "{files} filer: {counts}; {chunks} textbitar skrivna på {seconds} s",
        "en": "{files} files: {counts}; {chunks} chunks written in {seconds} s",
    },
    "columns": {
        "nb": "Tittel|Fil|Utgiver|Språk|Avsnitt|Indeksert",
        "nn": "Tittel|Fil|Utgjevar|Språk|Avsnitt|Indeksert",
        "da": "Titel|Fil|Udgiver|Sprog|Afsnit|Indekseret",
        "sv": "Titel|Fil|Utgivare|Språk|Stycken|Indexerad",
        "en": "Title|File|Publisher|Language|Chunks|Ingested",
    },
    "status": {
        "nb": "Status",
        "nn": "Status",
        "da": "Status",
        "sv": "Status",
        "en": "Status",
    },
}


def ui_lang(lang: str | None) -> str:
    """A language the UI has labels for (English for anything else)."""
    return lang if lang in UI_LANGS else "en"


def ui_text(key: str, lang: str, **values: object) -> str:
    """The label `key` in `lang` (English when the language is not known)."""
    texts = _TEXTS[key]
    text = texts.get(lang, texts["en"])
    return text.format(**values) if values else text
