"""The module maps cannot drift from the code: ``docs/architecture.md`` names every module of
``airflow_dynflow`` in its layer tree, ``harness/__init__.py`` every module of ``harness``, and
neither names a module that does not exist (nor does a path the architecture page cites in its prose).
Every module has a mirrored unit test module or a row in ``tests/README.md`` saying where it is tested.

The tree is read as it is drawn: a line whose first word ends in ``/`` opens that folder inside the
folder of the nearest less-indented line above it, and every ``name.py`` on a line belongs to the
folder open there. A package's ``__init__.py`` is named by its folder (only the top-level one is
listed, as the public API).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "airflow_dynflow"
ARCHITECTURE = REPO / "docs" / "architecture.md"
HARNESS = REPO / "harness"
TESTS = REPO / "tests"

_FENCE = re.compile(r"^```.*?^```", re.S | re.M)
_MODULE = re.compile(r"[\w./]*\w\.py\b")
_CITED = re.compile(r"`([\w/]+/[\w]+\.py)`")


def package_modules(package: Path = PACKAGE) -> set[str]:
    """Every module by its path in the package; of the ``__init__.py`` files only the top-level one."""
    found = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    return {m for m in found if m == "__init__.py" or not m.endswith("/__init__.py")}


def tree_modules(text: str) -> set[str]:
    """The modules the layer tree (the page's first code block) names, as package paths."""
    fence = _FENCE.search(text)
    assert fence is not None, "docs/architecture.md has no layer tree"
    folders: list[tuple[int, str]] = []  # (indent, folder path), innermost last
    named: set[str] = set()
    for line in fence.group(0).splitlines()[1:-1]:
        words = line.split()
        if not words or set(line.strip()) <= set("|-"):
            continue
        indent = len(line) - len(line.lstrip())
        first = words[0]
        if first.endswith("/") and not first.endswith(".py/"):
            while folders and folders[-1][0] >= indent:
                folders.pop()
            folders.append((indent, (folders[-1][1] if folders else "") + first))
        elif _MODULE.fullmatch(first):
            while folders and folders[-1][0] >= indent:
                folders.pop()
        here = folders[-1][1] if folders else ""
        for token in _MODULE.findall(line):
            named.add(token.removeprefix("airflow_dynflow/") if "/" in token else here + token)
    return named


def cited_paths(text: str) -> set[str]:
    """Paths like ``core/spec.py`` that the prose outside the tree cites."""
    prose = _FENCE.sub("", text)
    return {path.removeprefix("airflow_dynflow/") for path in _CITED.findall(prose)}


def harness_listed(init: Path = HARNESS / "__init__.py") -> set[str]:
    docstring = ast.get_docstring(ast.parse(init.read_text())) or ""
    return set(re.findall(r"``harness\.(\w+)``", docstring))


def harness_modules(folder: Path = HARNESS) -> set[str]:
    return {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}


def mirrored_test(module: str) -> Path:
    """``core/x.py`` -> ``tests/core/test_x.py``; ``airflow/.../x.py`` -> ``tests/airflow/unit/test_x.py``."""
    layer, name = module.split("/", 1)[0], Path(module).stem
    return TESTS / ("core" if layer == "core" else "airflow/unit") / f"test_{name}.py"


def reasons_table(readme: Path = TESTS / "README.md") -> set[str]:
    """The modules the table of ``tests/README.md`` gives a reason for (its first column)."""
    return set(re.findall(r"^\| `([\w/]+\.py)` \|", readme.read_text(), re.M))


def test_every_module_has_a_mirrored_unit_test_or_a_reason():
    unmirrored = {m for m in package_modules() - {"__init__.py"} if not mirrored_test(m).exists()}
    assert unmirrored - reasons_table() == set()


def test_the_reasons_table_lists_only_modules_that_exist_and_lack_a_mirrored_test():
    listed = reasons_table()
    assert listed - package_modules() == set()
    assert {m for m in listed if mirrored_test(m).exists()} == set()


def test_the_architecture_tree_names_every_module_of_the_package():
    assert package_modules() - tree_modules(ARCHITECTURE.read_text()) == set()


def test_the_architecture_tree_names_no_module_that_does_not_exist():
    assert tree_modules(ARCHITECTURE.read_text()) - package_modules() == set()


def test_every_path_the_architecture_page_cites_exists():
    assert {p for p in cited_paths(ARCHITECTURE.read_text()) if not (PACKAGE / p).exists()} == set()


def test_the_harness_lists_every_module_it_has_and_no_other():
    assert harness_listed() == harness_modules()


def test_the_tree_reader_places_files_in_the_folder_open_on_their_line():
    text = (
        "```\n"
        "  core/  (pure)\n"
        "    spec.py   the spec; a.py too\n"
        "    errors/   sections: base.py\n"
        "                calls.py\n"
        "    tail.py   back in core\n"
        "  airflow/\n"
        "    x.py\n"
        "```\n"
    )
    assert tree_modules(text) == {
        "core/spec.py",
        "core/a.py",
        "core/errors/base.py",
        "core/errors/calls.py",
        "core/tail.py",
        "airflow/x.py",
    }
