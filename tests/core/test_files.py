"""FlyteFile and FlyteDirectory in the core: values, checks, JSON forms, and local runs (where a path
passes from task to task unchanged, as in flytekit's local runs)."""

from __future__ import annotations

import dataclasses
import io
import os
import pathlib
import tarfile
import typing

import pytest

from airflow_dynflow import (
    FlyteDirectory,
    FlyteFile,
    TypeMismatchError,
    current_context,
    dynamic,
    task,
    workflow,
)
from airflow_dynflow.core.conversion.converters import InvalidValue, converter_for
from airflow_dynflow.core.conversion.files import DIGESTS, NO_FILES, StoredRef, pack, unpack
from airflow_dynflow.core.conversion.output_cache import local_cache
from airflow_dynflow.core.conversion.type_relations import is_assignable

CSV = FlyteFile[typing.TypeVar("csv")]


@dataclasses.dataclass
class Bundle:
    files: typing.List[FlyteFile]
    folder: FlyteDirectory


@pytest.fixture
def note(tmp_path) -> str:
    path = tmp_path / "note.txt"
    path.write_text("hello")
    return str(path)


@pytest.fixture
def tree(tmp_path) -> str:
    root = tmp_path / "tree"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("A")
    (root / "sub" / "b.txt").write_text("B")
    return str(root)


def test_a_file_value_opens_like_its_path(note):
    f = FlyteFile(note)
    assert f.path == os.fspath(f) == f.download() == str(f) == note
    with open(f) as handle:
        assert handle.read() == "hello"
    with f.open("r") as handle:
        assert handle.read() == "hello"
    assert f.remote_source is None


def test_a_format_subscript_keeps_its_name_and_is_otherwise_the_same_type(note):
    assert CSV.extension() == "csv" and FlyteFile["json"].extension() == "json"
    assert FlyteFile.extension() == ""
    assert isinstance(FlyteFile(note), CSV) and isinstance(CSV(note), FlyteFile)
    assert is_assignable(FlyteFile, CSV) and is_assignable(CSV, FlyteFile)
    assert not is_assignable(FlyteDirectory, FlyteFile) and not isinstance(FlyteFile(note), FlyteDirectory)


def test_a_task_returning_a_file_hands_the_same_path_to_the_next_task_locally(note):
    seen = {}

    @task
    def produce() -> CSV:
        path = os.path.join(current_context().working_directory, "out.csv")
        with open(path, "w") as handle:
            handle.write("x,y\n")
        seen["written"] = path
        return FlyteFile(path)

    @task
    def consume(f: FlyteFile) -> str:
        seen["read"] = f.path
        with open(f) as handle:
            return handle.read()

    @workflow
    def wf() -> str:
        return consume(f=produce())

    assert wf() == "x,y\n"
    assert seen["read"] == seen["written"]


def test_a_returned_file_outlives_the_call_that_wrote_it_in_its_working_directory():
    @task
    def produce() -> FlyteFile:
        path = os.path.join(current_context().working_directory, "kept.txt")
        with open(path, "w") as handle:
            handle.write("kept")
        return FlyteFile(path)

    with open(produce()) as handle:
        assert handle.read() == "kept"


def test_a_str_or_pathlike_is_accepted_where_a_file_or_folder_is_declared(note, tree):
    @task
    def as_str() -> FlyteFile:
        return note  # type: ignore[return-value]

    @task
    def as_pathlike() -> FlyteDirectory:
        return pathlib.Path(tree)  # type: ignore[return-value]

    assert isinstance(as_str(), FlyteFile) and as_str().path == note
    assert isinstance(as_pathlike(), FlyteDirectory) and as_pathlike().listdir() == ["a.txt", "sub"]


def test_a_missing_path_or_the_wrong_kind_is_a_type_mismatch_naming_the_output(note, tree):
    @task
    def missing() -> FlyteFile:
        return "/no/such/file.csv"  # type: ignore[return-value]

    @task
    def folder_for_file() -> FlyteFile:
        return FlyteDirectory(tree)  # type: ignore[return-value]

    @task
    def number() -> FlyteDirectory:
        return 3  # type: ignore[return-value]

    with pytest.raises(
        TypeMismatchError, match=r"missing: output 'o0' expects FlyteFile.*not an existing file"
    ):
        missing()
    with pytest.raises(TypeMismatchError, match=r"expected a FlyteFile .*got FlyteDirectory"):
        folder_for_file()
    with pytest.raises(TypeMismatchError, match=r"expected a FlyteDirectory .*got int"):
        number()


def test_new_remote_file_and_folder_are_fresh_paths_in_the_working_directory():
    @task
    def make() -> typing.Tuple[FlyteFile, FlyteDirectory]:
        f = FlyteFile.new_remote_file("made.txt")
        with f.open("w") as handle:
            handle.write("made")
        d = FlyteDirectory.new_remote()
        with open(os.path.join(d, "inside.txt"), "w") as handle:
            handle.write("in")
        assert f.path.startswith(current_context().working_directory)
        assert d.path.startswith(current_context().working_directory)
        return f, d

    f, d = make()
    assert os.path.basename(f.path) == "made.txt"
    with open(f) as handle:
        assert handle.read() == "made"
    assert d.listdir() == ["inside.txt"]


