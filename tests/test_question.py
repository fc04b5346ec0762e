"""Question analysis: answer type and language, follow-up resolution, domain glossary."""

from __future__ import annotations

import pytest

from assistant.cognates import is_kin
from assistant.followup import resolve_followup
from assistant.glossary import expand_english, nordic_counterparts
from assistant.question import (
    amount_party,
    analyze_question,
    asks_about_the_document,
    asks_leader,
    asks_persons_name,
    asks_rate,
    asks_role_of,
    asks_summary,
    asks_who_did,
    counts_the_asked,
    dates_the_named,
    group_noun,
    has_type_evidence,
    is_dateline,
    misspells_name,
    names_a_person,
    names_party,
    names_the_person,
    names_the_role,
    refers_to_person,
    share_recipients,
    spelled_out_abbreviation,
    spells_out,
    split_parties,
    without_attribution,
    without_cleft,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hvor mye penger får Kompetansepiloter til sammen?", "amount"),
        ("How much money does the county contribute?", "amount"),
        ("Hvor mange kommuner deltar?", "count"),
        ("What is the population of Herning?", "count"),
        ("Når ble Eksportskolen etablert?", "time"),
        ("Hvor lang tid har partene på å etablere en pilot?", "time"),
        # Nynorsk asks a year "kva for eit år", as bokmål "hvilket år".
        ("Kva for eit år vart Eksportskolen etablert?", "time"),
        ("Hvem finansierer ordningen?", "person"),
        ("Hvorfor satser Innlandet på treindustrien?", "reason"),
        ("Hvilke næringsklynger er etablert på Hamar?", "list"),
        # "Hvor" before an adjective asks a degree, not a place; before a verb, a place.
        ("Hvor ligger Herning?", "place"),
        ("Hvor i Jylland ligger Herning?", "place"),
        ("Hvor brukes VAR i dag?", "place"),
        ("Hvor gode er grunnskolene på Hamar?", "other"),
        ("Kor høg er styringsgruppa sin ambisjon?", "other"),
        # "grunn" is a reason as a word ("grunnen til"), not as the start of "grunnskole" or "grunnla".
        ("Hva er grunnen til satsingen?", "reason"),
        ("Hva skal Hamar kommune bidra med utover en god grunnutdanning?", "other"),
        ("Hva grunnla Mao Zedong i 1949?", "other"),
    ],
)
def test_answer_type(question: str, kind: str) -> None:
    assert analyze_question(question).kind == kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # The noun is what is asked: an amount or a number.
        ("Hva er budsjettet for Hernings uddannelsesstrategi i kroner?", "amount"),
        ("Kva kostar det for ei lita bedrift å delta?", "amount"),
        ("Hvor stort er Herning Kommunes budget?", "amount"),
        ("Hvilket beløp bevilget departementet?", "amount"),
        # The size of a sum, as English, German and Swedish ask it.
        ("How large is the budget for Trondheim's Universitetskommune 3.0 project?", "amount"),
        ("Wie hoch ist das Budget der Kompetenzpiloten?", "amount"),
        ("Hur stor är budgeten för Kompetansepiloter?", "amount"),
        ("Antall innbyggere i Hamar?", "count"),
        ("What is the total number of students at NTNU?", "count"),
        # The noun is only context: a wrong type would answer "the documents do not give this".
        ("Hvordan lever de fleste innbyggere i Tsjad?", "other"),
        ("What is the education level of Hamar's population?", "other"),
        ("How high is the education level in Hamar?", "other"),
        ("How large is the municipality of Hamar?", "other"),
        ("Hvilken pris vant Fosse i 2010?", "list"),
        ("Hvordan skal pengene brukes?", "other"),
        ("Hvilke tilbud gir kommunen til innbyggerne?", "list"),
    ],
)
def test_a_noun_asks_for_an_amount_only_as_the_head_of_the_question(question: str, kind: str) -> None:
    assert analyze_question(question).kind == kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # After "what", "when" opens a clause: the question asks for a thing, not a time.
        ("What goes wrong when large projects are initiated?", "other"),
        # An institution word after a verb names the subject, not what is asked.
        ("What did University Municipality 2.0 offer the teachers?", "other"),
        ("Which Norwegian university is a partner?", "org"),
        ("Which university runs the pilot?", "org"),
        ("Which university in Trondheim is the partner?", "org"),
        ("Which ministry?", "org"),
        # In an English compound the last noun is the head: a university city is a place.
        ("Which big university city attracts the young people?", "list"),
        ("Which university college did they choose?", "org"),
        # Scandinavian compounds are one word: a verb may follow the institution word.
        ("Ved hvilket universitet studerer hun?", "org"),
        ("Hvilken institution står bag projektet?", "org"),
        # Swedish "vilket" and German "welche" ask for an institution as "hvilket" does.
        ("Vilket departement finansierar ordningen?", "org"),
        ("Vilken högskola finns i Hamar?", "org"),
        ("Welches Ministerium steht hinter der Planungsinitiative?", "org"),
        ("Mit welcher Universität kooperiert Trondheim?", "org"),
        ("Hva skjer når behovene er kartlagt?", "other"),
        ("Hvad sker der, når virksomhederne er koblet på?", "other"),
        # So after any other question word: which things, how, who, where.
        ("Hvilke tre ting fremhæver kommunen, når den beskriver sin indsats?", "list"),
        ("How does Herning intend to compete when it comes to attracting students?", "other"),
        ("Hvem bestemmer når søket skal gjenopptas?", "person"),
        ("Where was the mayor when the landslide happened?", "place"),
        # A preposition or an adverb before "when" asks for a time.
        ("Since when has the road been a European route?", "time"),
        ("Omtrent når døde kongen?", "time"),
        # Before a comma and the interrogative, "when" opens a clause too.
        ("Når unge vælger en universitetsby, hvilken by trækker især?", "place"),
        ("When the needs have been mapped, what happens to the firms?", "other"),
        ("Når prosjektet er ferdig, hvilket år skal det evalueres?", "time"),
        # So after a preamble, where the question's own clause opens with its question word.
        ("Herning acts fast - what school did they set up when they realised exports grew?", "other"),
        ("Jeg lurer på én ting: når kom avtalen om helse og velferd?", "time"),
        # "når det gjelder" / "när det gäller" means "regarding", wherever it stands.
        ("Kan du ge en översikt över vad Hamar vill åstadkomma när det gäller kunskap?", "other"),
        ("Kan du fortelle meg litt om Hamar når det gjelder kompetanse?", "other"),
        # Asked by "when" itself, or by "what year", it is a time.
        ("När startade projektet, och vem ledde det?", "time"),
        ("When was the presentation given?", "time"),
        ("Hvornår blev Eksportskolen etableret?", "time"),
        ("What year was Eksportskolen founded?", "time"),
    ],
)
def test_when_after_a_question_word_opens_a_clause_and_asks_no_time(question: str, kind: str) -> None:
    assert analyze_question(question).kind == kind


