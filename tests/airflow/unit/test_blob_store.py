"""The blob store on a real ``ObjectStoragePath`` in a temporary folder."""

from __future__ import annotations

import pytest

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


def test_written_bytes_read_back_from_the_returned_uri(store):
    uri = store.write_bytes(store.run_path("wf", "r", "o0.json"), b'{"a": 1}')
    assert uri.startswith("file://")
    assert store.read_bytes(uri) == b'{"a": 1}'


def test_text_reads_back_as_utf8(store):
    uri = store.write_bytes(store.run_path("wf", "r", "o0.json"), "Zürich ✓".encode())
    assert store.read_text(uri) == "Zürich ✓"


def test_writing_creates_missing_folders(store, tmp_path):
    store.write_bytes(store.run_path("wf", "r", "deep", "er", "x.json"), b"1")
    assert (tmp_path / "runs" / "wf" / "r" / "deep" / "er" / "x.json").read_bytes() == b"1"


def test_a_write_leaves_only_the_whole_object_behind(store, tmp_path):
    path = store.run_path("wf", "r", "x.json")
    store.write_bytes(path, b"first")
    store.write_bytes(path, b"second")
    assert [p.name for p in (tmp_path / "runs" / "wf" / "r").iterdir()] == ["x.json"]
    assert store.read_bytes(str(path)) == b"second"


def test_the_root_defaults_to_dynflow_store_url(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DYNFLOW__STORE_URL", f"file://{tmp_path}/configured")
    assert BlobStore().root.path == f"{tmp_path}/configured"


def test_without_a_store_url_the_store_lives_in_airflow_home(tmp_path, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DYNFLOW__STORE_URL", "")
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path))
    assert BlobStore().root.path == f"{tmp_path}/dynflow-store"
