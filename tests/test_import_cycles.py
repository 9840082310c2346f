"""No import cycles between the modules of src/ (the package-level contracts are in
pyproject.toml's [tool.importlinter], run by `lint-imports`)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import grimp
import pytest


def import_cycles(package: str) -> list[list[str]]:
    """Every group of modules that import each other in a ring (strongly connected
    components of more than one module). Imports under TYPE_CHECKING are left out:
    they name types and run nothing."""
    graph = grimp.build_graph(package, exclude_type_checking_imports=True)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(found)


def test_no_module_of_coalition_is_part_of_an_import_cycle() -> None:
    assert import_cycles("coalition") == []


def test_the_check_finds_a_planted_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "ringed"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from ringed import b\n")
    (package / "b.py").write_text("from ringed.c import thing\n")
    (package / "c.py").write_text(
        textwrap.dedent(
            """
            from typing import TYPE_CHECKING

            import ringed.a

            if TYPE_CHECKING:
                from ringed import d
            thing = 1
            """
        )
    )
    (package / "d.py").write_text("from ringed import c\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    assert import_cycles("ringed") == [["ringed.a", "ringed.b", "ringed.c"]]
