"""The layout rules the build checks besides the import contract (.importlinter): no cycles, small modules."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent
MAX_LINES = {"index": 400, "bot": 400, "scripts": 600}


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph("index", "bot")
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.startswith(importer + ".") or importer.startswith(imported + "."):
                continue  # a package and its own modules
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append(" -> ".join((importer, *back)))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("folder", sorted(MAX_LINES))
def test_modules_stay_small(folder: str) -> None:
    limit = MAX_LINES[folder]
    long = {
        str(p.relative_to(REPO)): n
        for p in (REPO / folder).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > limit
    }
    assert not long, f"modules over {limit} lines: {long}"


def test_stages_are_sub_packages_of_index() -> None:
    stages = {p.name for p in (REPO / "index").iterdir() if (p / "__init__.py").exists()}
    assert {"ingest", "embed", "store", "build", "ask", "cli"} <= stages
