"""The import rules of the house, read from the source (imports inside functions included).

Data flows one way (ingest -> vectorstore <- assistant -> UI/CLI); a cycle, chromadb outside
vectorstore/, gradio in the core or the core reaching into the UI would each make a change in one
place break another. Each rule is checked on every module of assistant/, ingest/ and vectorstore/.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import PROJECT

PACKAGES = ("assistant", "ingest", "vectorstore")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((PROJECT / pkg).rglob("*.py"))}


def _imports(path: Path, module: str) -> set[str]:
    """Every module name this file imports, at the top or inside a function."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return found


def _graph() -> dict[str, set[str]]:
    """Project module -> the project modules it imports."""
    modules = _modules()
    return {
        name: {m for m in _imports(path, name) if m in modules and m != name}
        for name, path in modules.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each a cycle to report."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _importers(prefixes: Iterable[str]) -> dict[str, set[str]]:
    """Module -> the imports it makes of any of these top-level names."""
    wanted = tuple(prefixes)
    out: dict[str, set[str]] = {}
    for name, path in _modules().items():
        hits = {m for m in _imports(path, name) if m.split(".")[0] in wanted}
        if hits:
            out[name] = hits
    return out


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_the_packages_lazy_imports_included() -> None:
    graph = _graph()
    assert len(graph) > 40, "the walk must see every module"
    assert _cycles(graph) == []


def test_only_vectorstore_imports_chromadb() -> None:
    outside = {
        m: i
        for m, i in _importers(["chromadb", "langchain_chroma"]).items()
        if not m.startswith("vectorstore")
    }
    assert outside == {}


def test_gradio_stays_out_of_the_packages() -> None:
    assert _importers(["gradio", "gradio_client", "starlette"]) == {}


def test_only_the_cli_imports_the_ui_to_serve_it() -> None:
    assert set(_importers(["ui", "app"])) <= {"assistant.cli"}