def test_files_inside_lists_and_dataclasses_pass_through(note, tree):
    @task
    def bundle() -> Bundle:
        return Bundle(files=[FlyteFile(note), note], folder=FlyteDirectory(tree))  # type: ignore[list-item]

    @task
    def count(b: Bundle) -> int:
        return sum(os.path.getsize(f) for f in b.files) + len(os.listdir(b.folder))

    @workflow
    def wf() -> int:
        return count(b=bundle())

    assert wf() == 2 * len("hello") + 2


def test_a_dynamic_passes_files_between_its_nodes_locally(note):
    @task
    def copy_upper(f: FlyteFile) -> FlyteFile:
        out = os.path.join(current_context().working_directory, "upper.txt")
        with open(f) as src, open(out, "w") as dst:
            dst.write(src.read().upper())
        return FlyteFile(out)

    @task
    def read(f: FlyteFile) -> str:
        with open(f) as handle:
            return handle.read()

    @dynamic
    def chain(f: FlyteFile, times: int) -> str:
        for _ in range(times):
            f = copy_upper(f=f)
        return read(f=f)

    assert chain(f=FlyteFile(note), times=2) == "HELLO"


def test_without_a_transport_the_json_form_is_the_path_and_a_stored_copy_its_key(note):
    converter = converter_for(FlyteFile)
    assert converter.holds_files and converter_for(typing.Dict[str, FlyteDirectory]).holds_files
    assert not converter_for(typing.List[int]).holds_files
    assert converter.to_jsonable(FlyteFile(note)) == {"path": note}
    assert converter.from_jsonable({"path": note}) == FlyteFile(note)
    stored = converter.from_jsonable({"blob": "runs/wf/r/t/-1/files/ab/note.txt", "sha256": "ab"})
    assert stored.stored == StoredRef("runs/wf/r/t/-1/files/ab/note.txt", "ab")
    assert stored.remote_source == "runs/wf/r/t/-1/files/ab/note.txt"
    assert converter.to_jsonable(stored) == {"blob": "runs/wf/r/t/-1/files/ab/note.txt", "sha256": "ab"}
    with pytest.raises(ValueError, match="was not downloaded"):
        stored.path  # noqa: B018


def test_malformed_file_json_is_invalid():
    converter = converter_for(FlyteFile)
    for data in ({"path": 3}, {"blob": "k"}, "a/path", {"path": "/x", "blob": "k", "sha256": "s"}):
        with pytest.raises(InvalidValue, match="travels as"):
            converter.from_jsonable(data)


def test_no_file_may_come_from_a_run_conf(note):
    converter = converter_for(typing.List[FlyteFile])
    for data in ([{"path": note}], [{"blob": "runs/other/run/t/-1/files/ab/x", "sha256": "ab"}]):
        with pytest.raises(InvalidValue, match="cannot come from a DAG run's conf"):
            converter.from_jsonable(data, NO_FILES)


def test_a_cache_key_sees_a_file_by_its_content_not_its_path(tmp_path, note, tree):
    other = tmp_path / "elsewhere.txt"
    other.write_text("hello")
    converter = converter_for(FlyteFile)
    assert converter.to_jsonable(FlyteFile(note), DIGESTS) == converter.to_jsonable(FlyteFile(other), DIGESTS)
    copy = tmp_path / "copy"
    (copy / "sub").mkdir(parents=True)
    (copy / "sub" / "b.txt").write_text("B")
    (copy / "a.txt").write_text("A")
    assert FlyteDirectory(tree).digest() == FlyteDirectory(str(copy)).digest()
    (copy / "a.txt").write_text("changed")
    assert FlyteDirectory(tree).digest() != FlyteDirectory(str(copy)).digest()


def test_a_cached_task_hits_for_the_same_content_at_another_path(tmp_path, note):
    calls = []
    other = tmp_path / "other.txt"
    other.write_text("hello")

    local_cache().clear()

    @task(cache=True, cache_version="files-1")
    def size(f: FlyteFile) -> int:
        calls.append(f.path)
        return os.path.getsize(f)

    assert size(f=FlyteFile(note)) == size(f=FlyteFile(str(other))) == 5
    assert calls == [note]


def test_a_folder_packs_and_unpacks_to_the_same_tree(tmp_path, tree):
    data = pack(FlyteDirectory(tree))
    assert pack(FlyteDirectory(tree)) == data
    target = unpack("directory", data, str(tmp_path), "copy")
    assert sorted(os.listdir(target)) == ["a.txt", "sub"]
    with open(os.path.join(target, "sub", "b.txt")) as handle:
        assert handle.read() == "B"


def test_unpacking_a_tar_that_climbs_out_writes_nothing_outside(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("../marker")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    inside = tmp_path / "inside"
    inside.mkdir()
    with pytest.raises(tarfile.TarError):
        unpack("directory", buffer.getvalue(), str(inside), "copy")
    assert not (inside / "marker").exists() and not (tmp_path / "marker").exists()
    assert os.listdir(inside) == []