def test_type_evidence_needs_a_number_for_amounts_but_not_articles() -> None:
    assert has_type_evidence("amount", "Departementet har bevilget 4,4 millioner kroner.")
    assert not has_type_evidence("amount", "Kommunen vil etablere en gründerkultur.")
    # "et"/"en" are articles, not the number one.
    assert not has_type_evidence("count", "Og ikke mindst; tilføre det et skvæt Herning.")
    assert has_type_evidence("time", "I løpet av en periode på inntil fire år.")
    # A duration in one compound says how long (not when); a word that opens like a number does not.
    how_long = "Hvor lenge varer ordningen?"
    grant = "Departementet har bevilget 4,4 millioner kroner over en treårsperiode."
    assert has_type_evidence("time", grant, how_long)
    assert has_type_evidence("time", "Det ble en toårig plan.", how_long)
    assert not has_type_evidence("time", "Treindustrien er en viktig del av det grønne skiftet.", how_long)


def test_a_count_names_what_it_counts_and_is_no_year_or_duration() -> None:
    question = "How many PhD positions does the agreement fund?"
    # The positions are named, with no number near them: the "5" counts something else.
    listed = "(delte stillinger, offentlige PhD- stillinger, prosjektstillinger osv.) Se de 5 områdene."
    assert not has_type_evidence("count", listed, question)
    assert has_type_evidence("count", "Avtalen gir 12 PhD-stillinger.", question)
    # A year says when and a duration how long; neither says how many.
    assert not has_type_evidence("count", "Universitetsskoler (2015)", question)
    assert not has_type_evidence("count", "I løpet av en periode på inntil fire år.", question)
    assert has_type_evidence("count", "I løpet av inntil fire år.", "Hvor mange år varer piloten?")
    # A sentence that does not name the counted thing may still count it in other words.
    assert has_type_evidence("count", "Til sammen 84 døde.", "Hvor mange nordmenn omkom?")
    assert has_type_evidence(
        "count", "Vores strategi er fokuseret om fire mål.", "Hvor mange mål har strategien?"
    )


def test_a_rate_is_answered_only_by_a_sentence_that_gives_one() -> None:
    total = "Departementet har bevilget 4,4 millioner kroner over en treårsperiode."
    for question in (
        "How much does the ministry pay each year?",
        "Hvor mye bevilger departementet årlig?",
        "Hur mycket får varje region?",
        "Wie viel zahlt das Ministerium pro Jahr?",
    ):
        assert asks_rate(question), question
        assert not has_type_evidence("amount", total, question), question
    yearly = "Departementet gir 1,5 millioner kroner i året."
    assert has_type_evidence("amount", yearly, "Hvor mye gis hvert år?")
    assert has_type_evidence("count", "Hvert år kommer 550 nye.", "How many cases are there each year?")
    # "per" before a day or a date is "as of", a name is a name, and a rate after the question's
    # own number qualifies that number, not what is asked.
    for question in (
        "Hvor mange omkomne er funnet per lørdag?",
        "Hvor mye anslo Per Sandberg at kostnaden var?",
        "Hvor mange direktører tjener over en million kroner i året?",
        "Hvor mye koster det i år?",
    ):
        assert not asks_rate(question), question
    assert has_type_evidence("amount", total, "Hvor mye har departementet bevilget?")


@pytest.mark.parametrize(
    ("question", "abbreviation"),
    [
        ("Hva står VAR for?", "VAR"),
        ("Hvad står forkortelsen KL for?", "KL"),
        ("Vad står SKL för?", "SKL"),
        ("What does the abbreviation WHO stand for?", "WHO"),
        ("Wofür steht die Abkürzung VR im Text?", "VR"),
        ("Hva står det for?", None),  # "what does it stand for": no abbreviation named
        ("Hva står det i planen?", None),
    ],
)
def test_a_question_asking_what_an_abbreviation_stands_for(question: str, abbreviation: str | None) -> None:
    assert spelled_out_abbreviation(question) == abbreviation


