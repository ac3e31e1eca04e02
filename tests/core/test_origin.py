"""Origins: how a spec names an entity's code, and finding that exact code again in another process."""

from __future__ import annotations

import hashlib
import inspect
import re
import sys
import types
from pathlib import Path

import pytest

from airflow_dynflow import SpecError
from airflow_dynflow.core.origin import Origin, import_entity, origin_of
from tests import entities as ex

DAG_FILE = """\
from airflow_dynflow import task


@task
def triple(x: int) -> int:
    return x * 3
"""
TRIPLE_VERSION = hashlib.sha256(b"@task\ndef triple(x: int) -> int:\n    return x * 3\n").hexdigest()[:16]


@pytest.fixture
def mangled_name():
    """A module name nothing can import, as Airflow gives the DAG files it loads; forgotten after."""
    name = "unusual_mangled_dag_module_1234"
    yield name
    sys.modules.pop(name, None)


def test_an_entity_is_named_by_module_and_qualname_with_its_file():
    origin = ex.add.origin
    assert (origin.ref, origin.file) == ("tests.entities:add", inspect.getsourcefile(ex.add.fn))


def test_the_version_is_a_short_hash_of_the_source():
    source = inspect.getsource(ex.add.fn).encode()
    assert ex.add.origin.version == hashlib.sha256(source).hexdigest()[:16]


def test_code_without_source_is_versioned_by_its_bytecode():
    first, second, again = {}, {}, {}
    exec("def f(x):\n    return x + 1\n", first)
    exec("def f(x):\n    return x + 2\n", second)
    exec("def f(x):\n    return x + 1\n", again)
    assert origin_of(first["f"]).file is None
    assert origin_of(first["f"]).version != origin_of(second["f"]).version
    assert origin_of(first["f"]).version == origin_of(again["f"]).version


def test_a_module_level_entity_is_found_again():
    origin = ex.add.origin
    assert import_entity(origin.ref, origin.file, origin.version) is ex.add


def test_a_module_already_imported_is_used_as_it_is(monkeypatch):
    module = types.ModuleType("already_there")
    module.add = ex.add
    monkeypatch.setitem(sys.modules, "already_there", module)
    assert import_entity("already_there:add", None, ex.add.origin.version) is ex.add


@pytest.mark.parametrize("ref", ["tests.entities", ":add", "tests.entities:test.<locals>.f"])
def test_a_reference_that_cannot_name_module_level_code_is_refused(ref):
    expected = f"task reference {ref!r} is not importable (define tasks at module level)"
    with pytest.raises(SpecError, match=f"^{re.escape(expected)}$"):
        import_entity(ref, None, "0")


def test_a_name_the_module_lacks_is_refused_naming_both():
    with pytest.raises(SpecError) as caught:
        import_entity("tests.entities:gone", None, "0")
    assert str(caught.value) == "task reference 'tests.entities:gone': tests.entities has no gone"


def test_an_attribute_that_is_no_entity_is_refused():
    with pytest.raises(SpecError, match="is not a task, dynamic or workflow$"):
        import_entity("tests.entities:Point", None, "0")


def test_changed_code_is_refused_naming_both_versions():
    origin = ex.add.origin
    with pytest.raises(SpecError) as caught:
        import_entity(origin.ref, origin.file, "0123456789abcdef")
    message = str(caught.value)
    assert message.startswith("task 'tests.entities:add' changed since the spec was compiled")
    assert f"(version 0123456789abcdef, now {origin.version})" in message


def test_a_module_that_cannot_be_imported_and_has_no_file_is_refused(mangled_name):
    expected = f"task reference '{mangled_name}:triple': cannot import {mangled_name}"
    with pytest.raises(SpecError, match=f"^{re.escape(expected)}$"):
        import_entity(f"{mangled_name}:triple", None, TRIPLE_VERSION)


def test_a_module_that_cannot_be_imported_is_loaded_from_its_file(tmp_path, mangled_name):
    path = tmp_path / "triple_dag.py"
    path.write_text(DAG_FILE)
    entity = import_entity(f"{mangled_name}:triple", str(path), TRIPLE_VERSION)
    assert entity(x=2) == 6
    assert entity.origin == Origin(f"{mangled_name}:triple", str(path), TRIPLE_VERSION)


def test_a_file_failing_to_load_leaves_no_half_loaded_module(tmp_path, mangled_name):
    path = tmp_path / "broken_dag.py"
    path.write_text(DAG_FILE + "\nraise RuntimeError('broken at import')\n")
    with pytest.raises(RuntimeError, match="broken at import"):
        import_entity(f"{mangled_name}:triple", str(path), TRIPLE_VERSION)
    assert mangled_name not in sys.modules


def test_a_file_python_cannot_load_is_refused(tmp_path, mangled_name):
    path = Path(tmp_path, "notes.txt")
    path.write_text(DAG_FILE)
    expected = f"task reference '{mangled_name}:triple': cannot load {path}"
    with pytest.raises(SpecError, match=f"^{re.escape(expected)}$"):
        import_entity(f"{mangled_name}:triple", str(path), TRIPLE_VERSION)
