"""The real app (real model, real Chroma) in headless Chromium, as staff and as a citizen would use it.

One app process per mode for the whole module: staff mode starts on an empty data folder (so it
ingests the bundled corpus first); public mode starts on a folder built beforehand by the CLI with
the corpus plus a hostile document. Chromium is Debian's (/usr/bin/chromium), driven by Playwright.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import (
    ANSWER_TIMEOUT_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    HOSTILE_DOCUMENT,
    HOSTILE_QUESTION,
    LONG_QUESTION,
    QUESTION,
    Server,
    ask,
    call_every_fn,
    disk_snapshot,
    public_server_over,
    start_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.ui_server, pytest.mark.timeout(300)]

STAFF_USER, STAFF_PASSWORD = "kari", "lang-og-unik-passord-2026"


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Staff mode on an empty data folder: the app ingests the bundled corpus before serving."""
    tmp = tmp_path_factory.mktemp("staff")
    yield from start_app(
        ["--staff"],
        tmp / "data",
        tmp,
        ASSISTANT_STAFF_USER=STAFF_USER,
        ASSISTANT_STAFF_PASSWORD=STAFF_PASSWORD,
    )


@pytest.fixture(scope="module")
def public_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Public mode on the corpus plus a hostile document."""
    tmp = tmp_path_factory.mktemp("public")
    yield from public_server_over(tmp, {"trollvik-budsjett.txt": HOSTILE_DOCUMENT})


@pytest.fixture(scope="module")
def default_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Default mode (chat with feedback, no login) on its own data folder."""
    tmp = tmp_path_factory.mktemp("default")
    yield from start_app([], tmp / "data", tmp)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_app(browser: Any, server: Server, *, staff: bool = False, **context: Any) -> Any:
    """A page on `server` in a fresh browser context, logged in when `staff`, the chat ready."""
    options: dict[str, Any] = {"viewport": {"width": 1400, "height": 1000}, **context}
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(ANSWER_TIMEOUT_MS)
    page.goto(server.url)
    if staff:
        page.locator("input").first.fill(STAFF_USER)
        page.locator("input[type=password]").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Logg inn").click()
    page.locator("#question textarea").wait_for()
    return page


@pytest.fixture
def staff_page(browser: Any, staff_server: Server) -> Iterator[Any]:
    page = open_app(browser, staff_server, staff=True)
    yield page
    page.context.close()


@pytest.fixture(params=["public", "default", "staff"])
def any_mode_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """The chat page in each of the three modes."""
    server = request.getfixturevalue(f"{request.param}_server")
    page = open_app(browser, server, staff=request.param == "staff")
    yield page
    page.context.close()


def test_an_example_question_is_answered_with_a_citation_in_every_mode(any_mode_page: Any) -> None:
    page = any_mode_page
    example = page.locator("#examples .example-question").filter(has_text="Kompetansepiloter").first
    example.click()
    answer = page.locator("#chat .bot").last
    answer.get_by_text("6,3 millioner").first.wait_for()
    # The answer streams word by word; its citation marker arrives with the last words.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#chat .bot')].pop().innerText.includes('[1]')"
    )
    assert "Kompetansepiloter" in page.locator("#chat .user").last.inner_text()
    page.wait_for_function("() => document.querySelector('#sources').innerText.includes('[1]')")


def scrolled_to_target(page: Any) -> bool:
    return bool(
        page.evaluate(
            """() => {
              const target = document.querySelector('#document-viewer .scroll-target');
              if (!target) return false;
              let box = target.parentElement;
              while (box && box.scrollTop === 0) box = box.parentElement;
              return !!box && box.scrollTop > 0;
            }"""
        )
    )


def test_wrong_staff_password_is_refused_on_a_login_page_in_the_ui_language(
    browser: Any, staff_server: Server
) -> None:
    page = browser.new_page(locale="en-US")  # the page's language, not the browser's
    page.goto(staff_server.url)
    page.get_by_text("Brukernavn").wait_for()
    assert page.evaluate("() => document.documentElement.lang") == "nb"
    page.locator("input").first.fill(STAFF_USER)
    page.locator("input[type=password]").fill("admin")
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Feil påloggingsinformasjon").first.wait_for(timeout=15_000)
    assert page.locator("#question").count() == 0
    page.close()


