"""Read a file of a supported type into plain text plus a title, or say clearly why not.

Every failure is a `LoadError` whose message a person can act on ("encrypted PDF: remove the
password and ingest it again"); the pipeline reports it by file name and goes on with the rest.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from ingest.document import LoadedDocument, LoadError

__all__ = ["SUPPORTED_SUFFIXES", "LoadError", "LoadedDocument", "load_file"]

SUPPORTED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})
_DOCX_MAX_UNPACKED = 200 * 1024 * 1024
_DOCX_MAX_RATIO = 100


def load_file(path: Path, max_bytes: int) -> LoadedDocument:
    """Extract text from `path`; raise `LoadError` for anything that cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise LoadError(f"unsupported file type '{suffix or '(none)'}'; convert it to one of: {kinds}")
    size = path.stat().st_size
    if size == 0:
        raise LoadError("empty file (0 bytes); save or copy it again, it may have been cut off")
    if size > max_bytes:
        raise LoadError(
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit "
            "(raise INGEST_MAX_FILE_MB to allow it)"
        )
    if suffix in {".txt", ".md", ".markdown"}:
        text = _decode_text(path.read_bytes())
        if suffix == ".txt":
            return LoadedDocument(text, None, "txt")
        return _from_markdown(text)
    if suffix in {".html", ".htm"}:
        return _from_html(_decode_text(path.read_bytes()))
    if suffix == ".pdf":
        return _from_pdf(path)
    return _from_docx(path)


def _decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, which covers æøå."""
    head = data[:8192]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in head:
        raise LoadError(
            "binary content, not text (NUL bytes); check the file extension or convert it to text"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise LoadError(
                "text is neither UTF-8 nor Windows-1252; convert it to UTF-8 and ingest it again"
            ) from exc
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:8192]) // 50):
        raise LoadError("binary content, not text; check the file extension or convert it to text")
    if not text.strip():
        raise LoadError("the file contains no text")
    return text


_MD_RULES = [
    (re.compile(r"^```.*?$", re.MULTILINE), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images keep their alt text only
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links keep their text only
    (re.compile(r"<[^>]+>"), ""),
    # Line rules match [ \t], never \s: \s would swallow the blank lines that separate paragraphs.
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*(.*?)[ \t]*#*[ \t]*$", re.MULTILINE), r"\1"),
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"^[ \t]*[-*+][ \t]+", re.MULTILINE), "- "),
    (re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$", re.MULTILINE), ""),
]


def _from_markdown(text: str) -> LoadedDocument:
    heading = re.search(r"^[ \t]{0,3}#[ \t]+(.+?)[ \t]*#*[ \t]*$", text, re.MULTILINE)
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    return LoadedDocument(text, heading.group(1).strip() if heading else None, "md")


_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "svg", "nav", "footer", "form", "head"}
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "header", "aside", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "table", "blockquote", "pre", "dl", "dt", "dd", "figure", "figcaption", "br", "hr",
}  # fmt: skip
# Page furniture by ARIA role, and site-wide header/aside outside the article (an article's own
# <header> holds its heading and stays).
_SKIP_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog", "alertdialog"}
_SITE_CHROME = {"header", "aside"}
_COOKIE = re.compile(r"cookie|consent|gdpr|samtykke", re.IGNORECASE)


def _is_furniture(tag: Any) -> bool:
    name = tag.name.lower()
    if name in _SKIP_TAGS or str(tag.get("role", "")).lower() in _SKIP_ROLES:
        return True
    if name in _SITE_CHROME and tag.find_parent(["article", "main"]) is None:
        return True
    if tag.get("aria-hidden") == "true" or tag.has_attr("hidden"):
        return True
    marks = " ".join([str(tag.get("id", "")), *map(str, tag.get("class") or [])])
    return bool(marks.strip()) and bool(_COOKIE.search(marks))


_ENTITY_DECLARATION = re.compile(r"<!ENTITY\b", re.IGNORECASE)


def _from_html(markup: str) -> LoadedDocument:
    # html.parser never expands DTD entities, but a page declaring its own is an entity bomb (or
    # XML dressed as HTML) whose text would be garbage: refuse it rather than index it.
    if _ENTITY_DECLARATION.search(markup):
        raise LoadError(
            "refused HTML: it declares its own entities (<!ENTITY …>), as entity bombs do; "
            "save the page again from a browser, or remove the DOCTYPE's [...] part"
        )
    from bs4 import BeautifulSoup
    from bs4.element import NavigableString, Tag

    soup = BeautifulSoup(markup, "html.parser")
    title_tag = soup.find("title")
    h1 = soup.find("h1")
    title = (title_tag.get_text(" ", strip=True) if title_tag else "") or (
        h1.get_text(" ", strip=True) if h1 else ""
    )
    parts: list[str] = []

    def walk(node: Any) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child).__name__ in {"Comment", "Doctype", "Declaration", "ProcessingInstruction"}:
                    continue
                parts.append(re.sub(r"\s+", " ", str(child)))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if _is_furniture(child):
                    continue
                if name == "li":
                    parts.append("\n- ")
                    walk(child)
                    parts.append("\n")
                elif name in {"td", "th"}:
                    walk(child)
                    parts.append(" | ")
                elif name == "tr":  # a table is one block, a row per line
                    walk(child)
                    parts.append("\n")
                elif name in _BLOCK_TAGS:
                    parts.append("\n\n")
                    walk(child)
                    parts.append("\n\n")
                else:
                    walk(child)

    walk(soup.body or soup)
    text = "".join(parts)
    text = re.sub(r"(?:[ \t]*\|)?[ \t]*\n[ \t]*", "\n", text)  # no " |" after a row's last cell
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise LoadError("the HTML page contains no visible text")
    return LoadedDocument(text, title or None, "html")


def _from_pdf(path: Path) -> LoadedDocument:
    from ingest.pdf import read_pdf

    return read_pdf(path)


def _check_zip(path: Path) -> None:
    """Refuse zip bombs from the central directory before anything is decompressed."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise LoadError("corrupt .docx (not a valid zip archive); open it in Word and save it again") from exc
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > _DOCX_MAX_UNPACKED or unpacked / packed > _DOCX_MAX_RATIO:
        raise LoadError(
            f"refused .docx: it would unpack to {unpacked / 1e6:.0f} MB "
            f"(ratio {unpacked / packed:.0f}:1), which looks like a zip bomb; "
            "save it again from Word without large embedded files"
        )


def _from_docx(path: Path) -> LoadedDocument:
    _check_zip(path)
    from ingest.word import read_docx

    return read_docx(path)