def test_an_abbreviation_is_spelled_out_in_brackets_either_way_round() -> None:
    assert spells_out("Dommeren fikk hjelp fra tittelen VAR (video assistant referee).", "VAR")
    assert spells_out("Han var konsulent for Verdens helseorganisasjon (WHO).", "WHO")
    assert spells_out("spill og VR-teknologi (virtual reality)", "VR")
    assert not spells_out("VAR brukes i dag i FA-cupen (England).", "VAR")


def test_a_long_short_name_misspelt_by_one_letter_is_still_spelled_out() -> None:
    # Question words may be misspelt (spelling.py); so may the name asked about.
    sentence = "Norwegian Shipping and Trade Mission (Nortraship) var en organisasjon."
    assert spells_out(sentence, "Nortaship")
    assert not spells_out("Nortraship ble dannet i april 1940.", "Nortaship")
    # Short abbreviations have look-alikes: one letter off is another one.
    assert not spells_out("Det er Kommunal- og moderniseringsdepartementet (KMD) som betaler.", "KMB")


def test_a_number_the_question_holds_is_no_date_or_amount() -> None:
    question = "When was the presentation on University Municipality 3.0 given?"
    assert not has_type_evidence("time", "Universitetskommune 3.0 Tematiske hovedområder", question)
    assert has_type_evidence("time", "Instituttledermøte SU 21. november 2018", question)


def test_a_weekday_a_season_or_a_part_of_the_day_answers_when() -> None:
    question = "Når landet Haaland i Dortmund?"
    assert has_type_evidence(
        "time", "Han landet på flyplassen i Dortmund med et charterfly onsdag.", question
    )
    assert has_type_evidence("time", "Avtalen ble underskrevet i fjor høst.", question)
    assert has_type_evidence("time", "The agreement was signed on Tuesday.", question)
    assert not has_type_evidence("time", "Han landet på flyplassen i Dortmund med et charterfly.", question)


def test_a_sum_of_money_dates_nothing() -> None:
    question = "When does the three-year Kompetansepiloter grant period end?"
    grant = "Gjennom ordningen har departementet bevilget 4,4 millioner kroner over en treårsperiode."
    assert not has_type_evidence("time", grant, question)
    assert has_type_evidence(
        "time", "Perioden varer fra 2021 til 2024, og bevilgningen er 4,4 millioner kroner.", question
    )
    # Asked about the money itself, its number is the question's own, not a date either.
    assert not has_type_evidence("time", grant, "Når ble de 4,4 millioner kronene bevilget?")


def test_a_who_question_is_answered_by_a_name_the_question_does_not_hold() -> None:
    question = "Hvem er ordfører i Hamar?"
    # "Befolkningen" is capitalised only as the sentence's first word, and Hamar is asked about.
    assert not has_type_evidence("person", "Befolkningen i Hamar har et høyt utdanningsnivå.", question)
    assert has_type_evidence("person", "Ordfører i Hamar er Einar Busterud.", question)


@pytest.mark.parametrize(
    ("question", "leader"),
    [
        ("Hvem leder styringsgruppen for Universitetskommune 3.0?", True),
        ("Hvem er leder for Arbeiderpartiet?", True),
        ("Kven leiar utvalet?", True),
        ("Who chairs the steering group?", True),
        ("Who is the head of the project?", True),
        ("Wer leitet das Projekt?", True),
        ("Vem leder arbetet?", True),
        # A chair and a rector lead too (Danish "formand", Swedish "ordförande").
        ("Hvem er formand for styregruppen?", True),
        ("Vem är ordförande för styrgruppen?", True),
        ("Kven er rektor ved NTNU?", True),
        # Suffering, being led and taking part are not leading.
        ("Hvem led av Alzheimers sykdom i 2006?", False),
        ("Hva ledes av NTNU?", False),
        ("Hvem sitter i styringsgruppen?", False),
    ],
)
def test_who_leads_is_told_from_other_who_questions(question: str, leader: bool) -> None:
    assert asks_leader(question) is leader


def test_who_leads_is_answered_by_a_name_not_by_the_bodies_involved() -> None:
    question = "Hvem leder styringsgruppen for Universitetskommune 3.0?"
    # A slide line naming the coordinating bodies by their abbreviations says who coordinates.
    assert not has_type_evidence("person", "Koordinatorer TK og NTNU", question)
    assert not has_type_evidence("person", "Styringsgruppe 4 + 4", question)
    assert has_type_evidence("person", "Styringsgruppen ledes av rådmann Morten Wolden.", question)
    # An abbreviation answers when the sentence says it leads.
    assert has_type_evidence("person", "Arbeidet ledes av NTNU.", question)
    # Other who-questions still take any new name, abbreviations too.
    assert has_type_evidence("person", "Koordinatorer TK og NTNU", "Hvem koordinerer arbeidet?")


