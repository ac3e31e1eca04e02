"""The blob store on a real ``ObjectStoragePath`` in a temporary folder."""

from __future__ import annotations

import pytest
from airflow.sdk import ObjectStoragePath

from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.store.blob_store import BlobStore


@pytest.fixture
def store(tmp_path) -> BlobStore:
    return BlobStore(url=f"file://{tmp_path}")


def test_a_run_path_is_runs_then_dag_then_run_then_parts(store, tmp_path):
    path = store.run_path("wf", "manual__1", "count.compile", "spec.json")
    assert path.path == f"{tmp_path}/runs/wf/manual__1/count.compile/spec.json"


def test_a_run_id_s_colons_and_plus_signs_become_portable_segments(store, tmp_path):
    path = store.run_path("wf", "manual__2024-01-01T00:00:00+00:00")
    assert path.path == f"{tmp_path}/runs/wf/manual__2024-01-01T00_00_00_00_00"


def test_a_part_cannot_climb_out_of_its_run_folder(store, tmp_path):
    path = store.run_path("wf", "r", "../../other")
    assert path.path.startswith(f"{tmp_path}/runs/wf/r/")


def test_written_bytes_read_back_from_the_returned_key(store):
    key = store.write_bytes(store.run_path("wf", "r", "o0.json"), b'{"a": 1}')
    assert key == "runs/wf/r/o0.json"
    assert store.read_bytes(key) == b'{"a": 1}'


def test_a_key_names_the_path_it_was_returned_for_and_back(store):
    path = store.run_path("wf", "r", "n3", "o0.json")
    key = store.write_bytes(path, b"1")
    assert store.path_of(key) == path
    assert store.key_of(path) == key


def test_utf8_text_reads_back_unchanged(store):
    key = store.write_bytes(store.run_path("wf", "r", "o0.json"), "Zürich ✓".encode())
    assert store.read_bytes(key).decode() == "Zürich ✓"


def test_writing_creates_missing_folders(store, tmp_path):
    store.write_bytes(store.run_path("wf", "r", "deep", "er", "x.json"), b"1")
    assert (tmp_path / "runs" / "wf" / "r" / "deep" / "er" / "x.json").read_bytes() == b"1"


def test_a_write_leaves_only_the_whole_object_behind(store, tmp_path):
    path = store.run_path("wf", "r", "x.json")
    store.write_bytes(path, b"first")
    key = store.write_bytes(path, b"second")
    assert [p.name for p in (tmp_path / "runs" / "wf" / "r").iterdir()] == ["x.json"]
    assert store.read_bytes(key) == b"second"


def test_a_written_key_exists_and_another_does_not(store):
    key = store.write_bytes(store.run_path("wf", "r", "x.json"), b"1")
    assert store.exists(key)
    assert not store.exists("runs/wf/r/y.json")


def test_a_cache_entry_lives_under_cache_by_its_key_s_first_two_characters(store, tmp_path):
    assert store.cache_path("abcdef").path == f"{tmp_path}/cache/ab/abcdef.json"


@pytest.mark.parametrize(
    "key",
    [
        "../x",
        "/etc/passwd",
        "file:///etc/passwd",
        "data:,hello",
        "runs/../../x",
        "runs/./x",
        "a//b",
        "a/",
        "a\\b",
        "",
        ".",
        "s3://bucket/x",
        None,
        7,
        b"runs/x",
        ["runs", "x"],
    ],
)
def test_a_key_that_would_leave_the_store_is_refused_as_store_confinement(store, key):
    with pytest.raises(IntegrityError, match=r"\(store confinement\)"):
        store.read_bytes(key)


def test_a_path_outside_the_store_has_no_key(store, tmp_path):
    with pytest.raises(IntegrityError, match=r"\(store confinement\)"):
        store.key_of(ObjectStoragePath(f"file://{tmp_path.parent}/elsewhere/x.json"))


def test_a_path_climbing_out_of_the_store_through_dot_dot_has_no_key(store):
    with pytest.raises(IntegrityError, match=r"\(store confinement\)"):
        store.key_of(store.root / ".." / "x.json")


def test_a_write_outside_the_store_is_refused_and_writes_nothing(store, tmp_path):
    outside = ObjectStoragePath(f"file://{tmp_path.parent}/{tmp_path.name}-elsewhere/x.json")
    with pytest.raises(IntegrityError, match=r"\(store confinement\)"):
        store.write_bytes(outside, b"1")
    assert not outside.exists()


@pytest.mark.parametrize("run_id", ["..", ".", "..."])
def test_a_run_id_of_dots_stays_inside_the_run_folder(store, tmp_path, run_id):
    path = store.run_path("wf", run_id, "x.json")
    assert path.path == f"{tmp_path}/runs/wf/{'_' * len(run_id)}/x.json"
    assert store.read_bytes(store.write_bytes(path, b"1")) == b"1"


def test_the_root_defaults_to_dynflow_store_url(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DYNFLOW__STORE_URL", f"file://{tmp_path}/configured")
    assert BlobStore().root.path == f"{tmp_path}/configured"


def test_without_a_store_url_the_store_lives_in_airflow_home(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DYNFLOW__STORE_URL", "")
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    assert BlobStore().root.path == f"{tmp_path}/dynflow-store"
