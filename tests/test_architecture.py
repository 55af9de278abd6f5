"""The house as ARCHITECTURE.md draws it: imports run one way between the stages, no module imports in a
circle, each package says what it owns, and ``events/`` keeps its top level to what everything uses."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("events", "feeds")
LONGEST = 450  # lines: a module longer than this does more than one job (ARCHITECTURE.md)


def test_the_import_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    """pyproject.toml's ``[tool.importlinter]`` contracts: layers, publishers never fetching, no circles
    between the siblings of a package."""
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(here)
    said = capsys.readouterr().out
    assert code == 0, said[said.find("Broken contracts") :] or said


def _circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, iter(sorted(imports[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, rest = work[-1]
            step = next(rest, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(imports.get(step, ())))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_in_a_circle() -> None:
    """Module by module, imports under ``TYPE_CHECKING`` and inside functions included: a circle means two
    modules that cannot be understood (or moved) apart."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    imports = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _circles(imports) == []


def test_the_circle_finder_finds_circles() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_every_package_says_what_it_owns() -> None:
    quiet = [
        str(init.relative_to(ROOT))
        for name in PACKAGES
        for init in sorted((ROOT / name).rglob("__init__.py"))
        if "migrations" not in init.parts and not ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    ]
    assert quiet == []


def test_events_top_level_holds_only_what_everything_uses() -> None:
    modules = sorted(p.name for p in (ROOT / "events").glob("*.py") if p.name != "__init__.py")
    assert len(modules) <= 8, f"events/ has {len(modules)} modules beside its packages: {modules}"


def test_no_module_does_several_jobs_by_length() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for name in PACKAGES
        for path in (ROOT / name).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    assert long == {}, "split these by job (ARCHITECTURE.md)"