@pytest.mark.parametrize(
    ("sentence", "leads"),
    [
        # A title slide names its presenter: someone, but not the one who leads.
        (
            "Instituttledermøte SU 21. november 2018 Arild Smolan Seniorrådgiver rektors stab",
            False,
        ),
        ("Ifølge Kari Nordmann er styringsgruppen viktig for arbeidet.", False),
        # A leader's title as the head of a compound, or leading said another way.
        ("Partileder Frode Myrhol vurderer å utlyse en navnekonkurranse.", True),
        ("Trondheim-ordfører Rita Ottervik er glad for bidraget.", True),
        ("Senteret med Else Skjeldam i førerstolen fikk 5,7 av 6.", True),
        ("Partiet under Friedrich Ebert overtok makten.", True),
    ],
)
def test_who_leads_is_answered_by_a_sentence_that_says_someone_leads(sentence: str, leads: bool) -> None:
    assert (
        has_type_evidence("person", sentence, "Vem leder styrgruppen för Universitetskommune 3.0?") is leads
    )


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("Hva heter lederen av styringsgruppen?", True),
        ("What is the name of the NTNU coordinator?", True),
        ("Hvad hedder projektlederen?", True),
        ("Vad heter samordnaren vid NTNU?", True),
        # The name of a thing, and a role that only qualifies the thing named.
        ("Hva heter universitetet?", False),
        ("Hva heter rapporten som koordinatoren skrev?", False),
    ],
)
def test_the_name_of_a_person_in_a_role_is_told_from_other_names(question: str, person: bool) -> None:
    assert asks_persons_name(question) is person


def test_the_name_of_a_person_in_a_role_is_no_abbreviation() -> None:
    question = "Kva heiter koordinatoren frå NTNU?"
    assert not has_type_evidence("name", "Koordinatorer TK og NTNU", question)
    assert has_type_evidence("name", "Koordinator er Kari Nordmann ved NTNU.", question)
    # The name of an organisation may be an abbreviation.
    assert has_type_evidence("name", "Samarbeidet ledes av TK og NTNU.", "Hva heter partneren?")


def test_a_word_of_the_question_inflected_names_nothing_new() -> None:
    question = "Kva heiter dei start-up labs som Hamar kommune har oppretta?"
    generic = "Kommunen vil bidra til å etablere en gründerkultur, for eksempel gjennom start-up labs."
    assert not has_type_evidence("name", generic, question)
    assert has_type_evidence("name", "Kommunen har oppretta Hamar Startup Lab.", question)
    assert has_type_evidence("name", "Tretorget er en av dem.", question)
    assert not has_type_evidence("name", "Det gjeld både Hamarsamfunnet og kommuneorganisasjonen.", question)
    # A compound on a word of the question is a name of its own.
    school = "Hva het skolen Herning etablerte fordi eksport ville ekspandere?"
    founded = "Det er der flere eksempler på - fx da Eksportskolen blev etableret."
    assert has_type_evidence("name", founded, school)


def test_a_weaker_sentence_names_the_role_holder_only_where_it_speaks_of_the_role() -> None:
    question = "Hva heter sjefen for festivalen?"
    assert names_the_role("Det sier festival-sjef Kari Nordmann.", question)
    # The head of a compound is the role: a leaders' meeting is no leader, nor is its presenter.
    assert not names_the_role("Instituttledermøte 21. november Arild Smolan", "Hva heter lederen?")
    assert not names_the_role("Arild Smolan Seniorrådgiver rektors stab", question)


def test_language_of_questions() -> None:
    assert analyze_question("Which ministry finances the scheme?").lang == "en"
    assert analyze_question("Hvilken universitetsby tiltrækker særligt de unge i området?").lang == "da"
    assert analyze_question("Hvor mye penger får ordningen Kompetansepiloter i Innlandet?").lang == "nb"


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        # lingua alone read each of these as another language (shown after the arrow).
        ("Hva står VAR for?", "nb"),  # -> da
        ("Hvem har Næss sendt en e-post til?", "nb"),  # -> da
        ("Hvor mange skipsverft var det i Papenburg i 1920?", "nb"),  # -> nn
        ("Hva er Nauru Regional Processing Centre?", "nb"),  # -> en
        ("Who is Tretorget?", "en"),  # -> nb
        ("Kven finansierer ordninga?", "nn"),
        ("Hvem står bag strategien?", "da"),
        ("Hvem betaler for projektet?", "da"),
        ("Hur mycket pengar får kommunen?", "sv"),
        # "nå" is "now" in bokmål but "reach" in all three: it marks none of them alone.
        ("Hvilke nye veje vil kommunen gå for at nå sine uddannelsesmål?", "da"),
        ("Korleis skal kommunen nå måla sine?", "nn"),
    ],
)
def test_marker_words_settle_short_scandinavian_questions(question: str, lang: str) -> None:
    assert analyze_question(question).lang == lang


@pytest.mark.parametrize(
    "question",
    [
        # Read as nynorsk ("ein") and as English ("was") before German was weighed.
        "Zur früheren Vereinbarung 2.0 gehörte auch ein Abkommen über Gesundheit und Wohlfahrt. "
        "Aus welchem Jahr stammt es?",
        "Was will Herning in der bildungspolitischen Diskussion sichtbar machen?",
        "Wie viel Geld erhält das Projekt insgesamt?",
    ],
)
def test_a_german_question_is_german(question: str) -> None:
    assert analyze_question(question).lang == "de"


@pytest.mark.parametrize(
    "question",
    [
        # Typed without apostrophes or capitals: its only other words are names and nouns.
        "whats Tore Gregersen's job title at Innlandet county",
        "whos Arild Smolan at Trondheim kommune",
        "wheres Eksportskolen located",
    ],
)
def test_an_informal_english_question_is_english(question: str) -> None:
    assert analyze_question(question).lang == "en"


