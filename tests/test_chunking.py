"""Chunks: exact spans of the cleaned text, stable ids, sensible sizes, sections from headings."""

from __future__ import annotations

import itertools
import re

import pytest

from ingest.chunking import Chunk, ChunkingConfig, answer_sentences, chunk_text
from ingest.clean import clean_text
from ingest.sentences import sentence_spans
from tests.conftest import CORPUS

CONFIG = ChunkingConfig()
MAX_WITH_OVERLAP = CONFIG.hard_max_words + CONFIG.overlap_max_words

_FILLER = [
    "kommunen", "skal", "bidra", "til", "utdanning", "og", "kunnskap", "for", "barn", "og", "unge", "i",
    "hele", "regionen", "gjennom", "samarbeid", "med", "høgskolen", "og", "lokalt", "næringsliv", "om",
    "nye", "arbeidsplasser",
]  # fmt: skip


def _sentence(n: int, words: int) -> str:
    body = " ".join(_FILLER[(n + i) % len(_FILLER)] for i in range(words))
    return f"Setning {n} {body}."


def _paragraph(first: int, sentences: int, words: int = 14) -> str:
    return " ".join(_sentence(first + i, words) for i in range(sentences))


def _document(sections: list[tuple[str, list[int]]]) -> str:
    """Headings, each followed by paragraphs of the given numbers of 16-word sentences."""
    parts: list[str] = []
    n = 0
    for heading, paragraphs in sections:
        parts.append(heading)
        for count in paragraphs:
            parts.append(_paragraph(n, count))
            n += count
    return "\n\n".join(parts)


def _words(text: str) -> int:
    return len(text.split())


def _covered(text: str, chunks: list[Chunk]) -> bool:
    covered = bytearray(len(text))
    for chunk in chunks:
        covered[chunk.char_start : chunk.char_end] = b"\1" * (chunk.char_end - chunk.char_start)
    return all(covered[i] or text[i].isspace() for i in range(len(text)))


@pytest.fixture(scope="module")
def corpus_texts() -> dict[str, str]:
    return {p.name: clean_text(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))}


def test_chunks_are_exact_spans_covering_the_whole_corpus(corpus_texts: dict[str, str]) -> None:
    for name, text in corpus_texts.items():
        chunks = chunk_text(name, text)
        assert chunks, name
        for position, chunk in enumerate(chunks):
            assert text[chunk.char_start : chunk.char_end] == chunk.text
            assert chunk.text == chunk.text.strip()
            assert chunk.position == position
        assert [c.char_start for c in chunks] == sorted(c.char_start for c in chunks)
        assert _covered(text, chunks), f"{name}: some text is in no chunk"


