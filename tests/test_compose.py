"""Extractive composition with a fake embedder: verbatim quotes, answer types, abstention."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.compose import (
    REFINE_SENTENCES,
    Coverage,
    Plan,
    compose,
    coverage,
    grounded_passages,
    opens_in_parallel,
    question_entities,
    quoted_first,
    sentence_features,
)
from assistant.question import analyze_question, has_type_evidence
from assistant.types import Passage
from ingest.chunking import answer_sentences
from tests.fakes import FakeEmbeddings, embedded_sentences

EMB = FakeEmbeddings(dim=256)
_VECTORS = embedded_sentences(EMB)


def _idf(terms: list[str]) -> dict[str, float]:
    return dict.fromkeys(terms, 1.0)


def _passage(
    text: str, source: str = "innlandet.txt", title: str = "Kompetansepiloter i Innlandet"
) -> Passage:
    return Passage("c1", source, title, "nb", text, 100, 100 + len(text), 1.0)


FUNDING = _passage(
    "Kompetansepiloter\n\nDet er KMD som finansierer ordningen. "
    "Gjennom ordningen har departementet bevilget 4,4 millioner kroner over en treårsperiode. "
    "Til sammen blir det nesten 6,3 millioner kroner."
)


def _ask(question: str, passages: list[Passage], threshold: float = -10.0):  # type: ignore[no-untyped-def]
    info = analyze_question(question)
    qv = np.asarray(EMB.embed_query(question), dtype=np.float32)
    return compose(info, passages, qv, _VECTORS, _idf, max_passages=4, threshold=threshold)


def test_quotes_are_exact_spans_of_the_passage_and_the_document() -> None:
    result = _ask("Hvor mye penger får ordningen til sammen?", [FUNDING])
    assert not result.abstained and result.citations
    for c in result.citations:
        assert FUNDING.text[c.quote_start : c.quote_end] == c.quote
        assert c.char_start == FUNDING.char_start + c.quote_start
        assert c.n == 1 and c.source == "innlandet.txt"


def test_amount_question_prefers_a_sentence_with_an_amount() -> None:
    result = _ask("Hvor mye har departementet bevilget?", [FUNDING])
    assert any("millioner kroner" in c.quote for c in result.citations)


def test_a_split_among_a_group_is_answered_by_the_amounts_beside_its_members() -> None:
    """ "The regions" are named in the document only as members ("Fjellregionen"): the sentences
    giving an amount beside one answer; a document with only the payers' amounts does not."""
    shares = _passage(
        "Kompetansepiloter\n\nDet er KMD som finansierer ordningen. "
        "Fjellregionen får 2,1 millioner kroner av midlene. "
        "Kongsvingerregionen får 1,9 millioner kroner. "
        "Til sammen blir det nesten 6,3 millioner kroner."
    )
    question = "Hvordan fordeles de 6,3 millionene mellom regionene?"
    answered = _ask(question, [shares])
    assert not answered.abstained
    assert sorted(c.quote.split()[0] for c in answered.citations) == ["Fjellregionen", "Kongsvingerregionen"]
    assert _ask(question, [FUNDING]).abstained


def test_abstains_below_the_threshold_and_cites_nothing() -> None:
    result = _ask("Hvor mye penger får ordningen til sammen?", [FUNDING], threshold=50.0)
    assert result.abstained and not result.citations


def test_question_naming_another_place_or_year_is_not_answered_from_this_document() -> None:
    hamar = _passage(
        "Kommunen vil bidra til å etablere en gründerkultur, for eksempel gjennom start-up labs.",
        source="hamar.txt",
        title="Hamar kunnskap og kompetanse",
    )
    result = _ask("Hvor mye bevilget Hamar kommune til start-up labs i 2022?", [hamar])
    assert result.abstained  # no amount, and 2022 does not occur


def test_a_name_an_english_question_translates_does_not_veto_a_norwegian_answer() -> None:
    # English "Lithuania" is "Litauen" in the passage: the name is missing, yet this is the answer.
    litauen = _passage(
        "Jødene i Litauen ble myrdet fordi okkupasjonsmakten ville utrydde dem.",
        source="litauen.txt",
        title="Holocaust i Litauen",
    )
    english = _ask("Why were the Jews in Lithuania murdered?", [litauen])
    assert not english.abstained and "okkupasjonsmakten" in english.citations[0].quote
    # In the passage's own language, or a neighbour sharing its names, a missing name still means
    # another subject.
    assert _ask("Hvorfor ble jødene i Latvia myrdet?", [litauen]).abstained
    assert _ask("Hvorfor blev jøderne i Letland myrdet?", [litauen]).abstained


def test_entities_group_multiword_and_hyphenated_names() -> None:
    assert question_entities("Når døde Carlos Antonio López?")[0][:3] == ["Carlos", "Antonio", "López"]
    groups = question_entities("Når kommer den nye Kina-tollen til Trump i 2019?")
    assert ["2019"] in groups
    assert any("Kina" in g for g in groups) and any("Trump" in g for g in groups)
    assert question_entities("Hvem finansierer ordningen?") == []


def test_citation_numbers_follow_passages() -> None:
    other = Passage(
        "c2", "b.txt", "B", "nb", "Ordningen får også 2 millioner kroner fra fylket til sammen.", 0, 58, 0.9
    )
    result = _ask("Hvor mye penger får ordningen til sammen?", [FUNDING, other])
    numbers = {c.chunk_id: c.n for c in result.citations}
    assert len(set(numbers.values())) == len(numbers)
    assert sorted(numbers.values()) == list(range(1, len(numbers) + 1))


