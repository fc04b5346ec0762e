"""Loaders: each supported format gives its text and title; each bad file is refused with its reason."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from ingest.loaders import LoadError, load_file
from tests.documents import (
    docx_with_padding,
    forge_declared_sizes,
    make_docx,
    make_docx_as_published,
    make_pdf,
    pdf_from_objects,
    pdf_with_page_loop,
)

LIMIT = 10_000_000


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _refusal(path: Path, max_bytes: int = LIMIT) -> str:
    with pytest.raises(LoadError) as caught:
        load_file(path, max_bytes)
    return str(caught.value)


# ------------------------------------------------------------------------------------------- text
@pytest.mark.parametrize(
    ("name", "encoding"),
    [("utf8.txt", "utf-8"), ("bom.txt", "utf-8-sig"), ("windows.txt", "cp1252"), ("utf16.txt", "utf-16")],
)
def test_text_files_decode_scandinavian_letters(tmp_path: Path, name: str, encoding: str) -> None:
    text = "Blåbær på Økern og «Ærlig talt» – Æ Ø Å\nAndre linje."
    loaded = load_file(_write(tmp_path, name, text.encode(encoding)), LIMIT)
    assert loaded.text == text  # no BOM character, no mojibake such as 'Ã¥'
    assert loaded.file_format == "txt"
    assert loaded.title is None


def test_binary_file_named_txt_is_refused(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    assert "binary" in _refusal(_write(tmp_path, "photo.txt", png))


def test_binary_without_nul_bytes_is_refused(tmp_path: Path) -> None:
    noise = bytes(range(1, 32)) * 200  # control characters only
    assert "binary" in _refusal(_write(tmp_path, "noise.txt", noise))


def test_zero_byte_file_is_refused(tmp_path: Path) -> None:
    assert "empty" in _refusal(_write(tmp_path, "empty.txt", b""))


def test_whitespace_only_file_is_refused(tmp_path: Path) -> None:
    assert "no text" in _refusal(_write(tmp_path, "blank.md", "  \n\n \t\n"))


def test_unsupported_type_is_named(tmp_path: Path) -> None:
    reason = _refusal(_write(tmp_path, "budget.xlsx", b"PK\x03\x04 not really"))
    assert "unsupported" in reason and ".xlsx" in reason and ".pdf" in reason


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = _write(tmp_path, "huge.txt", b"a" * 1_500_000)
    reason = _refusal(path, max_bytes=1_000_000)
    assert "1.5 MB" in reason and "limit" in reason and "INGEST_MAX_FILE_MB" in reason


# --------------------------------------------------------------------------------------- markdown
def test_markdown_reduces_markup_to_text_and_takes_title_from_heading(tmp_path: Path) -> None:
    source = (
        "# Kompetansestrategi for Hamar\n\n"
        "Les [planen](https://example.org/plan.pdf) og se ![Rådhuset i Hamar](bilder/radhus.png).\n\n"
        "## Mål\n\n"
        "Vi skal **styrke** kompetansen.\n\n"
        "- Første tiltak\n"
        "- Andre tiltak\n\n"
        "> Kunnskap er makt.\n"
    )
    loaded = load_file(_write(tmp_path, "plan.md", source), LIMIT)
    assert loaded.title == "Kompetansestrategi for Hamar"
    assert loaded.file_format == "md"
    text = loaded.text
    assert "Les planen og se Rådhuset i Hamar." in text  # link text and alt text kept, URLs gone
    assert "https://" not in text and "radhus.png" not in text
    assert "#" not in text and "**" not in text and ">" not in text
    assert "Vi skal styrke kompetansen." in text
    assert "- Første tiltak\n- Andre tiltak" in text


def test_markdown_keeps_paragraph_breaks_around_headings_and_lists(tmp_path: Path) -> None:
    # A heading and the paragraph after it must stay separate paragraphs, or cleaning glues them.
    source = "# Strategi\n\nInnledning.\n\n## Mål\n\nmålet er å styrke kompetansen\n\n- punkt\n"
    paragraphs = load_file(_write(tmp_path, "s.md", source), LIMIT).text.strip().split("\n\n")
    assert paragraphs == ["Strategi", "Innledning.", "Mål", "målet er å styrke kompetansen", "- punkt"]


# ------------------------------------------------------------------------------------------- html
PAGE = """<!DOCTYPE html>
<html><head><title>Kompetansepiloter - Innlandet fylkeskommune</title>
<style>body { color: red; } .secret { display: none }</style>
<script>var tracking = "SCRIPT-TEXT"; document.write("SCRIPT-TEXT");</script>
</head><body>
<nav><a href="/">Forsiden</a> <a href="/om">NAV-LENKE</a></nav>
<h1>6,3 millioner kroner til kompetanseheving</h1>
<p>Små bedrifter&nbsp;skal få tilbud om å øke kompetansen &amp; kunnskapen.</p>
<ul><li>Tretorget</li><li>Norwegian Wood Cluster</li></ul>
<table><tr><td>Departementet</td><td>4,4 millioner</td></tr></table>
<SCRIPT type="text/javascript">alert("SCRIPT-TEXT")</SCRIPT>
<noscript>NOSCRIPT-TEXT</noscript>
<footer>FOOTER-TEXT</footer>
<!-- COMMENT-TEXT -->
</body></html>"""


def test_html_keeps_visible_text_and_drops_page_furniture(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, "page.html", PAGE), LIMIT)
    assert loaded.title == "Kompetansepiloter - Innlandet fylkeskommune"
    assert loaded.file_format == "html"
    text = loaded.text
    assert "6,3 millioner kroner til kompetanseheving" in text
    assert "Små bedrifter skal få tilbud om å øke kompetansen & kunnskapen." in text
    assert "- Tretorget" in text and "- Norwegian Wood Cluster" in text
    assert "Departementet" in text and "4,4 millioner" in text
    for hidden in (
        "SCRIPT-TEXT",
        "tracking",
        "color: red",
        "NAV-LENKE",
        "NOSCRIPT-TEXT",
        "FOOTER-TEXT",
        "COMMENT-TEXT",
    ):
        assert hidden not in text


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><p>Synlig tekst.</p><script>document.write('LEAK')",  # never closed
        "<p>Synlig tekst.</p><script>LEAK()</script>",  # no <html>/<body>
        "<html><body><p>Synlig <b>tekst</b>.<script>LEAK()</script></p></body></html>",
        "<html><body><p>Synlig tekst.</p><svg><script>LEAK()</script></svg>"
        "<template>LEAK</template><iframe>LEAK</iframe></body></html>",
    ],
)
def test_script_content_never_becomes_text(tmp_path: Path, markup: str) -> None:
    text = load_file(_write(tmp_path, "x.html", markup), LIMIT).text
    assert "Synlig tekst." in text
    assert "LEAK" not in text


def test_html_drops_site_chrome_by_role_and_place_but_keeps_the_articles_own_header(tmp_path: Path) -> None:
    markup = (
        "<html><body><header><a href='/'>SITE-LOGO</a> SITE-MENU</header>"
        "<div role='navigation'>ROLE-NAV</div><div id='cookie-banner'>Vi bruker informasjonskapsler</div>"
        "<main><article><header><h1>Kompetansepiloter</h1></header><p>Innlandet satser på treindustri.</p>"
        "<table><tr><th>Finansiør</th><th>Beløp</th></tr>"
        "<tr><td>Innlandet fylkeskommune</td><td>1,882 mill. kr</td></tr></table></article></main>"
        "<aside>LES-OGSÅ</aside><div role='contentinfo'>ROLE-FOOTER</div></body></html>"
    )
    text = load_file(_write(tmp_path, "side.html", markup), LIMIT).text
    assert text.split("\n\n") == [
        "Kompetansepiloter",
        "Innlandet satser på treindustri.",
        "Finansiør | Beløp\nInnlandet fylkeskommune | 1,882 mill. kr",
    ]


def test_html_title_falls_back_to_h1(tmp_path: Path) -> None:
    markup = "<html><body><h1>Uddannelsesstrategi</h1><p>Her finder du strategien.</p></body></html>"
    assert load_file(_write(tmp_path, "x.htm", markup), LIMIT).title == "Uddannelsesstrategi"


def test_html_without_visible_text_is_refused(tmp_path: Path) -> None:
    markup = "<html><head><script>x()</script></head><body><nav>Meny</nav></body></html>"
    assert "no visible text" in _refusal(_write(tmp_path, "empty.html", markup))


def test_html_entity_bomb_does_not_expand(tmp_path: Path) -> None:
    # Billion laughs: 10 levels of 10 references to a 1000-character entity would be 10^13 characters.
    entities = (
        '<!ENTITY a0 "'
        + "x" * 1000
        + '">'
        + "".join(f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, 11))
    )
    markup = f"<!DOCTYPE html [{entities}]><html><body><p>Start &a10; slutt</p></body></html>"
    started = time.perf_counter()
    try:
        text = load_file(_write(tmp_path, "bomb.html", markup), LIMIT).text
    except LoadError:
        text = ""
    assert time.perf_counter() - started < 2.0
    assert len(text) < len(markup)
    assert "x" * 100 not in text


# -------------------------------------------------------------------------------------------- pdf
def test_pdf_text_title_and_letters(tmp_path: Path) -> None:
    data = make_pdf(
        [["Kompetansepiloter får 6,3 millioner kroner.", "Blåbær og ærfugl på Økern."], ["Side to."]],
        title="Kompetansepiloter i Innlandet",
    )
    loaded = load_file(_write(tmp_path, "rapport.pdf", data), LIMIT)
    assert loaded.file_format == "pdf"
    assert loaded.title == "Kompetansepiloter i Innlandet"
    assert "Kompetansepiloter får 6,3 millioner kroner." in loaded.text
    assert "Blåbær og ærfugl på Økern." in loaded.text
    assert loaded.text.index("millioner") < loaded.text.index("Side to.")  # pages in order


def test_pdf_with_empty_user_password_is_read(tmp_path: Path) -> None:
    data = make_pdf([["Åpen tekst i en kryptert fil."]], user_password="")
    assert "Åpen tekst" in load_file(_write(tmp_path, "open.pdf", data), LIMIT).text


def test_encrypted_pdf_is_refused_with_advice(tmp_path: Path) -> None:
    data = make_pdf([["Hemmelig budsjett."]], user_password="hemmelig")
    reason = _refusal(_write(tmp_path, "locked.pdf", data))
    assert "encrypted" in reason and "password" in reason


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\nthis is not a pdf body at all",
        make_pdf([["Avkuttet dokument."]])[:300],  # truncated download
        b"\x00\x01\x02garbage" * 50,
    ],
    ids=["garbage", "truncated", "binary"],
)
def test_corrupt_pdf_is_refused(tmp_path: Path, data: bytes) -> None:
    assert "PDF" in _refusal(_write(tmp_path, "broken.pdf", data))


def test_pdf_with_page_reference_loop_is_refused_quickly(tmp_path: Path) -> None:
    started = time.perf_counter()
    reason = _refusal(_write(tmp_path, "loop.pdf", pdf_with_page_loop()))
    assert "corrupt" in reason and "PDF" in reason
    assert time.perf_counter() - started < 2.0


def test_pdf_without_text_asks_for_ocr(tmp_path: Path) -> None:
    blank = pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        ]
    )
    assert "OCR" in _refusal(_write(tmp_path, "scan.pdf", blank))


# ------------------------------------------------------------------------------------------- docx
def test_docx_headings_lists_and_tables(tmp_path: Path) -> None:
    loaded = load_file(make_docx(tmp_path / "strategi.docx"), LIMIT)
    assert loaded.file_format == "docx"
    assert loaded.title == "Strategi for kompetanse i Innlandet"
    blocks = loaded.text.split("\n\n")
    assert blocks[:3] == [
        "Strategi for kompetanse i Innlandet",
        "Fylkeskommunen skal bidra til kompetanseheving i distriktene.",
        "Samarbeidspartnere",
    ]
    assert "- Tretorget" in blocks and "- Norwegian Wood Cluster" in blocks
    assert "Finansiering | Beløp\nDepartementet | 4,4 millioner kroner" in blocks  # one block, a row a line


def test_a_docx_with_a_word_processor_default_title_is_titled_by_its_heading(tmp_path: Path) -> None:
    import docx

    path = make_docx(tmp_path / "strategi.docx")
    document = docx.Document(str(path))
    document.core_properties.title = "Microsoft Word - strategi_v3.docx"
    document.save(str(path))
    assert load_file(path, LIMIT).title == "Strategi for kompetanse i Innlandet"
    document.core_properties.title = "Kompetansestrategi 2030"  # one an author wrote is kept
    document.save(str(path))
    assert load_file(path, LIMIT).title == "Kompetansestrategi 2030"


def test_docx_keeps_document_order_and_drops_page_header_and_footer(tmp_path: Path) -> None:
    loaded = load_file(make_docx_as_published(tmp_path / "strategi.docx"), LIMIT)
    assert loaded.text.split("\n\n") == [
        "Uddannelsesstrategi",
        "Strategien har fire mål, som tabellen viser.",
        "Mål | Ansvarlig\nFlere studerende | Herning Kommune\nLivslang læring | Erhvervsrådet",
        "Efter tabellen følger indsatserne.",
        "- Vi vil etablere nye områder i byen, der fusionerer innovation og uddannelse.",
    ]
    assert "Herning Kommune · Uddannelsesstrategi" not in loaded.text and "Side 1" not in loaded.text


def test_corrupt_docx_is_refused(tmp_path: Path) -> None:
    reason = _refusal(_write(tmp_path, "broken.docx", b"this is not a zip archive" * 10))
    assert "corrupt" in reason and ".docx" in reason


def test_zip_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notword.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    reason = _refusal(path)
    assert "corrupt or unreadable .docx" in reason


def test_docx_zip_bomb_is_refused_before_extraction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    bomb = docx_with_padding(make_docx(tmp_path / "real.docx"), tmp_path / "bomb.docx", 30 * 1024 * 1024)
    assert bomb.stat().st_size < 1_000_000  # small on disk, 30 MB unpacked

    def must_not_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the docx was opened for extraction")

    monkeypatch.setattr(docx, "Document", must_not_open)
    reason = _refusal(bomb)
    assert "zip bomb" in reason and "ratio" in reason


def test_docx_declaring_a_huge_size_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    forged = forge_declared_sizes(make_docx(tmp_path / "forged.docx"), declared=2_000_000_000)
    monkeypatch.setattr(docx, "Document", lambda *a, **k: pytest.fail("the docx was opened"))
    reason = _refusal(forged)
    assert "zip bomb" in reason and "MB" in reason


def test_docx_without_text_is_refused(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    assert "no text" in _refusal(path)