def test_funding_answer_cites_innlandet_opens_the_source_and_takes_a_follow_up_and_feedback(
    staff_page: Any, staff_server: Server
) -> None:
    page = staff_page
    ask(page, QUESTION, "6,3 millioner")
    last_answer = page.locator("#chat .bot").last.inner_text()
    assert "[1]" in last_answer and "Innlandet fylkeskommune" in last_answer
    assert "innlandet-kompetansepiloter.txt" in page.locator("#sources").inner_text()
    assert any("6,3 millioner" in m for m in page.locator("#sources mark").all_inner_texts())

    page.locator("#source-pick label").first.click()
    page.locator("#document-viewer mark").first.wait_for()
    viewer = page.locator("#document-viewer").inner_text()
    assert "Kompetansepiloter" in viewer and "Tretorget" in viewer  # the whole document, not a passage
    assert any("6,3 millioner" in m for m in page.locator("#document-viewer mark").all_inner_texts())
    page.wait_for_function(
        "() => { const t = document.querySelector('#document-viewer .scroll-target'); if (!t) return false;"
        " let b = t.parentElement; while (b && b.scrollTop === 0) b = b.parentElement; return !!b; }"
    )
    assert scrolled_to_target(page)

    ask(page, "Hvem finansierer den?", "Kommunal- og moderniseringsdepartementet")

    page.get_by_text("Kopier eller eksporter svaret med kilder").click()
    exported = page.locator("#export textarea").input_value()
    assert exported.startswith("Spørsmål: Hvem finansierer den?") and "[1]" in exported

    page.locator("#feedback-comment textarea").fill("Presist svar")
    page.locator("#helpful").click()
    page.locator("#feedback-status").get_by_text("Takk").wait_for()
    entries = [
        json.loads(line)
        for line in (staff_server.data_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert entries[-1]["helpful"] is True and entries[-1]["comment"] == "Presist svar"
    assert entries[-1]["question"] == "Hvem finansierer den?"
    assert entries[-1]["citations"][0]["source"] == "innlandet-kompetansepiloter.txt"


def test_labels_follow_the_language_of_the_question(staff_page: Any) -> None:
    page = staff_page
    assert page.locator("#ask").inner_text().strip() == "Spør"
    # Goals are listed from the document's extracted items, under an English heading.
    ask(page, "What are Hamar's goals for knowledge and competence?", "Goals in")
    page.wait_for_function("() => document.querySelector('#ask').innerText.trim() === 'Ask'")
    assert page.get_by_role("tab", name="Sources").count() == 1
    ask(page, "Hvad vil Herning Kommune med uddannelse?", "Dokumenterne siger")
    page.wait_for_function("() => document.querySelector('#ask').innerText.trim() === 'Spørg'")
    assert page.get_by_role("tab", name="Kilder").count() == 1


def test_staff_lists_uploads_reindexes_and_deletes_documents(
    staff_page: Any, staff_server: Server, tmp_path: Path
) -> None:
    page = staff_page
    page.get_by_role("tab", name="Dokumenter").click()
    table = page.locator("#document-table")
    table.get_by_text("herning-uddannelsesstrategi.txt").wait_for()
    for source, lang in [
        ("herning-uddannelsesstrategi.txt", "da"),
        ("innlandet-kompetansepiloter.txt", "nb"),
    ]:
        row = table.get_by_role("row").filter(has_text=source).first
        cells = [c.strip() for c in row.get_by_role("gridcell").all_inner_texts()]
        assert lang in cells and any(c.isdigit() and int(c) > 0 for c in cells)  # language, chunks
        assert any(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", c) for c in cells)  # ingest time

    good = tmp_path / "lillehammer-plan.txt"
    good.write_text(
        "Lillehammer kommune plan for kompetanse\n\n"
        "Lillehammer kommune vil bruke 2 millioner kroner på etter- og videreutdanning av lærere i 2027. "
        "Planen gjelder alle grunnskoler i kommunen.\n",
        encoding="utf-8",
    )
    empty = tmp_path / "tom.txt"
    empty.write_text("", encoding="utf-8")
    page.locator("#upload input[type=file]").set_input_files([str(good), str(empty)])
    page.locator("#upload").get_by_text("tom", exact=True).wait_for()  # name and suffix are shown apart
    page.locator("#add-documents").click()
    status = page.locator("#staff-status")
    status.get_by_text("hoppet over").first.wait_for()  # the report replaces the progress bar
    assert "1 lagt til" in status.inner_text()
    assert re.search(r"tom\.txt — hoppet over: .*empty", status.inner_text())
    table.get_by_text("lillehammer-plan.txt").wait_for()

    page.locator("#staff-document input").fill("lillehammer")
    page.get_by_role("option", name="lillehammer-plan.txt").click()
    page.locator("#reindex").click()
    # The re-index's own report line: the upload report's summary already says "0 updated".
    status.get_by_text(re.compile(r"lillehammer-plan\.txt — oppdatert \(\d+\)")).wait_for()
    assert "1 oppdatert" in status.inner_text()

    page.locator("#delete").click()
    status.get_by_text("Kryss av").wait_for()  # not without the confirmation box
    page.locator("#confirm-delete input").check()
    page.locator("#delete").click()
    status.get_by_text("Slettet lillehammer-plan.txt").wait_for()
    page.wait_for_function(
        "() => !document.querySelector('#document-table').innerText.includes('lillehammer')"
    )
    assert not (staff_server.data_dir / "uploads" / "lillehammer-plan.txt").exists()


def test_the_page_speaks_the_ui_language_even_to_an_empty_question(
    browser: Any, public_server: Server
) -> None:
    page = open_app(browser, public_server, locale="en-US")
    assert page.evaluate("() => document.documentElement.lang") == "nb"
    assert page.locator("h1").count() == 1
    page.locator("#ask").click()
    page.locator("#chat .bot").last.get_by_text("Skriv et spørsmål").wait_for()
    ask(page, "What are Hamar's goals for knowledge and competence?", "Goals in")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.context.close()


def test_public_page_has_no_upload_feedback_or_document_pages(browser: Any, public_server: Server) -> None:
    page = browser.new_page()
    response = page.goto(public_server.url)
    assert "img-src 'self' data: blob:" in response.headers["content-security-policy"]
    page.locator("#question textarea").wait_for()
    assert page.locator("input[type=file]").count() == 0
    assert page.locator("#helpful").count() == 0 and page.locator("#feedback-comment").count() == 0
    assert page.get_by_role("tab", name="Dokumenter").count() == 0
    page.close()


def test_direct_calls_to_every_fn_in_config_change_nothing_on_disk(public_server: Server) -> None:
    before = disk_snapshot(public_server.data_dir)
    results = call_every_fn(public_server.url, QUESTION)
    assert any("6,3 millioner" in json.dumps(r, ensure_ascii=False) for r in results.values())
    upload = httpx.post(f"{public_server.url}/gradio_api/upload", files={"files": ("x.txt", b"x")})
    assert upload.status_code == 403
    assert disk_snapshot(public_server.data_dir) == before


def test_a_100000_character_question_gets_a_clear_refusal(public_server: Server) -> None:
    from gradio_client import Client

    client = Client(public_server.url, verbose=False)
    started = time.perf_counter()
    with pytest.raises(Exception, match=r"too long \(100000 characters\)|for langt \(100000 tegn\)"):
        client.predict(LONG_QUESTION, None, api_name="/ask")
    assert time.perf_counter() - started < 10
    answer = client.predict(QUESTION, None, api_name="/ask")
    assert "6,3 millioner" in answer["text"]
    assert answer["citations"][0]["source"] == "innlandet-kompetansepiloter.txt"


def test_hostile_document_is_shown_as_text_and_nothing_is_fetched_from_outside(
    browser: Any, public_server: Server
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(ANSWER_TIMEOUT_MS)
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.goto(public_server.url)
    ask(page, HOSTILE_QUESTION, "42 millioner")
    chat_text = page.locator("#chat .bot").last.inner_text()
    # The answer quotes the sentence without its markup and links; the document keeps them, as text
    # (as does the citation line under the answer, which shows the document's title as it is).
    # The answer is the quote, after the short answer ("Svar: 42 millioner kroner [1]") if one leads.
    lines = chat_text.splitlines()
    quoted_at = next(i for i, line in enumerate(lines) if "Trollbudsjettet er 42 millioner kroner" in line)
    assert quoted_at <= 1
    answer_lines = "\n".join(lines[: quoted_at + 1])
    assert "<script>" not in answer_lines and "127.0.0.2" not in answer_lines
    assert "sporingsbilde" not in answer_lines
    page.locator("#source-pick label").first.click()
    page.locator("#document-viewer mark").first.wait_for()
    viewer = page.locator("#document-viewer").inner_text()
    assert "<img src=http://127.0.0.2:9/title.png onerror=alert(1)>" in viewer
    assert "[les mer](http://127.0.0.2:9/phish)" in viewer
    time.sleep(1)  # give any injected image or script the chance to act
    assert page.title() != "pwned" and not dialogs
    assert page.locator("img[src*='127.0.0.2'], a[href*='127.0.0.2']").count() == 0
    assert not page.evaluate("() => [...document.scripts].some(s => s.textContent.includes('pwned'))")
    outside = [
        u for u in requests if not u.startswith(public_server.url) and not u.startswith(("data:", "blob:"))
    ]
    assert outside == []
    assert not [m for m in console if "Content Security Policy" in m]  # the policy breaks nothing
    page.close()


def test_document_filter_limits_the_search_to_the_chosen_documents(
    browser: Any, public_server: Server
) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(ANSWER_TIMEOUT_MS)
    page.goto(public_server.url)
    page.locator("#doc-filter input").click()
    page.get_by_role("option", name=re.compile("Herning Kommune")).click()
    page.keyboard.press("Escape")
    ask(page, QUESTION, "Dokumentene")
    sources = page.locator("#sources").inner_text()
    assert "herning-uddannelsesstrategi.txt" in sources
    assert "innlandet-kompetansepiloter.txt" not in sources and "hamar" not in sources
    page.close()


@pytest.mark.parametrize("mode", ["public", "default", "staff"])
def test_each_quote_of_a_compared_document_opens_its_own_sentence(
    browser: Any, request: pytest.FixtureRequest, mode: str
) -> None:
    """A comparison's table cell holds a document's best quote and a close runner-up, each with its
    own marker; clicking the second opens the document at the second sentence, in every mode."""
    page = open_app(browser, request.getfixturevalue(f"{mode}_server"), staff=mode == "staff")
    ask(page, "What do Hamar and Innlandet say about the bioeconomy?", "Comparison")
    cell = page.locator("#chat .bot").last.locator("table.corpus td").first
    markers = cell.locator("button.cite")
    assert markers.count() == 2, cell.inner_text()
    second = markers.nth(1)
    quote = (second.get_attribute("title") or "").strip("«»“” ")
    assert "bioøkonomi" in quote, quote
    first = (markers.nth(0).get_attribute("title") or "").strip("«»“” ")
    second.click()
    page.locator("#document-viewer mark").first.wait_for()
    # The document opens at the passage with the second quote marked, and only that one.
    marked = " ".join(page.locator("#document-viewer mark").all_inner_texts())
    assert quote[:40] in marked and first[:40] not in marked, (quote, first, marked)
    page.context.close()


@pytest.mark.parametrize("mode", ["public", "default", "staff"])
def test_what_the_documents_are_about_opens_each_document_at_its_own_line(
    browser: Any, request: pytest.FixtureRequest, mode: str
) -> None:
    """ "What are these documents about?" answers one cited line per document; a reader clicks the
    marker of Hamar's line and Hamar's document opens at that sentence, in every mode."""
    page = open_app(browser, request.getfixturevalue(f"{mode}_server"), staff=mode == "staff")
    ask(page, "What are these documents about?", "What the documents are about")
    answer = page.locator("#chat .bot").last
    lines = [line for line in answer.inner_text().splitlines() if line.startswith("•")]
    # One line per document of the library (the test servers' corpus has a fifth, hostile one).
    assert len(lines) >= 4 and any("Hamar kunnskap og kompetanse" in line for line in lines), lines
    hamar = answer.locator("button.cite[title*='Kunnskap og evnen til å bruke']").first
    quote = (hamar.get_attribute("title") or "").strip("«»“” ")
    hamar.click()
    page.locator("#document-viewer mark").first.wait_for()
    marked = " ".join(page.locator("#document-viewer mark").all_inner_texts())
    assert quote[:40] in marked and "Hamar" in page.locator("#document-viewer").inner_text(), marked
    page.context.close()


@pytest.mark.parametrize("mode", ["public", "default", "staff"])
def test_a_citation_marker_previews_its_quote_and_opens_the_source_at_the_passage(
    browser: Any, request: pytest.FixtureRequest, mode: str
) -> None:
    server = request.getfixturevalue(f"{mode}_server")
    page = open_app(browser, server, staff=mode == "staff")
    ask(page, QUESTION, "6,3 millioner")
    marker = page.locator("#chat .bot").last.locator("button.cite").first
    assert "«" in (marker.get_attribute("title") or "")  # the quote, shown on hover
    marker.click()
    page.locator("#document-viewer mark").first.wait_for()
    assert "Tretorget" in page.locator("#document-viewer").inner_text()  # the whole document
    page.wait_for_function(
        "() => { const t = document.querySelector('#document-viewer .scroll-target'); if (!t) return false;"
        " let b = t.parentElement; while (b && b.scrollTop === 0) b = b.parentElement; return !!b; }"
    )
    page.context.close()


def test_on_a_phone_the_sources_follow_the_answer_and_touch_targets_are_44_px(
    browser: Any, public_server: Server
) -> None:
    page = open_app(
        browser, public_server, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    ask(page, QUESTION, "6,3 millioner")
    answer_bottom = page.locator("#chat .bot").last.bounding_box()
    first_source = page.locator("#sources .source-card").first.bounding_box()
    assert answer_bottom and first_source
    # Within one screen below the answer, not after the examples, feedback and export.
    assert 0 < first_source["y"] - (answer_bottom["y"] + answer_bottom["height"]) < 844
    targets = page.locator("#chat .icon-button, #chat button.cite, #examples button, #ask, #new-chat")
    small = [
        (t.get_attribute("aria-label") or t.inner_text(), box["width"], box["height"])
        for t in targets.all()
        if (box := t.bounding_box()) and min(box["width"], box["height"]) < 44
    ]
    assert small == []
    page.locator("#source-panel > button, #source-panel .label-wrap").first.click()  # it folds away
    page.wait_for_function("() => !document.querySelector('#sources')?.getClientRects().length")
    page.context.close()


@pytest.mark.parametrize("mode", ["public", "default", "staff"])
def test_copying_an_answer_gives_plain_text_with_its_sources(
    browser: Any, request: pytest.FixtureRequest, mode: str
) -> None:
    server = request.getfixturevalue(f"{mode}_server")
    page = open_app(browser, server, staff=mode == "staff", permissions=["clipboard-read", "clipboard-write"])
    ask(page, QUESTION, "6,3 millioner")
    page.locator("#chat .message-buttons").last.locator("button").first.click()
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t.includes('«'))")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("Dokumentene sier: «") and "6,3 millioner" in copied
    assert "[1] 6,3 millioner kroner til kompetanseheving" in copied
    assert re.search(r"^\[1\] .+ \(innlandet-kompetansepiloter\.txt\): «.+»$", copied, re.MULTILINE)
    assert "<" not in copied and "&#" not in copied
    page.context.close()


AXE = Path(__file__).resolve().parent / ".axe" / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in found["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("mode", ["public", "default", "staff"])
def test_axe_finds_nothing_serious_on_the_chat_and_overview(
    browser: Any, request: pytest.FixtureRequest, mode: str, scheme: str
) -> None:
    if not AXE.exists():
        pytest.skip(f"no axe-core at {AXE} (make axe)")
    server = request.getfixturevalue(f"{mode}_server")
    page = open_app(browser, server, staff=mode == "staff", color_scheme=scheme)
    ask(page, QUESTION, "6,3 millioner")
    page.locator("#chat .bot").last.locator("button.cite").first.click()
    page.locator("#document-viewer mark").first.wait_for()  # a highlighted quote is on the page
    page.locator("#side-tabs").get_by_role("tab").first.click()
    assert serious_violations(page) == []
    page.get_by_role("tab", name="Oversikt").click()
    page.locator("#overview-table").get_by_role("row").nth(1).wait_for()
    assert serious_violations(page) == []
    page.context.close()


def test_overview_has_readable_columns_a_chart_and_opens_a_row_at_its_sentence(
    browser: Any, public_server: Server
) -> None:
    page = open_app(browser, public_server)
    page.get_by_role("tab", name="Oversikt").click()
    # Each picker says what it picks, in the page's language.
    page.locator("#overview-kind").get_by_text("Vis", exact=True).wait_for(state="visible")
    page.locator("#overview-docs").get_by_text("Dokumenter", exact=True).wait_for(state="visible")
    table = page.locator("#overview-table")
    table.get_by_text("Finansiør").first.wait_for()
    page.locator("#funding-chart").get_by_text("Kommunal- og moderniseringsdepartementet").first.wait_for()
    table.get_by_role("row").filter(has_text="4,4 millioner").first.wait_for()
    quote = table.get_by_role("gridcell").filter(has_text="Gjennom ordningen").first.bounding_box()
    assert quote and quote["x"] + 40 < 1400  # the quote column is on screen
    rows = [r.strip() for r in table.get_by_role("row").all_inner_texts()]
    assert len(rows) == len(set(rows))  # no row twice
    table.get_by_role("row").filter(has_text="4,4 millioner").first.get_by_role("gridcell").first.click()
    viewer = page.locator("#overview-document")
    viewer.locator("mark").first.wait_for()
    assert "4,4 millioner" in viewer.locator("mark").first.inner_text()
    page.wait_for_function(
        "() => { const t = document.querySelector('#overview-document .scroll-target'); if (!t) return false;"
        " let b = t.parentElement; while (b && b.scrollTop === 0) b = b.parentElement; return !!b; }"
    )
    page.context.close()


def test_a_reload_keeps_the_conversation_in_the_browser_and_new_conversation_clears_it(
    browser: Any, public_server: Server
) -> None:
    page = open_app(browser, public_server)
    ask(page, QUESTION, "6,3 millioner")
    assert page.evaluate("() => !!localStorage.getItem('strategy-assistant-chat')")
    page.reload()
    page.locator("#chat .bot").last.get_by_text("6,3 millioner").first.wait_for()
    assert "Kompetansepiloter" in page.locator("#chat .user").last.inner_text()
    page.locator("#new-chat").click()
    page.wait_for_function("() => document.querySelectorAll('#chat .bot').length === 0")
    page.reload()
    page.locator("#question textarea").wait_for()
    page.wait_for_timeout(1500)  # the page's load events have run
    assert page.locator("#chat .bot").count() == 0
    page.context.close()


def test_the_staff_document_table_fits_a_desktop_screen(staff_page: Any) -> None:
    page = staff_page
    page.get_by_role("tab", name="Dokumenter").click()
    page.locator("#document-table").get_by_text("hamar-kunnskap-og-kompetanse.txt").wait_for()
    box = page.locator("#document-table").bounding_box()
    table = page.locator("#document-table table").first.bounding_box()
    assert box and table and table["width"] <= box["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1400