def test_a_misspelt_name_still_finds_its_document_but_a_different_name_does_not() -> None:
    brexit = _passage(
        "Underhuset i Storbritannia stemte for å be EU om en utsettelse av utmeldingen.",
        source="brexit.txt",
        title="Brexit",
    )
    assert not _ask("Når stemte underhuset i Stobritannia for utsettelse?", [brexit]).abstained
    assert _ask("Når stemte underhuset i Tyskland for utsettelse?", [brexit]).abstained


def test_a_country_found_as_its_adjective_and_a_compound_as_its_name_ground_the_answer() -> None:
    herning = _passage(
        "På landsplan har der været et politisk fokus på, at det danske uddannelseslandkort ikke "
        "kun skal bestå af nåle i de større byer.",
        source="herning.txt",
        title="Uddannelsesstrategi Herning",
    )
    assert not _ask("Hva har det vært politisk fokus på i Danmark?", [herning]).abstained
    # Another country is still another subject.
    assert _ask("Hva har det vært politisk fokus på i Sverige?", [herning]).abstained
    # So is a region or a continent: "i Jylland" is said "de jyske unge".
    jutland = _passage(
        "En stor del af de jyske unge tiltrækkes af de store universitetsbyer.",
        source="herning.txt",
        title="Uddannelsesstrategi Herning",
    )
    assert grounded_passages(analyze_question("Hvor søger de unge i Jylland hen?"), [jutland]) == [True]
    assert grounded_passages(analyze_question("Hvor søger de unge på Fyn hen?"), [jutland]) == [False]
    slides = _passage(
        "Universitetskommune tilfreds når universiteter var lokalisert innenfor kommunegrensen i Trondheim.",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    assert not _ask(
        "Hva betydde universitetskommune før, ifølge Trondheimpresentasjonen?", [slides]
    ).abstained
    assert _ask("Hva betydde universitetskommune før, ifølge Bergenpresentasjonen?", [slides]).abstained


def test_of_three_names_one_may_be_left_implicit_but_of_two_both_must_occur() -> None:
    war = _passage(
        "Perioden da England og Frankrike ikke innledet noe felttog kalles Phony War.",
        source="krig.txt",
        title="Andre verdenskrig",
    )
    assert not _ask("Hva kalles perioden da England og Frankrike ikke angrep Tyskland?", [war]).abstained
    assert _ask("Hva kalles perioden da England ikke angrep Tyskland?", [war]).abstained


OFFERS = _passage(
    "Små bedrifter i Fjellregionen skal få tilbud om å øke kompetansen gjennom ordningen. "
    "Dette kan for eksempel være tilbud på videregående skole, fagskolen eller høgskolen. "
    "Kompetansepiloten gir både den enkelte og bedriftene nye muligheter."
)


def test_a_list_answer_takes_the_sentence_that_goes_on_about_the_best_one() -> None:
    """ "Dette kan for eksempel være …" names the items the sentence before it only announces."""
    listing = _ask("Hvilke tilbud kan bedriftene i Fjellregionen få?", [OFFERS])
    assert listing.citations[0].quote.startswith("Små bedrifter i Fjellregionen")
    assert any(c.quote.startswith("Dette kan for eksempel") for c in listing.citations)


def test_late_chunked_sentences_are_re_embedded_only_where_the_answer_is_likely() -> None:
    """A passage whose sentence vectors were pooled (late chunking) gets its likeliest sentences
    embedded on their own: those scores are the sentences' own, the rest move by the mean change,
    and a passage with stored separate vectors is never re-embedded."""
    sentences = [f"Setning nummer {i} handler om tema {i} og ordningen i kommunen." for i in range(20)]
    pooled = replace(_passage(" ".join(sentences)), chunk_id="late", pooled_sentences=True)
    plain = replace(_passage(FUNDING.text), chunk_id="plain")
    question = "Hva handler setning nummer 7 om?"
    qv = np.asarray(EMB.embed_query(question), dtype=np.float32)
    rng = np.random.default_rng(0)
    asked: dict[str, list[tuple[int, int]]] = {}

    def vectors(ids, embed_missing=None, exact=None):  # type: ignore[no-untyped-def]
        found = _VECTORS(ids, embed_missing=embed_missing)
        for s in (embed_missing or {}).get("late", []):  # "pooled": close to the passage, not the sentence
            v = rng.normal(size=EMB.dimension)
            found["late"][(s.start, s.end)] = (v / np.linalg.norm(v)).astype(np.float32)
        for chunk_id, wanted in (exact or {}).items():
            asked.setdefault(chunk_id, []).extend((s.start, s.end) for s in wanted)
        return {**found, **_VECTORS(ids, exact=exact)} if exact else found

    features = sentence_features(analyze_question(question), [pooled, plain], qv, vectors, _idf, 4)
    assert set(asked) == {"late"}, "only the pooled passage is re-embedded"
    refined = set(asked["late"])
    late = [f for f in features if f.passage_index == 0]
    assert len(late) == 20 and 0 < len(refined) <= REFINE_SENTENCES + 6 < len(late)
    own = _VECTORS(["late"], embed_missing={"late": answer_sentences(pooled.text, pooled.section)})["late"]
    for f in late:
        if (f.start, f.end) in refined:
            assert abs(f.dense - float(own[(f.start, f.end)] @ qv)) < 1e-5
    seventh = next(f for f in late if "nummer 7 " in f.text)
    assert (seventh.start, seventh.end) in refined, "the sentence the question names is among the refined"


def test_a_generated_claim_is_checked_against_sentences_own_vectors_not_pooled_ones() -> None:
    """With a model server, each generated sentence is verified against the cited passage's
    sentences: for a late-chunked passage those are re-encoded on their own (a pooled vector leans
    towards its passage's topic and would let an off-topic claim pass)."""
    from langchain_core.language_models import FakeListChatModel

    from assistant.generate import AnswerGenerator
    from assistant.settings import AssistantSettings
    from assistant.types import Answer

    requested: dict[str, bool] = {}

    def vectors(ids, embed_missing=None, exact=None):  # type: ignore[no-untyped-def]
        requested.update({chunk_id: chunk_id in (exact or {}) for chunk_id in ids})
        return _VECTORS(ids, embed_missing={**(embed_missing or {}), **(exact or {})})

    pooled = replace(FUNDING, chunk_id="late", pooled_sentences=True)
    plain = replace(_passage("Hamar kommune samarbeider med Høgskolen i Innlandet."), chunk_id="plain")
    reply = (
        "Kommunal- og moderniseringsdepartementet finansierer ordningen [1]. "
        "Hamar samarbeider med høgskolen [2]."
    )
    model = FakeListChatModel(responses=[reply])
    generator = AnswerGenerator(model, AssistantSettings(), EMB, vectors)
    extractive = Answer("Hvem finansierer ordningen?", "nb", "", False, passages=[pooled, plain])
    checked = generator.answer(extractive).sentences
    assert len(checked) == 2, "both generated sentences were verified"
    assert requested == {"late": True, "plain": False}


def test_a_line_that_repeats_the_document_title_is_never_quoted() -> None:
    deck = _passage(
        "Universitetskommune 3.0 Trondheim kommune – NTNU\n\n"
        "Styringsgruppe 4 + 4 Koordinatorer TK og NTNU\n\n"
        "Universitetskommune 3.0 Trondheim kommune – NTNU",
        source="trondheim.txt",
        title="Universitetskommune 3.0 Trondheim kommune – NTNU",
    )
    info = analyze_question("Hva er Universitetskommune 3.0 Trondheim kommune – NTNU?")
    qv = np.asarray(EMB.embed_query(info.text), dtype=np.float32)
    quoted = {f.text for f in sentence_features(info, [deck], qv, _VECTORS, _idf, 4)}
    assert quoted == {"Styringsgruppe 4 + 4 Koordinatorer TK og NTNU"}


def test_a_number_the_question_names_is_no_answer_to_how_much() -> None:
    slide = _passage(
        "Universitetskommune 3.0 samler kommunen og universitetet om forskning.",
        source="trondheim.txt",
        title="Universitetskommune",
    )
    result = _ask("Hvor mye penger får Universitetskommune 3.0?", [slide])
    # Its only number is the name's "3.0": no sentence gives an amount.
    assert result.abstained


def test_a_why_answer_quotes_the_reason_before_a_sentence_that_says_therefore() -> None:
    strategy = _passage(
        "Hamar skal være en næringsvennlig kommune. Framtidens samfunn er digitalt. "
        "Det er derfor avgjørende å utvikle og ta i bruk den digitale kompetansen i kommunen.",
        source="hamar.txt",
        title="Hamar kunnskap og kompetanse",
    )
    result = _ask("Hvorfor er det avgjørende å utvikle den digitale kompetansen i kommunen?", [strategy])
    quotes = [c.quote for c in result.citations]
    assert any("derfor avgjørende" in q for q in quotes)
    assert "Framtidens samfunn er digitalt." in quotes


def test_a_how_answer_quotes_the_means_before_a_sentence_that_says_this_is_how() -> None:
    strategy = _passage(
        "Hamar har en høgskole med lærerutdanning. "
        "Vi skal bidra til å skape en innovasjonskultur og etablere et universitetsmiljø på Hamar. "
        "Slik styrker vi posisjonen til Hamar nasjonalt og internasjonalt innenfor spillutvikling. "
        "Det er derfor en viktig oppgave å etablere forskningsmiljøer.",
        source="hamar.txt",
        title="Hamar kunnskap og kompetanse",
    )
    result = _ask(
        "Hvordan skal Hamar styrke posisjonen nasjonalt og internasjonalt innenfor spillutvikling?",
        [strategy],
    )
    quotes = [c.quote for c in result.citations]
    assert any(q.startswith("Slik styrker") for q in quotes)
    # The means, read first, in the answer's two sentences.
    assert quotes[0].startswith("Vi skal bidra til å skape en innovasjonskultur")


def test_a_why_answer_quotes_what_the_means_achieve_after_them() -> None:
    # The mirror of "how": what building the environment is for is said after it, "Slik ...".
    strategy = _passage(
        "Hamar har en høgskole med lærerutdanning. "
        "Vi skal bidra til å skape en innovasjonskultur og etablere et universitetsmiljø på Hamar. "
        "Slik styrker vi posisjonen til Hamar nasjonalt og internasjonalt innenfor spillutvikling. "
        "Kommunen vil også bidra til en gründerkultur.",
        source="hamar.txt",
        title="Hamar kunnskap og kompetanse",
    )
    result = _ask("Hva vil Hamar oppnå med å etablere et universitetsmiljø på Hamar?", [strategy])
    quotes = [c.quote for c in result.citations]
    assert quotes[0].startswith("Vi skal bidra til å skape en innovasjonskultur")
    assert any(q.startswith("Slik styrker vi posisjonen") for q in quotes)


def test_a_list_takes_the_item_a_chosen_sentence_adds_itself_to() -> None:
    strategy = Passage(
        "h1",
        "herning.txt",
        "Uddannelsesstrategi",
        "da",
        "Herning har mange uddannelser. "
        "Vi skal drage større fordel af, at vi er geografisk centralt placeret i Jylland. "
        "Og vi skal drage større fordel af, at vi som mellemstor by har en god bredde i uddannelsesudbuddet. "
        "Byen har også et rigt kulturliv.",
        0,
        300,
        1.0,
    )
    result = _ask("Hvilke fordele ved at være en mellemstor by vil Herning drage fordel af?", [strategy])
    quotes = [c.quote for c in result.citations]
    assert any("mellemstor by" in q for q in quotes)
    assert any("centralt placeret i Jylland" in q for q in quotes)


def test_an_english_question_is_covered_by_the_words_that_can_be_checked_in_danish() -> None:
    # "Where" asks, and "geographically" cannot be looked up in a Danish text without a
    # translation: it may not count as a word the documents lack. "Herning" can, and is there, and
    # so can "located", whose Danish words ("placeret") the glossary has.
    herning = Passage(
        "h1",
        "herning.txt",
        "Uddannelsesstrategi",
        "da",
        "Vi skal drage større fordel af, at Herning er geografisk centralt placeret i Jylland.",
        0,
        90,
        1.0,
    )
    covered = coverage(analyze_question("Where is Herning located geographically?"), [herning], _idf)
    assert covered == Coverage(1.0, False)
    # A name the documents do not have still counts as missing.
    absent = coverage(analyze_question("Where is Ikast located geographically?"), [herning], _idf)
    assert absent.share < 1.0 and absent.rarest_missing


def test_a_misspelt_word_counts_as_the_word_it_stands_for() -> None:
    """ "Kompetansepiloer" is in no passage: uncorrected, half the question is missing (a reason
    to abstain); with the index term it misspells, the passage covers all of it."""
    question = analyze_question("Hvem finansierer Kompetansepiloer?")
    assert coverage(question, [FUNDING], _idf).share == 0.5
    corrected = replace(question, corrections={"kompetansepiloer": ("kompetansepilot",)})
    assert coverage(corrected, [FUNDING], _idf) == Coverage(1.0, False)


def test_an_english_questions_words_are_found_in_the_sentence_that_spells_them_the_norwegian_way() -> None:
    """ "project" and "documented" share no stem with "Prosjektet skal dokumenteres": only their
    cognates do. Without them only the other sentence was quoted."""
    evaluation = _passage(
        "Samarbeidet skal gi kommunen tilgang på kunnskap og kompetanse. "
        "Prosjektet skal dokumenteres gjennom en forskningsbasert evaluering.",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    result = _ask("How will the project be documented?", [evaluation])
    assert any(c.quote.startswith("Prosjektet skal dokumenteres") for c in result.citations)


def test_the_answer_is_quoted_before_a_runner_up_that_comes_earlier_in_the_passage() -> None:
    """Quotes used to follow document order, so a passage's weaker opening line came first."""
    areas = _passage(
        "Samarbeidet skal gi kommunen tilgang på kunnskap og kompetanse. "
        "De tematiske områdene er byutvikling, helse og oppvekst.",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    result = _ask("Hva dekker samarbeidet tematisk?", [areas])
    assert len(result.citations) == 2
    best = max(result.citations, key=lambda c: c.score)
    assert result.citations[0] == best and best.quote.startswith("De tematiske")


def test_a_list_answer_takes_the_examples_that_follow_its_lead_in() -> None:
    """The lead-in names what the items are; the sentence after it, opening "Eksempler på …" or
    enumerating after a colon, holds them."""
    means = _passage(
        "I prosjektperioden skal partene utvikle virkemidler som styrker samarbeid innen forskning. "
        "Eksempler på dette vil være modeller for: kunnskapsdeling, praksisutdanning og forskerutdanning. "
        "Arbeidet skal skje i dialog med nasjonale myndigheter.",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    quotes = [c.quote for c in _ask("Hvilke virkemidler skal partene utvikle?", [means]).citations]
    assert quotes[0].startswith("I prosjektperioden")
    assert any(q.startswith("Eksempler på dette") for q in quotes)


def test_the_passage_an_answer_quotes_is_listed_before_a_better_retrieved_one() -> None:
    # Retrieval ranks the passage that only mentions the topic first; the answer is in the second.
    mention = Passage(
        "c0", "a.txt", "Kompetansepiloter i Innlandet", "nb",
        "Kompetansepiloter er en ordning for bedrifter i distriktene.", 0, 60, 1.0,
    )  # fmt: skip
    result = _ask("Hvor mye penger får ordningen til sammen?", [mention, FUNDING])
    assert not result.abstained
    quoted = [p for p in (mention, FUNDING) if any(c.chunk_id == p.chunk_id for c in result.citations)]
    assert quoted == [FUNDING]
    # The order the answer's passages are shown and handed on: the quoted one first, then the rest.
    assert quoted_first([mention, FUNDING], result.citations) == [FUNDING, mention]


def test_a_slide_heading_is_not_quoted_as_the_answer_to_a_fact_question() -> None:
    """The heading says what the slide is about, which is what the question is about; the answer
    is in the slide's text."""
    deck = _passage(
        "Organisering av universitetskommunen\n"
        "Styringsgruppe 4 + 4 med koordinatorer fra TK og NTNU, og prosjektledere per område.",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    assert [s.heading for s in answer_sentences(deck.text, "", deck.title)] == [True, False]
    result = _ask("Hvordan er organiseringen av universitetskommunen?", [deck])
    assert not result.abstained
    assert [c.quote for c in result.citations] == [deck.text.split("\n")[1]]


def test_what_a_heading_that_matches_the_question_heads_is_the_answer() -> None:
    """ "Thematic areas in …?" (no question word, so no list plan) matches the slide's heading best;
    the answer is the line it heads, not a sentence about something else that scores next."""
    deck = _passage(
        "I Universitetskommune 2.0 var de tematiske hovedområdene færre enn nå.\n\n"
        "Universitetskommune 3.0 Tematiske hovedområder\n"
        "Byutvikling Helse og velferd Oppvekst og utdanning Smart by",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    question = "Universitetskommune tematiske hovedområder"
    assert analyze_question(question).plan == "fact"
    result = _ask(question, [deck])
    assert not result.abstained
    assert result.citations[0].quote == "Byutvikling Helse og velferd Oppvekst og utdanning Smart by"


def test_a_heading_still_leads_into_the_items_of_a_list() -> None:
    deck = _passage(
        "Tematiske hovedområder i universitetskommunen\n"
        "Byutvikling Helse og velferd Oppvekst og utdanning Smart by\n"
        "Ambisjon nasjonal pilot med departementene.",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    result = _ask("Hvilke tematiske hovedområder har universitetskommunen?", [deck])
    assert "Tematiske hovedområder i universitetskommunen" in [c.quote for c in result.citations]


def test_a_line_alone_at_the_end_of_a_page_is_never_the_answer() -> None:
    """A page's last line after a blank line ("Siluett av Hamar kommune", an image's alt text) is
    furniture: it names the place the question names, and it outscored the sentence that answers."""
    page = _passage(
        "Framtidens samfunn er digitalt. Det er derfor avgjørende å utvikle den digitale kompetansen.\n\n"
        "Siluett av Hamar kommune",
        source="hamar.txt",
        title="Kunnskap og kompetanse",
    )
    assert [s.heading for s in answer_sentences(page.text, "", page.title)] == [False, False, True]
    result = _ask("Hva sier Hamar kommune om framtidens samfunn?", [page])
    assert result.citations and "Siluett av Hamar kommune" not in [c.quote for c in result.citations][:1]
    # A line that ends a paragraph, with no blank line before it, is the text's own.
    closing = "Vi samarbeider med mange.\nNTNU og Trondheim kommune"
    assert [s.heading for s in answer_sentences(closing)] == [False, False]


def test_a_label_and_its_value_on_one_line_is_no_heading() -> None:
    """ "Nåværende klubb: Heming IL" states a fact; it is not a heading over the lines below it."""
    card = "Nåværende klubb: Heming IL\nHan debuterte i verdenscupen i 2013."
    assert [s.heading for s in answer_sentences(card)] == [False, False]


def _quotes_without_runners_up(question: str, passage: Passage) -> list[str]:
    """The quotes when no runner-up joins on its score: only a sentence that completes the best
    one (a continuation, a slide's points) can bring a second."""
    qv = np.asarray(EMB.embed_query(question), dtype=np.float32)
    only_best = Plan(second_ratio=1.01)
    result = compose(analyze_question(question), [passage], qv, _VECTORS, _idf, 4, -10.0, only_best)
    return [c.quote for c in result.citations]


def test_a_why_answer_takes_the_next_sentence_when_it_goes_on_about_the_same_subject() -> None:
    """ "X blir viktige. De har ...": the reason is given about "de", in the sentence after."""
    pilot = _passage(
        "Karrieresentrene og sentrene for voksnes læring blir også viktige. "
        "De har et nettverk innenfor de ulike bransjene og mye kunnskap om sine regioner.",
    )
    question = "Hvorfor blir karrieresentrene viktige i prosjektet?"
    # No runner-up joins on its score: only the continuation can bring the second sentence.
    quotes = _quotes_without_runners_up(question, pilot)
    assert any(q.startswith("De har et nettverk") for q in quotes), quotes


def test_a_why_answer_goes_on_to_the_explanation_after_a_restated_choice_is_described() -> None:
    """ "X valgte Y. Det omfatter … . Dette valget bygger på …": the reason is the third sentence."""
    plan = _passage(
        "Kommunen valgte å satse på reiselivet i denne planen. "
        "Det omfatter alt fra overnatting til guiding. "
        "Dette valget bygger på regionens sterke naturressurser og mange besøkende. "
        "Kommunen har også en egen plan for landbruket.",
    )
    question = "Hvorfor valgte kommunen å satse på reiselivet i planen?"
    quotes = _quotes_without_runners_up(question, plan)
    assert quotes[0].startswith("Kommunen valgte"), quotes
    assert any(q.startswith("Dette valget bygger på") for q in quotes), quotes


def test_a_slide_named_by_the_question_is_quoted_with_all_its_points() -> None:
    deck = _passage(
        "8 Mål Sikre tilgang på relevant kunnskap.\n"
        "9 Mandat Etablere felles utvalg for forskning og utdanning. "
        "Etablere en styringsform for samarbeidet. "
        "Få på plass ordninger for utveksling av personell.\n"
        "10 Virkemidler Partene skal utvikle modeller for samarbeid.",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    question = "Hva går mandatet ut på?"
    quotes = _quotes_without_runners_up(question, deck)
    assert quotes[0].startswith("Mandat Etablere"), quotes
    assert "Etablere en styringsform for samarbeidet." in quotes
    assert "Få på plass ordninger for utveksling av personell." in quotes
    assert not any(q.startswith(("Mål", "Virkemidler")) for q in quotes), quotes


def test_a_count_no_top_passage_holds_is_looked_for_in_the_next_passages() -> None:
    prose = [
        _passage(text, source=f"herning-{n}.txt", title="Uddannelsesstrategi")
        for n, text in enumerate(
            [
                "Vi vil skabe en større integration mellem uddannelserne og arbejdsmarkedet.",
                "Uddannelsesinstitutionerne i byen fortæller om en unik nærhed.",
                "Vi har et udstrakt fokus på rammebetingelser for erhvervslivet.",
                "Vi er åbne overfor nye løsninger for at opfylde vores mål.",
                "Vores strategi er fokuseret om fire mål, som vi vil indfri.",
            ]
        )
    ]
    result = _ask("Hvor mange mål er strategien fokuseret om?", prose)
    assert not result.abstained
    assert result.citations[0].quote.startswith("Vores strategi er fokuseret om fire mål")


def test_a_sum_of_money_is_no_count_of_businesses() -> None:
    funding = "Gjennom ordningen har departementet bevilget 4,4 millioner kroner over en treårsperiode."
    assert not has_type_evidence("count", funding, "How many businesses have signed up for the pilots?")
    assert has_type_evidence("count", funding, "Hvor mange millioner kroner har departementet bevilget?")
    assert has_type_evidence("count", "Til sammen 12 bedrifter har meldt seg på.", "How many businesses?")


def test_a_question_for_a_year_is_answered_only_by_a_sentence_that_names_one() -> None:
    question = "In which year did Herning Municipality adopt its education strategy?"
    assert analyze_question(question).kind == "time"
    vague = "På landsplan har der de senere år været et politisk fokus."
    assert not has_type_evidence("time", vague, question)
    assert has_type_evidence("time", "Strategien blev vedtaget i 2019.", question)
    strategy = _passage(
        "Her finder du vores uddannelsesstrategi for Herning Kommune. "
        "På landsplan har der de senere år været et politisk fokus på uddannelse.",
        source="herning.txt",
        title="Uddannelsesstrategi",
    )
    assert _ask(question, [strategy]).abstained


@pytest.mark.parametrize(
    "question",
    [
        "The ministry's money is spread over a three-year period. Which years does that period cover?",
        "Vilka år omfattar treårsperioden?",
        "Hvilke år dekker treårsperioden?",
    ],
)
def test_which_years_asks_for_years_not_for_any_number(question: str) -> None:
    funding = "Gjennom ordningen har departementet bevilget 4,4 millioner kroner over en treårsperiode."
    assert analyze_question(question).kind == "time"
    assert not has_type_evidence("time", funding, question)
    assert has_type_evidence("time", "Perioden varer fra 2021 til 2023.", question)


def test_the_amount_a_question_names_with_its_unit_is_no_answer_to_a_share_of_it() -> None:
    question = "Hvor mye av de 6,3 millionene til Kompetansepiloter går til Fjellregionen?"
    assert not has_type_evidence("amount", "Til sammen blir det nesten 6,3 millioner kroner.", question)
    assert has_type_evidence("amount", "Fjellregionen får 1,2 millioner kroner av potten.", question)


def test_years_are_counted_in_a_compound() -> None:
    sentence = "Gjennom ordningen har departementet bevilget 4,4 millioner kroner over en treårsperiode."
    assert has_type_evidence("count", sentence, "Over hvor mange år gis bevilgningen fra departementet?")


def test_a_number_word_in_a_hyphenated_compound_counts_nothing() -> None:
    # "tre" is wood in "tre-mekaniske", not three.
    sentence = "Fylkeskommunen valgte å satse på bedrifter innenfor den tre-mekaniske næringskjeden."
    assert not has_type_evidence("count", sentence, "Hvor mange bedrifter skal delta i prosjektet?")
    assert has_type_evidence("count", "Tre bedrifter deltar.", "Hvor mange bedrifter skal delta?")


def test_a_year_may_have_three_digits() -> None:
    sentence = "Karl Martell (født 23. august 686, død 22. oktober 741) var rikshovmester."
    assert has_type_evidence("time", sentence, "Hvilket år døde Karl Martell?")
    decimal = "Fylket bidrar med 1,882 millioner kroner."
    assert not has_type_evidence("time", decimal, "Hvilket år startet det?")


def test_a_year_in_one_of_the_first_few_sentences_answers_when_the_best_gives_none() -> None:
    """ "Kva år …": the best sentence is about establishing but names no year; the slide line
    below it that does ("Universitetsskoler (2015)") answers, where before the question was refused."""
    slides = _passage(
        "Felles forpliktelser I løpet av en periode på inntil fire år etablere en nasjonal pilot "
        "på en universitetskommune.\n"
        "Universitetsskoler (2015) Veilederutdanning for lærerne på Universitetskolene",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    result = _ask("Kva år vart universitetsskulane i Trondheim etablerte?", [slides])
    assert not result.abstained
    assert "2015" in result.citations[0].quote, [c.quote for c in result.citations]


_DECK = Passage(
    "c0",
    "trondheim.txt",
    "Universitetskommune 3.0",
    "nb",
    "Universitetskommune 3.0 Trondheim kommune – NTNU\n\n"
    "1 Universitetskommune 3.0\n"
    "“Kunnskap for en bedre verden - innovasjon, omstilling og digitalisering i offentlig sektor” "
    "Instituttledermøte SU 21. november 2018 Arild Smolan Seniorrådgiver rektors stab\n\n"
    "2 Universitetskommune 3.0 Universitetskommune tilfreds når universiteter var lokalisert "
    "innenfor kommunegrensen. Samarbeidet organiseres innenfor avgrensede siloer og fagområder.",
    0,
    300,
    1.0,
)


def test_who_gave_a_presentation_and_when_is_answered_by_its_title_slide() -> None:
    """The presenter and the date are on the deck's first slide, which says nothing else the
    question asks about: answered there even where the evidence score alone would refuse."""
    for question in (
        "When was the Universitetskommune 3.0 presentation given?",
        "Når ble presentasjonen om Universitetskommune 3.0 holdt?",
    ):
        result = _ask(question, [_DECK], threshold=1.1)
        assert not result.abstained, question
        assert "21. november 2018" in result.citations[0].quote, question


def test_a_date_in_the_body_is_not_replaced_by_the_title_slide() -> None:
    """ "Når ble planene presentert?" asks when something else was presented: the body's dated
    sentence answers, not the document's opening lines."""
    deck = replace(
        _DECK,
        text=_DECK.text + " Planene for samarbeidet ble presentert for bystyret i mars 2019.",
        char_end=400,
    )
    result = _ask("Når ble planene for samarbeidet presentert for bystyret?", [deck])
    assert "mars 2019" in result.citations[0].quote


def test_a_count_of_the_asked_thing_answers_where_the_evidence_score_would_refuse() -> None:
    """ "… fokuseret om fire mål" counts the goals asked about; the abstainer, reading a best
    sentence without a number, would refuse."""
    strategy = _passage(
        "Vi vil gå nye veje for at opfylde vores mål. Vores strategi er fokuseret om fire mål, som vi "
        "vil indfri. Herning har mange uddannelser.",
        source="herning.txt",
        title="Uddannelsesstrategi Herning",
    )
    result = _ask(
        "Hvor mange mål er Hernings uddannelsesstrategi bygget op omkring?", [strategy], threshold=1.1
    )
    assert not result.abstained
    assert "fire mål" in result.citations[0].quote
    refused = _ask("Hvor mange studerende er der i Herning?", [strategy], threshold=1.1)
    assert refused.abstained


def test_a_when_question_is_answered_by_the_year_beside_what_it_names() -> None:
    """A slide lists agreements with their years; the one asked about answers, ahead of a line on
    the schools that gives no date, even where the evidence score alone would refuse."""
    slide = _passage(
        "Hva har vi i 2.0\nSamarbeidet om universitetsskolene kom i gang med felles møteplasser\n"
        "Universitetsskoler (2015) Veilederutdanning for lærerne på universitetsskolene\n"
        "Trondheim som et varig samarbeid mellom kommunen og universitetet",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    result = _ask("Når kom universitetsskolene i gang i samarbeidet?", [slide], threshold=1.1)
    assert not result.abstained
    assert result.citations[0].quote.startswith("Universitetsskoler (2015)")


def test_which_year_is_answered_by_the_year_beside_what_it_names_not_by_another_years_line() -> None:
    """ "I hvilket år …" asks for a year: of the best few lines that give one, the one beside what
    the question names answers ("Universitetsskoler (2015)"), not the first with any year."""
    slide = _passage(
        "Samarbeidet om universitetsskolene i Trondheim kom i gang med felles møteplasser\n"
        "Universitetskommune Helse og velferd (2017)\n"
        "Universitetsskoler (2015) Veilederutdanning for lærerne på universitetsskolene",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    result = _ask("I hvilket år kom universitetsskolerne i gang i samarbejdet med Trondheim?", [slide])
    assert result.citations, result
    assert result.citations[0].quote.startswith("Universitetsskoler (2015)"), [
        c.quote for c in result.citations
    ]


def test_what_date_is_answered_by_a_day_and_month_not_by_a_year_alone() -> None:
    """ "What date was the presentation given?" asks for a day: a later slide's line with a year in
    brackets does not give one, though it shares the question's words; the title slide's
    "21. november 2018" does."""
    deck = _passage(
        "“Kunnskap for en bedre verden - innovasjon, omstilling og digitalisering i offentlig sektor” "
        "Instituttledermøte SU 21. november 2018 Arild Smolan Seniorrådgiver rektors stab\n"
        "Samarbeidet organiseres i fem tematiske områder med egne mål og handlingsplaner.\n"
        "Kommunen og universitetet skal dele stillinger og utveksle personell mellom seg.\n"
        "Felles utvalg skal identifisere forskningsbehov og ivareta disse i planarbeidet.\n"
        "Presentasjonen av helse og velferd ble holdt for kommunen og universitetet (2017)",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    for question in ("What date was the presentation given?", "Hvilken dato ble presentasjonen holdt?"):
        result = _ask(question, [deck])
        assert result.citations and "21. november 2018" in result.citations[0].quote, [
            c.quote for c in result.citations
        ]


def test_a_dated_best_sentence_keeps_the_lead_over_a_name_with_its_years() -> None:
    """ "McCartney var medlem av The Beatles (1957–1970)" gives the band's years, not when it broke
    through: a best sentence that gives a date keeps the lead."""
    bio = _passage(
        "Det store gjennombruddet for The Beatles i Storbritannia kom i 1963 med singelen Please Please Me. "
        "McCartney var medlem av The Beatles (1957–1970) og Wings (1971–1980).",
        source="mccartney.txt",
        title="Paul McCartney",
    )
    result = _ask("Når ble The Beatles ordentlig kjent i Storbritannia?", [bio])
    assert "1963" in result.citations[0].quote


@pytest.mark.parametrize(
    ("prior", "following", "parallel"),
    [
        (
            "Det er meget værdifuldt: De studerende på byens uddannelser får fx hurtigt erfaringer.",
            "De studerende går på mindre hold.",
            True,
        ),
        ("Alle studenter får praksis.", "Alle studenter får også veiledning.", True),
        # A name repeated as the subject tells a story, not a list.
        ("The Economist støtter homofilt partnerskap.", "The Economist støttet også krigen.", False),
        # Two function words open many unrelated sentences: no list.
        ("Vi vil etablere nye områder.", "Vi vil styrke samarbejdet.", False),
        ("Det er viktig for byen.", "Det er også viktig.", False),
        ("De studerende får erfaringer.", "Undervisningen foregår på små hold.", False),
    ],
)
def test_a_list_written_as_parallel_sentences_is_told_by_its_opening_words(
    prior: str, following: str, parallel: bool
) -> None:
    assert opens_in_parallel(prior, following) is parallel


def _lexical(question: str, passage: Passage) -> dict[str, float]:
    """Each sentence of `passage` with its lexical evidence for `question`."""
    info = analyze_question(question)
    qv = np.asarray(EMB.embed_query(info.text), dtype=np.float32)
    return {f.text: f.lexical for f in sentence_features(info, [passage], qv, _VECTORS, _idf, 4)}


def test_two_english_words_match_the_norwegian_compound_that_joins_them() -> None:
    """ "university schools" is one word in Norwegian ("Universitetsskoler"): neither English word
    alone matches it, so the slide line that answers had less lexical evidence than prose that
    merely said "universitetet"."""
    slide = _passage(
        "Universitetsskoler (2015) Veilederutdanning for lærerne. Samarbeidet med universitetet er varig.",
        source="trondheim.txt",
        title="Universitetskommune 3.0",
    )
    lexical = _lexical("In which year did the university schools arrangement begin?", slide)
    compound = next(v for t, v in lexical.items() if t.startswith("Universitetsskoler"))
    prose = lexical["Samarbeidet med universitetet er varig."]
    assert compound > prose > 0


def test_a_neighbours_word_for_it_counts_in_a_danish_text() -> None:
    """Swedish and Norwegian say "näringslivet"/"næringslivet" where Danish says "erhvervslivet":
    another word, not another spelling, so only the glossary's neighbour table finds it."""
    passage = Passage(
        "c1", "herning.txt", "Uddannelsesstrategi", "da",
        "Vi har en tæt relation til erhvervslivet. Vi har mange studerende.", 0, 66, 1.0,
    )  # fmt: skip
    for question in ("Hur beskriver Herning näringslivet?", "Hva sier Herning om næringslivet?"):
        lexical = _lexical(question, passage)
        assert lexical["Vi har en tæt relation til erhvervslivet."] > lexical["Vi har mange studerende."]


def test_a_place_named_in_english_or_german_is_found_as_the_documents_name_it() -> None:
    """ "Jutland" is "Jylland" and "de jyske unge" in a Danish text, "Norway" is "Norge": a
    question naming the place in its own language asks about the same place, not another one."""
    jutland = _passage(
        "En stor del af de jyske unge tiltrækkes af de store universitetsbyer - og her særligt Aarhus.",
        source="herning.txt",
        title="Uddannelsesstrategi Herning",
    )
    norway = _passage("Befolkningen i Hamar har et utdanningsnivå på linje med universitetsbyene i Norge.")
    for question, passage in (
        ("Which city lures young people from Jutland away?", jutland),
        ("Welche Stadt lockt junge Leute aus Jütland weg?", jutland),
        ("How does Hamar's education level compare with Norway's university towns?", norway),
    ):
        assert grounded_passages(analyze_question(question), [passage]) == [True], question
    assert grounded_passages(
        analyze_question("Which city lures young people from Zealand away?"), [jutland]
    ) == [False]


def test_a_sentence_names_a_group_again_by_these_and_the_end_of_its_compound() -> None:
    from assistant.compose import _names_again

    prior = "Karrieresentrene og sentrene for voksnes læring blir også viktige."
    assert _names_again(prior, "Fylkeskommunen skal bygge opp møteplasser i tilknytning til disse sentrene.")
    assert _names_again(
        "The career centres matter.", "The county builds meeting places around these centres."
    )
    assert not _names_again(
        prior, "Fylkeskommunen skal bygge opp møteplasser i tilknytning til disse bedriftene."
    )
    assert not _names_again(prior, "Fylkeskommunen skal bygge opp møteplasser for sentrene.")
