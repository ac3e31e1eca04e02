"""The core's modules import one another in layers: no import circle, not even through an import
made inside a function, and no subpackage imports one above it in ``LAYERS`` (the order
docs/architecture.md draws). A circle held together by such an import is one refactor from an
``ImportError``, and it hides which module is built on which."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "airflow_dynflow" / "core"
# Bottom up: the vocabulary (the modules directly in core/, and errors/), then each subpackage.
LAYERS = ("", "context", "conversion", "authoring", "wire")


def _module(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of imports under ``if TYPE_CHECKING:``: they never run."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lines |= {sub.lineno for sub in ast.walk(node) if isinstance(sub, ast.ImportFrom)}
    return lines


def import_graph(root: Path = CORE) -> dict[str, set[str]]:
    """Each module of ``root`` (its ``errors`` package as one) -> the modules of ``root`` it imports."""
    modules = {_module(p, root): p for p in root.rglob("*.py")}
    package = _module(root / "__init__.py", root)

    def node(name: str) -> str:
        return f"{package}.errors" if name.startswith(f"{package}.errors") else name

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        skip = _type_checking_only(tree)
        found = set()
        for imp in ast.walk(tree):
            if isinstance(imp, ast.ImportFrom) and imp.module and imp.lineno not in skip:
                for alias in imp.names:
                    target = f"{imp.module}.{alias.name}"
                    found.add(target if target in modules else imp.module)
        graph.setdefault(node(name), set()).update(
            node(t) for t in found if t in modules and node(t) != node(name)
        )
    return graph


def circle(graph: dict[str, set[str]]) -> list[str]:
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        return list(exc.args[1])
    return []


def test_the_core_has_no_import_circle():
    assert circle(import_graph()) == []


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[2]) if len(parts) > 3 and parts[2] in LAYERS else 0


def test_no_layer_imports_one_built_on_it():
    upward = {(a, b) for a, bs in import_graph().items() for b in bs if layer(b) > layer(a)}
    assert upward == set()


def test_every_subpackage_of_the_core_has_its_layer():
    assert {p.name for p in CORE.iterdir() if (p / "__init__.py").exists()} - {"errors"} == set(LAYERS[1:])


def test_the_check_finds_a_circle_held_by_an_import_inside_a_function(tmp_path):
    core = tmp_path / "airflow_dynflow" / "core"
    core.mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "spec.py").write_text("def f():\n    from airflow_dynflow.core.reader import g\n")
    (core / "reader.py").write_text("from airflow_dynflow.core.spec import f\n")
    (core / "typed.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from airflow_dynflow.core.reader import g\n"
    )
    assert sorted(set(circle(import_graph(core)))) == [
        "airflow_dynflow.core.reader",
        "airflow_dynflow.core.spec",
    ]
