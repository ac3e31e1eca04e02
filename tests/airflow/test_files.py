"""Files, folders and HashMethod under ``dag.test()``: every task instance reads local copies that came
through the blob store, the XComs hold only store keys, and a HashMethod hash keys the cache."""

from __future__ import annotations

import json
import os

from tests.conftest import DAGS_FOLDER


def file_refs(value: object) -> list[dict]:
    """Every ``{"blob": ..., "sha256": ...}`` inside an XCom value."""
    if isinstance(value, dict):
        if set(value) == {"blob", "sha256"}:
            return [value]
        return [ref for v in value.values() for ref in file_refs(v)]
    if isinstance(value, list):
        return [ref for v in value for ref in file_refs(v)]
    return []


def test_a_file_and_a_folder_reach_the_next_task_as_local_copies(run_dag):
    run = run_dag("files_between_tasks", text="hi")
    assert run.state == "success"
    assert run.result == {"o0": "hi|HI|ih", "o1": "hi"}


def test_the_xcom_names_files_by_store_key_only(run_dag):
    run = run_dag("files_between_tasks", text="keys")
    envelope = run.xcom("write_both")
    refs = file_refs(envelope)
    assert len(refs) == 2
    for ref in refs:
        assert ref["blob"].startswith("runs/files_between_tasks/")
        assert "/write_both/-1/files/" in ref["blob"]
    # The file's and the folder's envelopes (o2 is the producer's working directory, a plain str).
    text = json.dumps([envelope["o0"], envelope["o1"]])
    assert "file://" not in text and '"/' not in text


def test_files_flow_between_the_generated_nodes_of_a_dynamic(run_dag):
    run = run_dag("files_in_a_dynamic", text="dyn")
    assert run.state == "success"
    assert run.result == {"o0": "dyn|DYN|nyd", "o1": "given"}


def test_a_file_input_is_its_default_and_a_conf_cannot_name_one(run_dag, tmp_path, capfd):
    run = run_dag("file_input")
    assert run.state == "success"
    assert run.result == os.path.getsize(DAGS_FOLDER / "files.py")
    secret = tmp_path / "secret"
    secret.write_text("worker-only")
    forged = run_dag("file_input", f={"path": str(secret)})
    assert forged.state == "failed"
    assert forged.states("size_of") == ["failed"]
    assert "cannot come from a DAG run's conf" in capfd.readouterr().out


def test_a_cached_task_hits_when_the_hash_matches_though_the_value_differs(run_dag):
    first = run_dag("hashed_cache", n=1)
    assert first.state == "success" and first.result == 1
    assert first.xcom("produce")["o0"]["hash"] == "same"
    second = run_dag("hashed_cache", n=2)
    assert second.state == "success"
    # ``produce`` gave [2] this time, but its hash is the same: ``consume`` returned its cached 1.
    assert second.result == 1


def test_a_list_of_files_is_mapped_one_file_per_instance(run_dag):
    run = run_dag("files_through_a_map", texts=["a", "bb", "ccc"])
    assert run.state == "success"
    assert run.result == ["a", "bb", "ccc"]


def test_a_workflow_whose_result_is_a_file_pushes_its_key(run_dag):
    run = run_dag("file_as_result", text="out")
    assert run.state == "success"
    (ref,) = file_refs(run.result)
    assert ref == run.result and ref["blob"].startswith("runs/file_as_result/")


def test_the_hash_keys_the_cache_between_generated_nodes_too(run_dag):
    assert run_dag("hashed_cache_in_dynamic", n=1).result == 1
    assert run_dag("hashed_cache_in_dynamic", n=5).result == 1