def test_corpus_chunk_sizes_are_within_bounds(corpus_texts: dict[str, str]) -> None:
    sizes = [_words(c.text) for name, text in corpus_texts.items() for c in chunk_text(name, text)]
    assert max(sizes) <= MAX_WITH_OVERLAP
    # Most passages are in the ~80-250 word range the retriever is tuned for.
    assert sum(CONFIG.min_words // 2 <= s <= 250 for s in sizes) >= 0.8 * len(sizes)


def test_ids_are_deterministic_and_unique(corpus_texts: dict[str, str]) -> None:
    for name, text in corpus_texts.items():
        first = [c.chunk_id for c in chunk_text(name, text)]
        assert first == [c.chunk_id for c in chunk_text(name, text)]
        assert len(set(first)) == len(first)


def test_same_text_in_another_file_gets_other_ids(corpus_texts: dict[str, str]) -> None:
    text = corpus_texts["hamar-kunnskap-og-kompetanse.txt"]
    a = {c.chunk_id for c in chunk_text("a/hamar.txt", text)}
    b = {c.chunk_id for c in chunk_text("b/hamar.txt", text)}
    assert a.isdisjoint(b)


def test_changed_text_changes_only_the_ids_of_changed_chunks(corpus_texts: dict[str, str]) -> None:
    name = "innlandet-kompetansepiloter.txt"
    text = corpus_texts[name]
    before = chunk_text(name, text)
    edited = text.replace("sier Tore Gregersen.", "sier fylkesdirektør Tore Gregersen.")
    assert edited != text
    after = chunk_text(name, edited)
    assert before[0].chunk_id == after[0].chunk_id  # the untouched opening keeps its id
    changed = [i for i, c in enumerate(before) if "sier Tore Gregersen." in c.text]
    assert changed
    for i in changed:
        assert after[i].chunk_id != before[i].chunk_id
        assert "fylkesdirektør Tore Gregersen" in after[i].text


def test_headings_start_sections() -> None:
    text = _document([("Hvor er vi i dag", [4, 3]), ("Hvor vil vi", [5]), ("Samarbeidspartnere", [6])])
    chunks = chunk_text("doc.txt", text)
    # Every section is above min_words, so each one is exactly one chunk that starts at its heading.
    assert [c.section for c in chunks] == ["Hvor er vi i dag", "Hvor vil vi", "Samarbeidspartnere"]
    for chunk in chunks:
        assert chunk.text.startswith(chunk.section + "\n")
    # Chunks that start at a heading do not repeat text from the previous section.
    for previous, chunk in itertools.pairwise(chunks):
        assert chunk.char_start >= previous.char_end


def test_long_section_is_cut_with_one_sentence_of_overlap_inside_the_section() -> None:
    text = _document([("Innledning", [6]), ("Mål og tiltak", [10, 10, 10, 10, 10]), ("Avslutning", [6])])
    chunks = chunk_text("doc.txt", text)
    long_section = [c for c in chunks if c.section == "Mål og tiltak"]
    assert len(long_section) >= 3
    overlaps = 0
    for previous, chunk in itertools.pairwise(chunks):
        if chunk.char_start < previous.char_end:
            overlaps += 1
            assert chunk.section == previous.section == "Mål og tiltak"
            repeated = text[chunk.char_start : previous.char_end]
            # The overlap is exactly the last sentence of the previous chunk.
            last_start, last_end = sentence_spans(text, previous.char_start, previous.char_end)[-1]
            assert (chunk.char_start, previous.char_end) == (last_start, last_end)
            assert re.fullmatch(r"Setning \d+ [^.]+\.", repeated)
            assert _words(repeated) <= CONFIG.overlap_max_words
    assert overlaps >= 2
    for chunk in chunks:
        assert _words(chunk.text) <= MAX_WITH_OVERLAP
    for chunk in long_section[:-1]:
        assert _words(chunk.text) >= CONFIG.min_words
    assert _covered(text, chunks)


def test_one_long_paragraph_is_cut_between_sentences() -> None:
    text = _paragraph(0, 60)  # ~960 words in one line
    chunks = chunk_text("doc.txt", text)
    assert len(chunks) >= 4
    for chunk in chunks:
        assert _words(chunk.text) <= MAX_WITH_OVERLAP
        assert chunk.text.startswith("Setning ") and chunk.text.endswith(".")
    assert _covered(text, chunks)


def test_unpunctuated_run_of_words_is_still_cut() -> None:
    # Slide transcripts and PDF tables can have hundreds of words without a full stop.
    text = "Tematiske hovedområder\n" + " ".join(_FILLER[i % len(_FILLER)] for i in range(1000))
    chunks = chunk_text("slides.txt", text)
    assert len(chunks) >= 4
    assert max(_words(c.text) for c in chunks) <= CONFIG.hard_max_words
    assert _covered(text, chunks)


def test_short_tail_is_folded_into_the_previous_chunk() -> None:
    text = _document([("Innledning", [10, 10]), ("Kontakt", [])]) + "\n\nSiluett av Hamar kommune"
    chunks = chunk_text("doc.txt", text)
    assert chunks[-1].text.endswith("Siluett av Hamar kommune")
    assert _words(chunks[-1].text) > 10  # not a three-word fragment of its own


def test_smaller_configuration_gives_smaller_chunks() -> None:
    text = _document([("Mål", [10, 10, 10, 10])])
    small = ChunkingConfig(max_words=100, min_words=40, overlap_max_words=20, hard_max_words=140)
    default_sizes = [_words(c.text) for c in chunk_text("d.txt", text)]
    small_sizes = [_words(c.text) for c in chunk_text("d.txt", text, small)]
    assert len(small_sizes) > len(default_sizes)
    assert max(small_sizes) <= small.hard_max_words + small.overlap_max_words


def test_empty_text_has_no_chunks() -> None:
    assert chunk_text("empty.txt", "") == []


def test_photo_captions_are_never_answer_sentences() -> None:
    # Cleaning closes a caption with its credit; the text's own credit may open a real sentence.
    passage = (
        "Tore Gregersen (Foto: Kirsti Hovde / Innlandet fylkeskommune)\n\n"
        "(Foto: Xavier Popy) Guillaume Poupard, sjef for ANSSI, gjestet konferansen onsdag.\n\n"
        "Fylkeskommunen skal bygge opp møteplasser for bransjen."
    )
    texts = [s.text for s in answer_sentences(passage)]
    assert not any(t.startswith("Tore Gregersen") for t in texts)
    assert any("Guillaume Poupard" in t for t in texts)
    assert "Fylkeskommunen skal bygge opp møteplasser for bransjen." in texts


def test_a_pages_signpost_to_itself_is_never_an_answer_sentence() -> None:
    # "Her finder du vores uddannelsesstrategi …" tells the reader where they are, in any language;
    # the same words in a sentence about something else are the text's own.
    passage = (
        "Her finder du vores uddannelsesstrategi for Herning Kommune.\n\n"
        "Here you will find the plan for 2030.\n\n"
        "Her finnes det tre videregående skoler.\n\n"
        "På denne siden av fjorden bor det 300 mennesker.\n\n"
        "Vi vil styrke samarbejdet med erhvervslivet."
    )
    texts = [s.text for s in answer_sentences(passage)]
    assert not any(t.startswith(("Her finder du", "Here you will find")) for t in texts)
    assert "Her finnes det tre videregående skoler." in texts
    assert "På denne siden av fjorden bor det 300 mennesker." in texts
    assert "Vi vil styrke samarbejdet med erhvervslivet." in texts


def test_a_decks_running_header_is_not_quoted_with_its_slides_first_bullet() -> None:
    deck = (
        "1 Byløftet 2030 Hamar kommune\n\n"
        "2 Byløftet 2030 Kommunen skal bygge tre nye skoler innen 2030 Kommunen skal samarbeide med "
        "høgskolen om praksisplasser Kommunen skal gi alle elever egen datamaskin og opplæring i "
        "digitale verktøy fra første trinn\n\n"
        "3 Byløftet 2030 Finansiering\n"
    )
    texts = [s.text for s in answer_sentences(deck, "", "Byløftet 2030 Hamar kommune")]
    assert any(t.startswith("Kommunen skal bygge tre nye skoler") for t in texts), texts
    assert not any(t.startswith("Byløftet 2030 Kommunen") for t in texts)
    # A slide that is only the header and its heading stays whole: a list's lead-in.
    assert "Byløftet 2030 Finansiering" in texts


def test_a_slide_number_is_left_out_even_before_a_number() -> None:
    deck = (
        "6 Tematiske hovedområder\nByutvikling Helse og velferd\n\n"
        "7 3.0 - omfang Ambisjon; Nasjonal pilot, KD og KMD\n\n"
        "8 Mål Sikre tilgang på relevant kunnskap\n"
    )
    texts = [s.text for s in answer_sentences(deck)]
    assert "3.0 - omfang Ambisjon; Nasjonal pilot, KD og KMD" in texts, texts


def test_numbers_that_open_lines_stay_when_they_are_amounts_or_names() -> None:
    # A table of yearly amounts, and two neighbouring squadron numbers: no deck of slides.
    table = "1995\n39 230 kroner\n1994\n38 080 kroner\n1993\n37 300 kroner\n"
    names = "331 skvadron med F-16 flyr fredag.\n332 skvadron med F-35 flyr fredag.\n"
    table_texts = " ".join(s.text for s in answer_sentences(table))
    assert "39 230 kroner" in table_texts and "37 300 kroner" in table_texts
    assert next(s.text for s in answer_sentences(names)).startswith("331 skvadron")


def test_a_slides_bullets_that_run_on_after_a_sentence_are_cut_into_bullets() -> None:
    # A deck's slide: a sentence, then its bullets flattened into one run that ends in a full stop.
    deck = (
        "6 Tematiske hovedområder\nByutvikling Helse og velferd\n\n"
        "7 Omfang\nOmrådene favner kommunens behov. Oppvekst og utdanning, universitetsskole og "
        "barnehage Helse og velferd, folkehelse, helse- og velferdstjenester, mangfold og "
        "integrering Byutvikling, den fysiske byen og dens infrastruktur, byrommets betydning for "
        "gode liv Innovasjon og omstilling, kommunen som demokratisk institusjon og aktør.\n\n"
        "8 Mål Sikre tilgang på relevant kunnskap\n"
    )
    texts = [s.text for s in answer_sentences(deck)]
    health = "Helse og velferd, folkehelse, helse- og velferdstjenester, mangfold og integrering"
    assert health in texts, texts
    assert any(t.startswith("Innovasjon og omstilling, kommunen") for t in texts), texts
    # The same words in prose (no numbered slides) are one sentence: names in prose have that shape.
    prose = deck.replace("6 ", "").replace("7 ", "").replace("8 ", "")
    assert health not in [s.text for s in answer_sentences(prose)]


def test_a_slides_body_line_is_quotable_though_it_has_a_headings_shape() -> None:
    # Slide 6 names the five areas on the line below its title: short, capitalised, unpunctuated,
    # like a heading, but what the slide says. Its title line stays a heading (a list's lead-in).
    deck = (
        "5 Utfordringen Fagfolk kommuniserer med enkeltpersoner\n\n"
        "6 Fem tematiske hovedområder\nByutvikling Helse og velferd Oppvekst og utdanning Smart by\n\n"
        "7 Mål Sikre tilgang på relevant kunnskap\n"
    )
    units = {s.text: s.heading for s in answer_sentences(deck)}
    assert units["Byutvikling Helse og velferd Oppvekst og utdanning Smart by"] is False, units
    assert units["Fem tematiske hovedområder"] is True, units
    # Without numbered slides the same lines are a heading and its body, as before.
    page = (
        "Fem tematiske hovedområder\nByutvikling Helse og velferd Oppvekst og utdanning Smart by\n\n"
        "Mål og tiltak\n"
    )
    plain = {s.text: s.heading for s in answer_sentences(page)}
    assert plain["Fem tematiske hovedområder"] is True, plain