@pytest.mark.parametrize(
    "question",
    # An English title inside a bokmål question names something; it is not the question's language.
    ["Når begynte The Troubles?", "Hvem er regissøren bak filmmusikalen The Phantom of the Opera?"],
)
def test_an_english_title_does_not_make_a_question_english(question: str) -> None:
    assert analyze_question(question).lang == "nb"


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        # The names' letters are not the question's language: each was misread by them.
        ("Thematic areas in Universitetskommune 3.0?", "en"),
        ("Hvordan beskriver Chris Cillizza Bernie Sanders?", "nb"),
        ("Når var Francisco Solano López president i Paraguay?", "nb"),
        ("Hvilke projekter hører under Trondheim ByLab?", "da"),
        # A name that opens a question without a question word ("Trondheim" was read as bokmål).
        ("Trondheim steering group size?", "en"),
        ("Når var Kim Il-sung president i Nord-Korea?", "nb"),
    ],
)
def test_names_do_not_decide_the_language_of_the_words_around_them(question: str, lang: str) -> None:
    assert analyze_question(question).lang == lang


def test_a_question_valid_in_bokmal_and_danish_takes_the_home_language() -> None:
    question = "Hvem ledet Sovjet i 1939?"  # lingua: Danish 0.39, bokmål 0.36
    assert analyze_question(question).lang == "nb"
    assert analyze_question(question, prior_lang="da").lang == "da"
    # A clearly Danish question is not pulled over.
    assert analyze_question("Hvornår blev Eksportskolen etableret?", prior_lang="nb").lang == "da"


def test_unsure_language_falls_back_to_the_conversation() -> None:
    info = analyze_question("og det?", fallback_lang="en")
    assert info.lang == "en"


def test_followup_is_resolved_against_the_previous_question() -> None:
    history = [("Hvor mye penger får Kompetansepiloter til sammen?", "6,3 millioner")]
    assert resolve_followup("og hvem finansierer det?", history).startswith("Hvor mye penger")
    # A self-contained question stands alone.
    standalone = "Hvilke næringsklynger er etablert på Hamar?"
    assert resolve_followup(standalone, history) == standalone
    assert resolve_followup("og hvem finansierer det?", None) == "og hvem finansierer det?"


def test_glossary_adds_scandinavian_counterparts_to_english() -> None:
    expanded = expand_english("Which partners does the county work with, and who funds it?")
    for word in ("samarbeider", "fylkeskommune", "finansierer"):
        assert word in expanded
    assert expand_english("Hvem finansierer ordningen?") == ""


def test_glossary_reads_german_domain_words_and_their_compounds() -> None:
    expanded = expand_english("Wie verknüpfen Herning und Hamar Wirtschaft und Bildung?")
    for word in ("næringsliv", "erhvervsliv", "utdanning", "uddannelse", "kobling"):
        assert word in expanded
    assert "videreutdanning" in expand_english("Welche Weiterbildungsanbieter werden genannt?")
    # A word that only opens like a domain word is left alone: "mittelgroß" is no funding.
    assert expand_english("Ist Herning eine mittelgroße Stadt?").split() == ["by", "byen", "kommune"]


def test_glossary_gives_a_scandinavian_word_its_neighbours_other_word() -> None:
    for word, other in (
        ("näringslivet", "erhvervsliv"),
        ("erhvervslivet", "næringsliv"),
        ("styrgruppen", "styringsgruppe"),
    ):
        assert other in nordic_counterparts(word).split(), word
    # A word spelt another way, not said with another word, is the cognate table's work.
    assert nordic_counterparts("samarbete") == ""


def test_a_split_of_money_between_named_parties_is_recognised_in_any_language() -> None:
    assert split_parties("How is the grant divided between Hamar and Herning?") == ["Hamar", "Herning"]
    assert split_parties("Hvordan fordeles midlene mellom staten, fylket og kommunene?") == [
        "staten",
        "fylket",
        "kommunene",
    ]
    assert split_parties("Hur fördelas pengarna mellan departementet och fylkeskommunen?") == [
        "departementet",
        "fylkeskommunen",
    ]
    # Not a split of money, not between named parties, or only one of them: the usual answer.
    # A group named by its plural is one party: its members, whose names the question leaves out.
    assert split_parties("Hvordan er pengene fordelt på regionene?") == ["regionene"]
    assert split_parties("How is the grant divided between the individual regions?") == ["individual regions"]
    assert group_noun("individual regions") == "regions" and group_noun("Fjellregionen") is None
    # Not a split of money, or one named party alone: the usual answer.
    assert split_parties("Hvordan ble makten delt mellom kongen og parlamentet?") == []
    assert split_parties("How is the money split between Hamar?") == []
    assert split_parties("How much money does the ministry grant?") == []


def test_a_share_of_a_total_asked_for_a_named_recipient_is_recognised() -> None:
    assert share_recipients("How much of the 6.3 million kroner is allocated to Fjellregionen?") == [
        "Fjellregionen"
    ]
    assert share_recipients("Hvor mye av pengene går til Hamar og Herning?") == ["Hamar", "Herning"]
    assert share_recipients("Hur mycket av pengarna går till Kongsvingerregionen?") == ["Kongsvingerregionen"]
    # The recipient after "for" / "für" as after "to": earmarked, set aside, reserved for it.
    assert share_recipients(
        "How much of the 6.3 million kroner is earmarked specifically for the Kongsvinger region?"
    ) == ["Kongsvinger region"]
    # German puts the verb last: the recipient is the phrase's name ("vorgesehen" names nobody).
    assert share_recipients("Wie viel von den 6,3 Millionen ist für Fjellregionen vorgesehen?") == [
        "Fjellregionen vorgesehen"
    ]
    assert share_recipients("How much of the money is set aside for houses?") == []
    # No named recipient, no share, or not money: the usual answer.
    assert share_recipients("How much of the money is used to build houses?") == []
    assert share_recipients("How much money goes to Fjellregionen?") == []
    assert share_recipients("Hvor mye av kampen var spilt da Njoya scoret?") == []


