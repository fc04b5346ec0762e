"""Cleaning on the real scraped corpus: the noise goes, every piece of content stays."""

from __future__ import annotations

import re

import pytest

from ingest.clean import clean_text
from tests.conftest import CORPUS

FILES = sorted(p.name for p in CORPUS.glob("*.txt"))

# Whole lines of page furniture in the corpus, spelled out here independently of the cleaner.
BOILERPLATE = [
    "Presentasjon lastes. Vennligst vent",
    "Liknende presentasjoner",
    "Annonser fra Google",
    "Til toppen",
]
IMAGE_MARKER = "Klikk for stort bilde"


def _raw(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def cleaned() -> dict[str, str]:
    return {name: clean_text(_raw(name)) for name in FILES}


def _squash(text: str) -> str:
    """Text without any whitespace, for comparisons that must ignore re-flowed lines."""
    return re.sub(r"\s+", "", text)


def test_the_corpus_is_the_one_these_tests_describe() -> None:
    assert FILES == [
        "hamar-kunnskap-og-kompetanse.txt",
        "herning-uddannelsesstrategi.txt",
        "innlandet-kompetansepiloter.txt",
        "trondheim-universitetskommune-3-0.txt",
    ]


@pytest.mark.parametrize("name", FILES)
def test_boilerplate_lines_are_gone(cleaned: dict[str, str], name: str) -> None:
    lines = {line.strip() for line in cleaned[name].split("\n")}
    for furniture in BOILERPLATE:
        assert furniture not in lines
    assert "Presentasjon om:" not in cleaned[name]
    assert "Utskrift av presentasjonen" not in cleaned[name]
    assert "Laste ned ppt" not in cleaned[name]


def test_boilerplate_really_was_in_the_raw_files() -> None:
    raw = "\n".join(_raw(name) for name in FILES)
    for furniture in [*BOILERPLATE, IMAGE_MARKER, "\u00a0"]:
        assert furniture in raw


@pytest.mark.parametrize("name", FILES)
def test_no_invisible_or_non_breaking_spaces_remain(cleaned: dict[str, str], name: str) -> None:
    text = cleaned[name]
    for char in ("\u00a0", "\u200b", "\ufeff", "\r", "\t"):
        assert char not in text
    assert "  " not in text
    assert "\n\n\n" not in text
    assert all(line == line.strip() for line in text.split("\n"))


def test_image_viewer_marker_gone_and_each_caption_kept_once(cleaned: dict[str, str]) -> None:
    text = cleaned["innlandet-kompetansepiloter.txt"]
    assert IMAGE_MARKER.lower() not in text.lower()
    caption = "I kompetansepilotprosjektet har Innlandet valgt å satse på bedrifter innenfor treindustrien."
    assert text.count(caption) == 1
    # The portrait captions are names; each appears once as a caption, with its photo credit.
    assert text.count("Per-Gunnar Sveen (Foto: Kirsti Hovde / Innlandet fylkeskommune)") == 1
    assert text.count("Tore Gregersen (Foto: Kirsti Hovde / Innlandet fylkeskommune)") == 1
    assert "Per-Gunnar SveenPer-Gunnar" not in text and "bildeI" not in text


def test_caption_is_not_glued_to_the_sentence_after_it(cleaned: dict[str, str]) -> None:
    paragraphs = cleaned["innlandet-kompetansepiloter.txt"].split("\n\n")
    assert any(p.startswith("I prosjektene skal det kartlegges hvilke behov") for p in paragraphs)
    assert any(p.startswith("Kompetanse- og tannhelsesjef i Innlandet, Tore Gregersen") for p in paragraphs)
    assert any(p.startswith("Karrieresentrene og sentrene for voksnes læring") for p in paragraphs)


def test_glued_caption_split_from_first_sentence(cleaned: dict[str, str]) -> None:
    paragraphs = cleaned["hamar-kunnskap-og-kompetanse.txt"].split("\n\n")
    assert paragraphs[0] == "VR-teknologi i bruk"
    assert paragraphs[1].startswith("Kunnskap og evnen til å bruke denne kunnskapen")
    assert "brukKunnskap" not in cleaned["hamar-kunnskap-og-kompetanse.txt"]


def test_bullets_split_over_two_lines_are_joined(cleaned: dict[str, str]) -> None:
    lines = cleaned["herning-uddannelsesstrategi.txt"].split("\n")
    bullets = [line for line in lines if line.startswith("- ")]
    assert bullets == [
        "- Vi vil etablere nye områder i byen, der fusionerer innovation, erhvervsliv og uddannelse.",
        "- Vi vil gerne medvirke til nye mere agile og fleksible uddannelsesløsninger, der matcher "
        "fremtidens behov bedre end de nuværende.",
        "- Og vi vil gerne blande os i den uddannelsespolitiske dagsorden og synliggøre nye perspektiver "
        "på uddannelse.",
    ]
    assert "•" not in cleaned["herning-uddannelsesstrategi.txt"]
    # A sentence broken over two lines in the raw page is one line again.
    assert any("tilegne sig ny læring skal være til stede hele livet." in line for line in lines)


KEY_FACTS = {
    "innlandet-kompetansepiloter.txt": [
        "Til sammen blir det nesten 6,3 millioner kroner.",
        "Innlandet fylkeskommune bidrar med 1,882 millioner kroner.",
        "departementet bevilget 4,4 millioner kroner over en treårsperiode",
        "Kommunal- og moderniseringsdepartementet (KMD)",
        "samarbeider med Tretorget og Norwegian Wood Cluster",
        "Fagskolen Innlandet eller Høgskolen i Innlandet",
        "Mostphotos",
    ],
    "herning-uddannelsesstrategi.txt": [
        "fx da Eksportskolen blev etableret",
        "Vores strategi er fokuseret om fire mål",
        "Noget gammelt, noget nyt, noget lånt og noget blåt",
    ],
    "hamar-kunnskap-og-kompetanse.txt": [
        "såkalte start-up labs",
        "studiestedene Hamar og Blæstad",
        "Siluett av Hamar kommune",
    ],
    "trondheim-universitetskommune-3-0.txt": [
        "Styringsgruppe 4 + 4",
        "Instituttledermøte SU 21. november 2018 Arild Smolan",
        "«by incident or accident»",
        "Universitetskommune 3.0 Trondheim kommune – NTNU",
        "13 Takk for oppmerksomheten",
    ],
}


@pytest.mark.parametrize("name", FILES)
def test_key_facts_survive_cleaning(cleaned: dict[str, str], name: str) -> None:
    for fact in KEY_FACTS[name]:
        assert fact in _raw(name).replace("\u00a0", " "), f"not in the raw file: {fact}"
        assert fact in cleaned[name], fact


def _content_pieces(raw: str) -> list[str]:
    """Every non-boilerplate piece of the raw page, cut at image-viewer markers and line breaks."""
    pieces: list[str] = []
    for line in raw.split("\n"):
        line = line.strip()
        if not line or line in BOILERPLATE:
            continue
        if line.startswith(("Presentasjon om:", "Laste ned ppt")):
            continue
        for piece in line.split(IMAGE_MARKER):
            piece = re.sub(r"^[•\s]+|[\s-]+$", "", piece)  # bullet signs and the ' -' before a marker
            if piece:
                pieces.append(piece)
    return pieces


@pytest.mark.parametrize("name", FILES)
def test_no_content_is_lost(cleaned: dict[str, str], name: str) -> None:
    # Ignoring whitespace (line joins, caption splits, NBSP) and the "(Foto: ...)" wrapper added around
    # photo credits, every piece of real content of the raw page is still in the cleaned text, in one
    # piece. A caption repeated by the image viewer may collapse into one copy.
    target = _squash(re.sub(r"\(Foto: ([^)]*)\)", r"\1", cleaned[name]))
    pieces = _content_pieces(_raw(name))
    assert len(pieces) > 10
    missing = [p for p in pieces if _squash(p) not in target]
    assert missing == []


def test_cleaning_is_idempotent(cleaned: dict[str, str]) -> None:
    for name, text in cleaned.items():
        assert clean_text(text) == text, name


# ----------------------------------------------------------------------------- synthetic cases
def test_non_breaking_and_zero_width_spaces() -> None:
    assert (
        clean_text("6,3\u00a0millioner\u200b kroner\u202f til\ufeff Hamar.")
        == "6,3 millioner kroner til Hamar."
    )


def test_windows_line_endings_and_tabs() -> None:
    assert clean_text("Første linje.\r\n\r\nAndre\tlinje.\r\n") == "Første linje.\n\nAndre linje."


def test_boilerplate_in_other_languages() -> None:
    text = (
        "Innhold her.\n\nBack to top\n\nAds by Google\n\n"
        "Præsentationen indlæses. Vent venligst\n\nMer innhold."
    )
    assert clean_text(text) == "Innhold her.\n\nMer innhold."


def test_a_sentence_that_mentions_boilerplate_words_is_kept() -> None:
    text = "Vi går til toppen av Mjøstårnet for å se utsikten."
    assert clean_text(text) == text


def test_lines_ending_a_sentence_are_not_joined() -> None:
    text = "Dette er første punkt.\nandre linje begynner med liten bokstav."
    assert clean_text(text) == text


def test_immediate_repeat_of_a_title_line_is_dropped() -> None:
    assert clean_text("Tittel\n\nTittel\n\nTekst.") == "Tittel\n\nTekst."


def test_table_rows_are_never_joined_like_a_broken_sentence() -> None:
    table = "Mål | Ansvarlig\nfor alle unge | Herning Kommune\nlivslang læring | Erhvervsrådet"
    assert clean_text(table) == table
