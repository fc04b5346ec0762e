"""BM25 with Scandinavian stemming: word forms match, saved indexes reload, broken ones are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vectorstore.lexical import LexicalIndex, analyze, id_digest

PASSAGES = [
    (
        "kmd",
        "Det er Kommunal- og moderniseringsdepartementet som finansierer ordningen kalt Kompetansepiloter.",
        "nb",
    ),
    ("partnere", "Innlandet fylkeskommune samarbeider med Tretorget og Norwegian Wood Cluster.", "nb"),
    (
        "herning",
        "Vi vil etablere nye områder i byen, der fusionerer innovation, erhvervsliv og uddannelse.",
        "da",
    ),
    ("hamar", "Kommunen skal bidra til utdanning og kunnskap for barn og unge i kommunen.", "nb"),
    ("gudbrandsdal", "Små bedrifter i Midt- og Nord-Gudbrandsdal skal få tilbud om kompetanse.", "nb"),
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(PASSAGES, generation=7)


def _ids(hits: list[tuple[str, float]]) -> list[str]:
    return [chunk_id for chunk_id, _ in hits]


def test_inflected_forms_match(index: LexicalIndex) -> None:
    assert _ids(index.search("Hvem finansierer kompetansepilotene?", k=3))[0] == "kmd"
    assert _ids(index.search("samarbeidet med tretorget", k=3))[0] == "partnere"


def test_stop_words_alone_match_nothing(index: LexicalIndex) -> None:
    assert index.search("og i det som", k=5) == []
    assert index.search("", k=5) == []


def test_an_acronym_spelt_like_a_stop_word_is_searchable() -> None:
    index = LexicalIndex.build(
        [
            ("var", "Dommeren fikk hjelp av VAR (video assistant referee) i finalen.", "nb"),
            ("was", "Kampen var jevn, og dommeren var streng.", "nb"),
        ],
        generation=1,
    )
    assert _ids(index.search("Hva står VAR for?", k=2)) == ["var"]
    # Lower-case "var" (was) stays a stop word, and a question in capitals is no list of acronyms.
    assert index.search("hva var det", k=2) == []
    assert analyze("HVA VAR DET?", "nb") == []
    # ... but one word in capitals, as a question's words are read one at a time, is an acronym.
    assert analyze("VAR", "nb") == analyze("Hva står VAR for?", "nb")[1:]


def test_a_question_word_weighs_nothing_beside_the_name_it_asks_about() -> None:
    """ "I hvilket land finner vi Semmering?" found a passage that says "hvilket" three times before
    the one passage that names Semmering: the interrogatives missing from the stop lists counted."""
    index = LexicalIndex.build(
        [
            ("semmering", "Hun skadet seg i Semmering like før nyttår, og kom tilbake i Levi.", "nb"),
            ("hvilket", "Hvilket land, hvilket språk og hvilket folk? Landet har mange språk.", "nb"),
            *[(f"p{i}", f"Landet hadde plan nummer {i}.", "nb") for i in range(4)],
        ],
        generation=1,
    )
    assert _ids(index.search("I hvilket land finner vi Semmering?", k=2))[0] == "semmering"
    # The same in nynorsk, English and German: only the topic's words are searched.
    assert analyze("Kvilket land ligg Semmering i?", "nn") == analyze("land ligg Semmering", "nn")
    assert analyze("Which country is Semmering in, and why?", "en") == analyze("country Semmering", "en")
    assert analyze("Wann und warum war sie in Semmering?", "de") == analyze("Semmering", "de")


def test_danish_question_finds_danish_passage(index: LexicalIndex) -> None:
    assert _ids(index.search("Hvad med erhvervslivet og uddannelserne?", k=3))[0] == "herning"


def test_hyphenated_place_names_match_whole_and_in_parts(index: LexicalIndex) -> None:
    assert _ids(index.search("Nord-Gudbrandsdal", k=1)) == ["gudbrandsdal"]
    assert _ids(index.search("bedrifter i Gudbrandsdalen", k=1)) == ["gudbrandsdal"]


def test_scores_are_positive_and_sorted(index: LexicalIndex) -> None:
    hits = index.search("kommunen utdanning kompetanse tretorget", k=5)
    scores = [score for _, score in hits]
    assert len(hits) >= 3
    assert all(score > 0 for score in scores)
    assert scores == sorted(scores, reverse=True)


def test_k_limits_the_results(index: LexicalIndex) -> None:
    assert len(index.search("kommunen utdanning kompetanse tretorget", k=2)) == 2
    assert index.search("kommunen", k=0) == []


def test_search_can_be_restricted_to_allowed_ids(index: LexicalIndex) -> None:
    assert _ids(index.search("Tretorget", k=5, allowed={"hamar", "kmd"})) == []
    assert _ids(index.search("Tretorget", k=5, allowed={"partnere"})) == ["partnere"]
    assert _ids(index.search("Tretorget", k=5, allowed={"ukjent-id"})) == []


def test_rare_terms_weigh_more_than_common_ones() -> None:
    passages = [(f"p{i}", f"Kommunen har en plan nummer {i}.", "nb") for i in range(5)]
    passages.append(("rare", "Kommunen samarbeider med Tretorget.", "nb"))
    index = LexicalIndex.build(passages)
    terms = analyze("kommunen tretorget", "nb")
    idf = index.idf([*terms, "ordsomikkefinnes"])
    common, rare = idf[terms[0]], idf[terms[1]]
    assert rare > common > 0
    assert idf["ordsomikkefinnes"] >= rare  # unknown terms get the maximum
    assert _ids(index.search("kommunen tretorget", k=1)) == ["rare"]


def test_save_and_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    folder = tmp_path / "lexical"
    index.save(folder)
    loaded = LexicalIndex.load(folder)
    assert loaded is not None
    assert loaded.ids == index.ids
    assert loaded.manifest == index.manifest
    assert loaded.manifest.generation == 7
    assert loaded.manifest.languages == ["da", "nb"]
    for query in ("finansierer kompetansepilotene", "Tretorget", "erhvervslivet"):
        assert loaded.search(query, k=3) == index.search(query, k=3)


def test_save_replaces_an_older_index(index: LexicalIndex, tmp_path: Path) -> None:
    folder = tmp_path / "lexical"
    LexicalIndex.build([("old", "Gammel tekst om noe annet.", "nb")]).save(folder)
    index.save(folder)
    loaded = LexicalIndex.load(folder)
    assert loaded is not None and "old" not in loaded.ids
    assert [p.name for p in tmp_path.iterdir()] == ["lexical"]  # no temporary folders left behind


def test_missing_or_broken_index_loads_as_none(index: LexicalIndex, tmp_path: Path) -> None:
    assert LexicalIndex.load(tmp_path / "nothing-here") is None
    folder = tmp_path / "lexical"
    index.save(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    (folder / "manifest.json").write_text(json.dumps({**manifest, "count": 1}), encoding="utf-8")
    assert LexicalIndex.load(folder) is None  # the count disagrees with the segments
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert LexicalIndex.load(folder) is not None
    next(folder.glob("*.npz")).write_bytes(b"truncated")
    assert LexicalIndex.load(folder) is None
    (folder / "manifest.json").write_text("{broken", encoding="utf-8")
    assert LexicalIndex.load(folder) is None


def test_empty_index(tmp_path: Path) -> None:
    empty = LexicalIndex.build([])
    assert empty.search("Tretorget", k=5) == []
    empty.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical")
    assert loaded is not None and loaded.ids == [] and loaded.search("Tretorget", k=5) == []


def test_id_digest_ignores_order_but_not_content() -> None:
    assert id_digest(["a", "b", "c"]) == id_digest(["c", "a", "b"])
    assert id_digest(["a", "b"]) != id_digest(["a", "b", "c"])
    assert id_digest(["ab"]) != id_digest(["a", "b"])


def _scores(index: LexicalIndex, query: str) -> dict[str, float]:
    return {chunk_id: round(score, 5) for chunk_id, score in index.search(query, k=10)}


QUERIES = ["Hvem finansierer kompetansepilotene?", "samarbeid Tretorget", "kompetanse i kommunen", "byen"]


def test_scores_are_lucene_bm25_as_bm25s_computes_them() -> None:
    import bm25s

    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([analyze(text, lang) for _, text, lang in PASSAGES], show_progress=False)
    index = LexicalIndex.build(PASSAGES)
    for query in QUERIES:
        tokens = list(dict.fromkeys(t for lang in ("da", "nb") for t in analyze(query, lang)))
        tokens = [t for t in tokens if t in reference.vocab_dict]
        expected = reference.get_scores(tokens)
        got = _scores(index, query)
        for (chunk_id, _, _), score in zip(PASSAGES, expected, strict=True):
            assert got.get(chunk_id, 0.0) == pytest.approx(float(score), abs=1e-4)


def test_incremental_updates_score_exactly_like_a_fresh_build(tmp_path: Path) -> None:
    folder = tmp_path / "lexical"
    first = LexicalIndex.build(PASSAGES[:2], generation=1)
    first.save(folder)
    changed = (PASSAGES[0][0], "Fylket finansierer ordningen med 1,882 millioner kroner.", "nb")
    loaded = LexicalIndex.load(folder)
    assert loaded is not None
    updated = loaded.apply([changed, *PASSAGES[2:]], removed=["partnere"], generation=2)
    updated.save(folder)
    reloaded = LexicalIndex.load(folder)
    assert reloaded is not None and reloaded.manifest.generation == 2
    fresh = LexicalIndex.build([changed, *PASSAGES[2:]])
    assert sorted(reloaded.ids) == sorted(fresh.ids)
    assert reloaded.manifest.digest == fresh.manifest.digest
    for query in [*QUERIES, "Fylket finansierer"]:
        assert _scores(reloaded, query) == _scores(fresh, query)
    assert "partnere" not in _scores(reloaded, "samarbeid Tretorget")


def test_dead_rows_are_compacted_away_and_orphan_files_removed(tmp_path: Path) -> None:
    folder = tmp_path / "lexical"
    index = LexicalIndex.build(PASSAGES)
    index.save(folder)
    (folder / "crashed-before-manifest.npz").write_bytes(b"left by a killed ingest")
    smaller = index.apply([], removed=["kmd", "hamar"], generation=3)  # 40 % dead: compacted
    smaller.save(folder)
    assert len(list(folder.glob("*.npz"))) == 1
    reloaded = LexicalIndex.load(folder)
    assert reloaded is not None and sorted(reloaded.ids) == ["gudbrandsdal", "herning", "partnere"]
    assert _scores(reloaded, "samarbeid Tretorget") == _scores(
        LexicalIndex.build(PASSAGES[1:3] + PASSAGES[4:]), "samarbeid Tretorget"
    )