def test_a_number_the_question_holds_is_no_evidence_in_either_decimal_spelling() -> None:
    # English writes "6.3 million" for the document's "6,3 millioner": that sum is the question's.
    total = "Til sammen blir det nesten 6,3 millioner kroner."
    assert not has_type_evidence("amount", total, "How much of the 6.3 million kroner does the county pay?")
    assert not has_type_evidence("amount", total, "Hvor mye av de 6,3 millionene betaler fylket?")
    assert has_type_evidence("amount", total, "How much does the scheme cost in total?")


def test_a_party_is_named_by_its_name_or_by_a_counterpart_of_its_word() -> None:
    def glossary(word: str) -> str:
        return {"ministry": "departement departementet"}.get(word.lower(), "")

    assert names_party(
        "Gjennom ordningen har departementet bevilget 4,4 millioner kroner.", "the ministry", glossary
    )
    assert names_party("De prioriterte Kongsvingerregionen.", "Kongsvinger region", glossary)
    # A name is not found by the generic word beside it.
    assert not names_party("Regionen får 2 millioner kroner.", "Kongsvinger region", glossary)


def test_who_did_asks_for_the_subject_and_a_pronoun_refers_to_a_person() -> None:
    assert asks_who_did("Hvem grunnla teateret i Paris?")
    assert asks_who_did("Who presented Universitetskommune 3.0?")
    # The name after the verb is its subject; the person asked for is someone else.
    assert not asks_who_did("Hvem savner Hegerberg å spille for?")
    assert not asks_who_did("Who did Trondheim ask for advice?")
    assert refers_to_person("På 1840-tallet grunnla han teateret.")
    assert not refers_to_person("Det er NTNU som leder arbeidet, og hun sier at det går bra.")


def test_amount_party_is_the_one_body_an_amount_question_names() -> None:
    assert amount_party("How much money is the ministery putting into the scheme?") == "ministery"
    assert amount_party("Hvor mye legger fylkeskommunen selv inn?") == "fylkeskommunen"
    # A payer and a recipient: the name does not tell whose amount is asked.
    assert amount_party("How much does the ministry give the county?") is None
    assert amount_party("Hvor mye koster satsingen?") is None


@pytest.mark.parametrize(
    ("sentence", "counts"),
    [
        ("Vores strategi er fokuseret om fire mål, som vi vil indfri.", True),
        ("Samarbeidet har fem tematiske områder.", False),  # counts areas, not goals
        ("Arbeidet skal nå fire overordnede mål innen 2030.", True),
        ("Vi vil opfylde vores mål i fællesskab.", False),  # goals, no number
        ("Strategien fra 2019 har mål for utdanning.", False),  # a number, not before the goals
    ],
)
def test_a_number_right_before_the_counted_word_counts_what_is_asked(sentence: str, counts: bool) -> None:
    assert counts_the_asked(sentence, "Hvor mange mål har strategien?") is counts


def test_a_sum_of_money_is_no_count_of_things() -> None:
    # Any sum has a number before "millioner": it says how much, not whose money it is.
    question = "Hvor mange millioner kroner har Herning Kommune tilført uddannelsesindsatsen?"
    assert not counts_the_asked("Til sammen blir det nesten 6,3 millioner kroner.", question)


@pytest.mark.parametrize(
    ("sentence", "dated"),
    [
        ("Universitetsskoler (2015) Veilederutdanning for lærerne", True),
        ("Universitetskommune Helse og velferd (2017)", False),  # another agreement's year
        ("Samarbeidet startet i 2015.", False),  # a year, but not beside what is asked about
    ],
)
def test_a_year_right_after_what_is_asked_about_dates_it(sentence: str, dated: bool) -> None:
    assert dates_the_named(sentence, "Når kom universitetsskolene i gang i Trondheim?") is dated
    # The name as Swedish spells it ("-skolorna") is the same name.
    assert dates_the_named(sentence, "Vilket år kom universitetsskolorna till i Trondheim?") is dated
    # ... and so is nynorsk's definite plural ("-skulane" against the slide's "-skoler").
    assert dates_the_named(sentence, "Kva år kom universitetsskulane i gang i Trondheim?") is dated


def test_a_year_after_another_compound_of_the_same_first_part_dates_something_else() -> None:
    """A slide's "Universitetsskoler" is no "Universitetskommune", though folded spellings make them
    look alike: a look-alike counts only where the caller allows other spellings."""
    sentence = "Universitetsskoler (2015) Veilederutdanning for lærerne"
    question = "Når ble presentasjonen om Universitetskommune 3.0 holdt?"
    assert dates_the_named(sentence, question)  # the vouching reading: any spelling
    assert not dates_the_named(sentence, question, (is_kin,))
    assert not dates_the_named(sentence, question, ())
    # Three words before the year may name what it dates: "Helse og velferd (2017)".
    dated = "Universitetskommune Helse og velferd (2017)"
    assert dates_the_named(dated, "Når kom Universitetskommune Helse i gang?", ())


def test_the_presentation_as_a_thing_made_is_recognised_in_german_too() -> None:
    # "Präsentation" is no Danish "præsentation": German questions about the deck were read as
    # questions about its content, so its title slide never answered who gave it.
    assert asks_about_the_document("Wer hat die Präsentation zur Universitetskommune 3.0 gehalten?")
    assert asks_about_the_document("Wann wurde der Vortrag gehalten?")
    assert asks_about_the_document("Wer hat die Präsentaton gehalten?")  # a typo keeps the stem
    assert not asks_about_the_document("Wer finanziert die Kompetenzpiloten?")


