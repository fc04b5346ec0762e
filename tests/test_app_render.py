"""The UI's pure parts: escaping, rendering of answers and documents, the guards (no server)."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

import app
from assistant.types import Answer, Citation, Passage
from ui.guards import RateLimiter, staff_credentials_problem
from ui.render import (
    document_target,
    escape_text,
    export_text,
    plain_answer,
    render_answer,
    render_document,
    render_sources,
    source_choices,
)
from vectorstore.store import DocumentRecord

HOSTILE = (
    "Budsjett <script>document.title='pwned'</script> ![sporing](http://127.0.0.2:9/pixel.png) "
    "[klikk](https://evil.example/phish) <img src=x onerror=alert(1)> www.evil.example "
    "$$x^2$$ **fet** `kode` &amp; <a href='javascript:alert(1)'>a</a>\n\n    indented\n# heading"
)


def _visible(markup: str) -> str:
    """What a reader sees: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>", "\n")))


@pytest.mark.parametrize("markdown", [True, False])
def test_escaped_text_renders_as_the_same_characters_and_nothing_else(markdown: bool) -> None:
    escaped = escape_text(HOSTILE)
    rendered = MarkdownIt("commonmark").render(escaped) if markdown else escaped
    for tag in ("<script", "<img", "<a ", "<a>", "<strong", "<code", "<h1", "<pre", "<em"):
        assert tag not in rendered
    for url_start in ("http://", "https://", "www.", "javascript:"):
        assert url_start not in escaped  # nothing left for a linkifier to pick up
    assert "\n" not in escaped  # no blank line can end an HTML block in Markdown
    visible = " ".join(_visible(rendered).split())
    assert "<script>document.title='pwned'</script>" in visible
    assert "![sporing](http://127.0.0.2:9/pixel.png)" in visible
    assert "$$x^2$$ **fet** `kode` &amp;" in visible


def _answer() -> Answer:
    text = "Innledning. Til sammen blir det nesten 6,3 millioner kroner. <b>Slutt</b>."
    quote = "Til sammen blir det nesten 6,3 millioner kroner."
    start = text.index(quote)
    passage = Passage(
        chunk_id="innlandet-0001",
        source="innlandet.txt",
        title="Kompetansepiloter <i>i</i> Innlandet",
        lang="nb",
        text=text,
        char_start=100,
        char_end=100 + len(text),
        score=1.0,
        publisher="Innlandet fylkeskommune",
    )
    citation = Citation(
        n=1,
        source="innlandet.txt",
        title=passage.title,
        chunk_id=passage.chunk_id,
        quote=quote,
        quote_start=start,
        quote_end=start + len(quote),
        char_start=100 + start,
        char_end=100 + start + len(quote),
        score=0.9,
    )
    return Answer(
        question="Hvor mye penger får Kompetansepiloter?",
        lang="nb",
        text=f"Dokumentene sier: «{quote}» [1]",
        abstained=False,
        citations=[citation],
        passages=[passage],
    )


def test_answer_markers_open_their_source_and_preview_the_quote() -> None:
    rendered = render_answer(_answer())
    marker = re.search(
        r'<button type="button" class="cite" value="1" title="([^"]*)">&#91;1&#93;</button>', rendered
    )
    assert marker and html.unescape(marker.group(1)) == "«Til sammen blir det nesten 6,3 millioner kroner.»"
    assert "<i>" not in rendered  # the title's markup is text
    assert "Kompetansepiloter &#60;i&#62;i&#60;&#47;i&#62; Innlandet" in rendered
    assert "Innlandet fylkeskommune" in _visible(rendered)


def test_sources_mark_exactly_the_quoted_sentence() -> None:
    answer = _answer()
    rendered = render_sources(answer, "nb")
    marked = re.findall(r"<mark>(.*?)</mark>", rendered)
    assert [html.unescape(m) for m in marked] == [answer.citations[0].quote]
    assert "Utgiver: Innlandet fylkeskommune" in _visible(rendered)
    assert "&#60;b&#62;Slutt&#60;&#47;b&#62;" in rendered  # passage markup stays text
    assert source_choices(answer) == [("[1] Kompetansepiloter <i>i</i> Innlandet", "1")]


