"""The served app over HTTP, in-process with the fake embedder: hardening of public mode,
the JSON API, refusals before any model work, rate limits. No model and no browser; the tests that
launch a Gradio server are marked `ui_server` (left out of `make test-fast`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.feedback import FeedbackLog
from assistant.library import DocumentLibrary
from ingest.pipeline import ingest_paths
from tests.conftest import CORPUS
from tests.fakes import FakeEmbeddings
from tests.support import (
    HOSTILE_DOCUMENT,
    LONG_QUESTION,
    QUESTION,
    call_every_fn,
    completed_output,
    disk_snapshot,
    fake_assistant,
    free_port,
    join_queue,
)
from ui.layout import build_app
from ui.serve import launch_app
from ui.settings import AppSettings
from vectorstore.settings import StoreSettings
from vectorstore.store import ChunkStore


@pytest.fixture(scope="module")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ChunkStore, FakeEmbeddings]]:
    """The bundled corpus plus a hostile document, indexed with the fake embedder, once."""
    data = tmp_path_factory.mktemp("app-data")
    extra = tmp_path_factory.mktemp("extra")
    (extra / "trollvik-budsjett.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    embeddings = FakeEmbeddings()
    store = ChunkStore(StoreSettings(data_dir=data), embeddings)
    report = ingest_paths([CORPUS, extra], store)
    assert report.count("added") == 5, report.summary()
    store.lexical()
    yield store, embeddings


@pytest.fixture(scope="module")
def public_app(fake_index: tuple[ChunkStore, FakeEmbeddings]) -> Iterator[tuple[str, FakeEmbeddings, Path]]:
    store, embeddings = fake_index
    settings = AppSettings(
        port=free_port(), public=True, questions_per_minute=1000, questions_per_minute_per_client=1000
    )
    demo = build_app(fake_assistant(store), DocumentLibrary(store), settings=settings)
    _, url, _ = launch_app(demo, settings, block=False)
    yield url.rstrip("/"), embeddings, store.settings.data_dir
    demo.close()


def test_public_config_has_no_upload_control_and_no_writing_handler(
    fake_index: tuple[ChunkStore, FakeEmbeddings],
) -> None:
    store, _ = fake_index
    demo = build_app(
        fake_assistant(store),
        DocumentLibrary(store),
        FeedbackLog(store.settings.data_dir / "feedback.jsonl"),  # offered, and must be ignored
        AppSettings(public=True),
    )
    config = demo.get_config_file()
    assert not [c for c in config["components"] if c["type"] in {"file", "uploadbutton"}]
    names = {fn.name for fn in demo.fns.values()}
    writers = {"record_helpful", "record_not_helpful", "add_files", "reindex", "delete"}
    assert names.isdisjoint(writers), names
    assert demo._queue.max_size is not None and not demo.api_open


def test_staff_config_registers_the_document_handlers(fake_index: tuple[ChunkStore, FakeEmbeddings]) -> None:
    store, _ = fake_index
    library = DocumentLibrary(store)
    feedback = FeedbackLog(store.settings.data_dir / "feedback.jsonl")
    demo = build_app(fake_assistant(store), library, feedback, AppSettings(staff=True))
    names = {fn.name for fn in demo.fns.values()}
    assert {"record_helpful", "record_not_helpful", "add_files", "reindex", "delete"} <= names
    assert [c for c in demo.get_config_file()["components"] if c["type"] == "file"]


@pytest.mark.ui_server
def test_direct_calls_to_every_public_fn_change_nothing_on_disk(
    public_app: tuple[str, FakeEmbeddings, Path],
) -> None:
    url, _, data_dir = public_app
    before = disk_snapshot(data_dir)
    results = call_every_fn(url, QUESTION)
    assert disk_snapshot(data_dir) == before
    answered = [r for r in results.values() if "6,3 millioner" in json.dumps(r, ensure_ascii=False)]
    assert answered, "the chat handler should have answered through the direct call"


@pytest.mark.ui_server
def test_the_same_direct_calls_do_write_feedback_in_default_mode(
    fake_index: tuple[ChunkStore, FakeEmbeddings], tmp_path: Path
) -> None:
    """The check above can see a write: with feedback wired, the same calls leave a file."""
    store, _ = fake_index
    log = tmp_path / "feedback.jsonl"
    settings = AppSettings(port=free_port())
    demo = build_app(fake_assistant(store), DocumentLibrary(store), FeedbackLog(log), settings)
    _, url, _ = launch_app(demo, settings, block=False)
    try:
        call_every_fn(url.rstrip("/"), QUESTION)
    finally:
        demo.close()
    entries = FeedbackLog(log).entries()
    assert {e["helpful"] for e in entries} == {True, False}
    assert {e["question"] for e in entries} == {QUESTION}


@pytest.mark.ui_server
def test_a_100000_character_question_is_refused_with_no_embedding_work(
    public_app: tuple[str, FakeEmbeddings, Path],
) -> None:
    url, embeddings, _ = public_app
    config = httpx.get(f"{url}/config", timeout=30).json()
    chat_fn = next(d for d in config["dependencies"] if d["api_name"] == "respond")
    calls = embeddings.calls
    messages = join_queue(
        url,
        config["api_prefix"],
        {"data": [LONG_QUESTION, [], None, None, None], "fn_index": chat_fn["id"],
         "session_hash": uuid.uuid4().hex},
    )  # fmt: skip
    chat = completed_output(messages)[0]
    refusal = chat[-1]["content"][0]["text"]
    assert "for langt" in refusal and "100000" in refusal  # in the question's language, Norwegian
    assert embeddings.calls == calls

    from gradio_client import Client

    client = Client(url, verbose=False)
    with pytest.raises(Exception, match=r"too long|for langt"):
        client.predict(LONG_QUESTION, None, api_name="/ask")
    assert embeddings.calls == calls


@pytest.mark.ui_server
def test_the_api_endpoint_returns_the_answer_and_citations_as_json(
    public_app: tuple[str, FakeEmbeddings, Path],
) -> None:
    from gradio_client import Client

    client = Client(public_app[0], verbose=False)
    answer = client.predict(QUESTION, None, api_name="/ask")
    assert not answer["abstained"] and "[1]" in answer["text"]
    assert answer["citations"][0]["source"] == "innlandet-kompetansepiloter.txt"
    first = answer["citations"][0]
    passage = next(p for p in answer["passages"] if p["chunk_id"] == first["chunk_id"])
    assert passage["text"][first["quote_start"] : first["quote_end"]] == first["quote"]
    only_hamar = client.predict("Hva er målene?", ["hamar-kunnskap-og-kompetanse.txt"], api_name="/ask")
    assert {p["source"] for p in only_hamar["passages"]} == {"hamar-kunnskap-og-kompetanse.txt"}
    info = client.view_api(return_format="dict", print_info=False)
    assert list(info["named_endpoints"]) == ["/ask"]  # the UI's handlers are not advertised


@pytest.mark.ui_server
def test_responses_carry_the_content_security_policy_and_uploads_are_refused(
    public_app: tuple[str, FakeEmbeddings, Path],
) -> None:
    url, _, data_dir = public_app
    for path in ("/", "/config", "/gradio_api/info"):
        policy = httpx.get(url + path, timeout=30).headers["content-security-policy"]
        assert "img-src 'self' data: blob:" in policy and "connect-src 'self'" in policy
    before = disk_snapshot(data_dir)
    upload = httpx.post(f"{url}/gradio_api/upload", files={"files": ("a.txt", b"hello")}, timeout=30)
    assert upload.status_code == 403
    assert httpx.get(f"{url}/monitoring", timeout=30).status_code == 403  # monitoring is off
    assert disk_snapshot(data_dir) == before


@pytest.mark.ui_server
def test_the_per_session_rate_limit_refuses_politely(fake_index: tuple[ChunkStore, FakeEmbeddings]) -> None:
    store, embeddings = fake_index
    settings = AppSettings(port=free_port(), public=True, questions_per_minute=2)
    demo = build_app(fake_assistant(store), DocumentLibrary(store), settings=settings)
    _, url, _ = launch_app(demo, settings, block=False)
    base = url.rstrip("/")
    session = uuid.uuid4().hex
    try:
        config = httpx.get(f"{base}/config", timeout=30).json()
        chat_fn = next(d for d in config["dependencies"] if d["api_name"] == "respond")
        body = {
            "data": ["Hva er målene?", [], None, None, None],
            "fn_index": chat_fn["id"],
            "session_hash": session,
        }

        def reply() -> str:
            chat = completed_output(join_queue(base, config["api_prefix"], body))[0]
            return str(chat[-1]["content"][0]["text"])

        replies = [reply(), reply()]
        calls = embeddings.calls
        refused = [reply(), reply()]
        calls_after_refusals = embeddings.calls
        body["session_hash"] = uuid.uuid4().hex  # another reader is not affected
        other = reply()
    finally:
        demo.close()
    assert not any("mange spørsmål" in r for r in replies)
    assert all("mange spørsmål på kort tid" in r for r in refused)
    assert calls_after_refusals == calls  # refused before any model work
    assert "mange spørsmål" not in other


@pytest.mark.ui_server
def test_staff_mode_serves_nothing_before_login(fake_index: tuple[ChunkStore, FakeEmbeddings]) -> None:
    store, _ = fake_index
    library = DocumentLibrary(store)
    settings = AppSettings(port=free_port(), staff=True)
    demo = build_app(fake_assistant(store), library, settings=settings)
    _, url, _ = launch_app(demo, settings, staff_login=("kari", "lang-og-unik-2026!"), block=False)
    base = url.rstrip("/")
    try:
        assert httpx.get(f"{base}/config", timeout=30).status_code == 401
        refused = httpx.post(
            f"{base}/gradio_api/queue/join", json={"data": [], "fn_index": 0, "session_hash": "s"}
        )
        assert refused.status_code == 401
        with httpx.Client(base_url=base, timeout=30) as client:
            wrong = client.post("/login", data={"username": "kari", "password": "admin"})
            assert wrong.status_code == 400
            assert client.get("/config").status_code == 401
            assert client.post(
                "/login", data={"username": "kari", "password": "lang-og-unik-2026!"}
            ).is_success
            config = client.get("/config").json()
            assert "content-security-policy" in client.get("/").headers
        assert [c for c in config["components"] if c["type"] == "file"]  # staff may upload
    finally:
        demo.close()


def test_the_final_step_of_an_answer_fills_the_source_picker_and_relabels_it(
    fake_index: tuple[ChunkStore, FakeEmbeddings],
) -> None:
    """A component that gets new choices and a new label in one step keeps both (no server needed)."""
    store, _ = fake_index
    demo = build_app(fake_assistant(store), DocumentLibrary(store), settings=AppSettings(public=True))
    respond = next(fn.fn for fn in demo.fns.values() if fn.name == "respond")
    view = respond.__self__.view
    *_, final = respond("What does Innlandet get for Kompetansepiloter?", None, [], [], "nb", None)
    picker = final[view.source_pick]
    assert picker["choices"] and all(label.startswith("[") for label, _ in picker["choices"])
    assert picker["label"] == "Click a source to see the whole document"  # English, as the question
    assert final[view.lang_state] == "en" and final[view.chatbot]["value"][-1]["role"] == "assistant"