def test_a_full_name_is_a_person_and_a_slides_capitals_are_not() -> None:
    question = "Wer hat die Präsentation über Universitetskommune 3.0 gehalten?"
    assert names_a_person("Instituttledermøte SU 21. november 2018 Arild Smolan Seniorrådgiver", question)
    assert not names_a_person("Universitetskommune Helse og velferd (2017)", question)
    # A name the question already holds is not who it asks for.
    assert not names_a_person("Dette sa Tore Gregersen.", "Hva mener Tore Gregersen?")


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("Hvilket verv har Per-Gunnar Sveen i fylkeskommunen?", "Per-Gunnar Sveen"),
        ("Vilken titel har Tore Gregersen i Innlandet fylkeskommune?", "Tore Gregersen"),
        ("What is Per-Gunnar Sveen's role in the county?", "Per-Gunnar Sveen"),
        ("Welche Funktion hat Arild Smolan an der NTNU?", "Arild Smolan"),
        # A body's role, or a person not named in full, is no named person's office.
        ("Hvilken rolle har Innlandet fylkeskommune?", None),
        ("Hva er Hamars rolle blant byene?", None),
        ("Hvem er Per-Gunnar Sveen?", None),
    ],
)
def test_the_person_whose_role_is_asked(question: str, person: str | None) -> None:
    assert asks_role_of(question) == person


def test_a_person_named_only_as_a_quotes_speaker_is_given_no_role() -> None:
    name = "Per-Gunnar Sveen"
    assert names_the_person("Også leder av utvalg for næring, Per-Gunnar Sveen (Ap), er opptatt.", name)
    assert not names_the_person("- Kompetansepiloten gir muligheter, sier Per-Gunnar Sveen.", name)
    assert not names_the_person("Også leder av utvalg for næring, Per-Gunnar Olsen, er opptatt av det.", name)


@pytest.mark.parametrize(
    "question",
    [
        "what is hernings uddannelsesstrategi basically about?",
        "Can you give me a quick summary of what the Trondheim presentation is about?",
        "Hva handler Hamar-dokumentet om?",
        "Kva går planen til Trondheim og NTNU ut på?",
        "Vad handlar Innlandets artikel om?",
        "Hvad drejer Hernings strategi sig om?",
        "Kan du oppsummere Innlandet-saken?",
        "Worum geht es in der Strategie von Herning?",
        # A document named by what it is printed as.
        "Worum geht es eigentlich in dem Papier der Herning Kommune?",
        "What is the Hamar paper about?",
        "Hva handler notatet fra Trondheim om?",
        # A version number's point ends no sentence; an "overall" may close the question.
        "Hvad handler præsentationen om Universitetskommune 3.0 fra Trondheim overordnet om?",
        "What is the Universitetskommune 3.0 presentation about, overall?",
        "Hva går Hamar-strategien ut på, i grove trekk?",
        # An overview of a document or of what it describes, asked as the whole question.
        "Kan du give et kort overblik over de overordnede spor i Herning Kommunes uddannelsesstrategi?",
        "Give me a quick overview of the Innlandet competence pilot project, please.",
        "Kannst du mir einen Überblick über die Bildungsstrategie von Herning geben?",
        "Can you give me a short overview of what Trondheim's University Municipality 3.0 is about?",
        # Where the question says the document explains it is no part of what it asks about.
        "Hva går Universitetskommune 3.0 egentlig ut på, slik det forklares i presentasjonen fra NTNU?",
        "Worum geht es im Projekt, wie es in der Präsentation beschrieben wird?",
    ],
)
def test_a_question_for_what_a_document_is_about_asks_a_summary(question: str) -> None:
    assert asks_summary(question)


@pytest.mark.parametrize(
    "question",
    [
        "What does Hamar say about start-up labs?",
        "Hva handler samarbeidet om, og hvem betaler?",
        "How is Herning going about attracting students?",
        "What did the mayor talk about?",
        "Når skal Arbeiderpartiet ha sin oppsummerende pressekonferanse?",
        # What a part of a document says is answered from its sentences.
        "Hva går mandatet ut på?",
        "Kva går avtalen mellom Trondheim og NTNU ut på?",
        "Hva handler strategien om når det gjelder klima?",
        # An overview followed by what it should hold asks that.
        "Give me an overview of what Hamar wants to achieve in the field of knowledge and competence.",
        "I'm trying to get an overview of the Trondheim–NTNU setup. Which thematic areas does it cover?",
        "Kan du gi meg en oversikt over hvem som finansierer Kompetansepiloter?",
    ],
)
def test_a_question_about_a_topic_or_a_word_like_summary_asks_no_summary(question: str) -> None:
    assert not asks_summary(question)


@pytest.mark.parametrize(
    ("word", "name", "expected"),
    [
        ("Trondhiem", "trondheim", True),
        ("Hernig", "herning", True),
        ("Innladets", "innlandet", True),
        ("Hamra", "hamar", False),  # too short to tell from another word
        ("Hernes", "herning", False),
        ("Oslo", "trondheim", False),
    ],
)
def test_a_long_name_misspelt_by_one_letter_or_a_swap_is_recognised(
    word: str, name: str, expected: bool
) -> None:
    assert misspells_name(word, name) is expected