def test_abstained_answer_lists_the_nearest_passages() -> None:
    answer = _answer()
    answer.citations = []
    rendered = render_sources(answer, "en")
    assert "Nearest passages" in rendered and "<mark>" not in rendered
    assert source_choices(answer)[0][1] == "p1"
    end = 100 + len(answer.passages[0].text)
    assert document_target(answer, "p1") == ("innlandet.txt", (100, end), [])


def test_document_view_shades_the_passage_marks_the_quote_and_scrolls_there() -> None:
    answer = _answer()
    passage = answer.passages[0]
    document = "Først kommer annen tekst <script>x</script>.\n\n".ljust(100, "x") + passage.text + "\nSlutt."
    record = DocumentRecord(
        source="innlandet.txt",
        title="Kompetansepiloter",
        lang="nb",
        content_hash="h",
        file_format="txt",
        n_chunks=1,
        ingested_at="2026-01-01T00:00:00",
        publisher="Innlandet fylkeskommune",
        text=document,
    )
    source, span, quotes = document_target(answer, "1")
    rendered = render_document(record, span, quotes, "nb")
    assert source == "innlandet.txt"
    assert "<script>" not in rendered
    assert rendered.count('<span class="passage">') == 1
    assert rendered.count('class="scroll-target"') == 1
    assert rendered.index("scroll-target") < rendered.index("<mark>")
    marked = re.findall(r"<mark>(.*?)</mark>", rendered)
    assert [html.unescape(m) for m in marked] == [answer.citations[0].quote]
    assert document in _visible(rendered)  # the whole cleaned document, character for character


def test_export_holds_the_answer_and_each_citation_as_plain_text() -> None:
    exported = export_text(_answer(), "en")
    assert exported.startswith("Question: Hvor mye penger får Kompetansepiloter?\n\nDokumentene sier: «")
    assert exported.endswith(
        "\n\n[1] Kompetansepiloter <i>i</i> Innlandet (innlandet.txt): "
        "«Til sammen blir det nesten 6,3 millioner kroner.»"
    )
    assert "&#" not in exported


def test_the_message_carries_its_plain_text_for_the_copy_button() -> None:
    hidden = re.search(r'<div class="plain" hidden>(.*?)</div>', render_answer(_answer()))
    assert hidden and "<" not in hidden.group(1) and "\n" not in hidden.group(1)
    assert html.unescape(hidden.group(1)) == plain_answer(_answer())


def test_rate_limiter_allows_the_limit_per_window_and_key() -> None:
    now = [0.0]
    limiter = RateLimiter(limit=3, window_s=60, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # another session is not affected
    now[0] = 59.0
    assert not limiter.allow("a")
    now[0] = 60.5  # the first three have left the window
    assert limiter.allow("a")


def test_rate_limiter_memory_is_bounded() -> None:
    limiter = RateLimiter(limit=1, max_keys=100)
    for i in range(1000):
        limiter.allow(f"session-{i}")
    assert len(limiter._events) == 100


@pytest.mark.parametrize(
    ("user", "password"),
    [("", ""), ("staff", ""), ("admin", "admin"), ("staff", "password"), ("kari", "kari"), ("kari", "short1"),
     ("kari", "aaaaaaaaaaaa"), ("ola", "changeme")],
)  # fmt: skip
def test_trivial_staff_credentials_are_refused(user: str, password: str) -> None:
    assert staff_credentials_problem(user, password)


def test_a_real_staff_password_is_accepted() -> None:
    assert staff_credentials_problem("kari", "lang-og-unik-2026!") is None


def test_staff_mode_without_credentials_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ASSISTANT_STAFF_USER", raising=False)
    monkeypatch.delenv("ASSISTANT_STAFF_PASSWORD", raising=False)
    assert app.main(["--staff"]) == 2
    assert "ASSISTANT_STAFF_PASSWORD" in capsys.readouterr().err
    monkeypatch.setenv("ASSISTANT_STAFF_USER", "admin")
    monkeypatch.setenv("ASSISTANT_STAFF_PASSWORD", "admin")
    assert app.main(["--staff"]) == 2
    assert "too easy to guess" in capsys.readouterr().err


def test_every_page_starts_in_the_ui_language() -> None:
    from ui.page_lang import PageLanguage

    page = PageLanguage(lambda *a: None, lang="nn").localized(
        b'<!doctype html><html lang="en"><head><title>x'
    )
    assert page.startswith(b'<!doctype html><html lang="nn"><head><script>')
    assert b'"nb"' in page  # Gradio's nearest texts for Nynorsk