def test_a_question_for_a_budget_wants_a_sum_of_money_not_any_number() -> None:
    question = "What's the total budget in kroner for the pilot project?"
    assert not has_type_evidence(
        "amount", "Konkretisere delprosjekter innenfor de 5 tematiske satsingsområdene", question
    )
    assert has_type_evidence("amount", "KMD har bevilget 4,4 millioner kroner til prosjektet.", question)
    assert has_type_evidence(
        "amount", "Prislappen kan bli bortimot ti milliarder.", "Hva kan kostnaden ende på?"
    )
    # A question for an amount that is not money keeps any number as evidence.
    assert has_type_evidence("amount", "Det falt 30 centimeter snø i natt.", "Hvor mye snø falt i natt?")


def test_a_body_the_question_excludes_is_not_the_party_asked() -> None:
    assert (
        amount_party("How much is the ministry putting in, not counting what the county adds?") == "ministry"
    )
    assert amount_party("Hvor mye bidrar departementet med, utenom fylkeskommunens andel?") == "departementet"
    # Two bodies both asked about: no one party.
    assert amount_party("How much do the ministry and the county put in?") is None


@pytest.mark.parametrize(
    ("question", "read"),
    [
        # Where the answer stands, in each language, goes; what is asked stays.
        ("Hvor i Jylland ligger Herning ifølge uddannelsesstrategien?", "Hvor i Jylland ligger Herning?"),
        (
            "Kvar ligg Herning geografisk, slik strategien sjølv skildrar det?",
            "Kvar ligg Herning geografisk?",
        ),
        (
            "Vilka näringskluster har man redan byggt upp i Hamar enligt kommunens dokument?",
            "Vilka näringskluster har man redan byggt upp i Hamar?",
        ),
        ("Wer finanziert laut dem Artikel die Pilotprojekte?", "Wer finanziert die Pilotprojekte?"),
        (
            "In welchen Bereichen hat Hamar laut seiner Strategie Cluster?",
            "In welchen Bereichen hat Hamar Cluster?",
        ),
        (
            "Kva institusjon samarbeider Hamar med, ifølgje desse dokumenta?",
            "Kva institusjon samarbeider Hamar med?",
        ),
        (
            "Vad betydde universitetskommun förr, enligt Trondheimpresentationen?",
            "Vad betydde universitetskommun förr?",
        ),
        (
            "Hvordan har Herning tenkt å innfri målene i utdanningsstrategien sin?",
            "Hvordan har Herning tenkt å innfri målene?",
        ),
        # Whose document it is, too: retrieval has read the whole question.
        (
            "What should children and young people learn, according to Hamar's strategy?",
            "What should children and young people learn?",
        ),
        # A presentation or article asked about is the question's topic; a verb is no document.
        ("Who gave the presentation?", "Who gave the presentation?"),
        # "etter planen" is "as planned", not where anything stands.
        ("Hvor raskt skulle Moskva etter planen erobres?", "Hvor raskt skulle Moskva etter planen erobres?"),
        (
            "Hvordan skal modellen for universitetskommunen i Trondheim dokumenteres?",
            "Hvordan skal modellen for universitetskommunen i Trondheim dokumenteres?",
        ),
        (
            "Hva heter slagordet i presentasjonen fra Trondheim og NTNU?",
            "Hva heter slagordet i presentasjonen fra Trondheim og NTNU?",
        ),
        # The passive: "as it is described in the plan", in each language's word order.
        (
            "Hvordan vil Hamar styrke samarbeidet, slik det er beskrevet i planen?",
            "Hvordan vil Hamar styrke samarbeidet?",
        ),
        ("Who pays for the pilots, as it is explained in the article?", "Who pays for the pilots?"),
        ("Wer bezahlt die Piloten, wie es im Artikel beschrieben wird?", "Wer bezahlt die Piloten?"),
    ],
)
def test_where_a_question_says_its_answer_stands_is_no_part_of_what_it_asks(question: str, read: str) -> None:
    assert without_attribution(question) == read


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        (
            "Hvilken storby er det især, der trækker de unge fra Herning-egnen til sig?",
            "Hvilken storby trækker de unge fra Herning-egnen til sig?",
        ),
        (
            "Kven er det som leiar kompetanse- og tannhelseområdet?",
            "Kven leiar kompetanse- og tannhelseområdet?",
        ),
        ("Vilket departement är det som finansierar ordningen?", "Vilket departement finansierar ordningen?"),
        ("Which city is it that draws the young people?", "Which city draws the young people?"),
        # No cleft: "det viktigste" is what is asked about.
        ("Hva er det viktigste som skjer i Hamar?", "Hva er det viktigste som skjer i Hamar?"),
        ("Hva er det Hamar vil oppnå?", "Hva er det Hamar vil oppnå?"),
    ],
)
def test_a_cleft_question_is_read_as_the_plain_question(question: str, plain: str) -> None:
    assert without_cleft(question) == plain


def test_a_line_that_gives_a_date_and_no_sentence_is_a_dateline() -> None:
    assert is_dateline("Instituttledermøte SU 21. november 2018 Arild Smolan Seniorrådgiver rektors stab")
    assert is_dateline("Published November 21, 2018 by the county")
    assert is_dateline("Publisert 03.03.2021")
    # A sentence that dates an event, and a year alone, are content.
    assert not is_dateline("Den 1. januar 2020 ble Innlandet fylkeskommune etablert.")
    assert not is_dateline("Universitetsskoler (2015)")
