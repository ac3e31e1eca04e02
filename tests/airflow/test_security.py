"""Attacks by people Airflow does not trust to run code, on a real stack (docs/security.md).

Each attacker here may only trigger runs, edit XComs through the REST API, or write to the blob
store's bucket. Each attack carries a payload that, were it decoded, unpickled or imported, would
write a marker file; each test proves the marker was never written, the run failed, and the failed
task names the check that refused the object, on its first and only try.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import pathlib
import pickle
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_dynflow.airflow.store.blob_store import BlobStore
from harness.polling import poll_until
from harness.stack import AirflowStack
from tests.conftest import REPO

pytestmark = pytest.mark.scheduler

TARGETS = REPO / "tests" / "airflow" / "stack_dags" / "targets.py"


class Attack:
    """The stack, the store and a scratch folder, with what every attack does."""

    def __init__(self, stack: AirflowStack, home: Path) -> None:
        self.stack = stack
        self.api = stack.api
        self.store = BlobStore(url=f"file://{home / 'store'}")
        self.scratch = home / "scratch"
        self.scratch.mkdir()
        self.count = 0

    def new_paths(self) -> tuple[Path, Path]:
        """A gate that is still closed and a marker that must never appear."""
        self.count += 1
        return self.scratch / f"gate-{self.count}", self.scratch / f"marker-{self.count}"

    def evil_pickle(self, marker: Path) -> bytes:
        """Bytes whose unpickling writes ``marker``: what an attacker wants a worker to load."""
        return pickle.dumps(_WritesMarker(str(marker)))

    def start(self, dag_id: str, conf: dict[str, Any]) -> str:
        self.api.wait_for_dag(dag_id)
        return self.api.trigger(dag_id, conf)

    def wait_for_state(
        self, dag_id: str, run_id: str, task_id: str, map_index: int = -1, state: str = "success"
    ) -> None:
        poll_until(
            lambda: (self.api.task_instance(dag_id, run_id, task_id, map_index) or {}).get("state") == state,
            timeout=120,
            describe=f"{task_id}[{map_index}] of {dag_id}/{run_id} to be {state}",
        )

    def refused(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> str:
        """Assert the run failed because ``task_id`` refused something on its only try; its log."""
        assert self.api.wait_for_run(dag_id, run_id) == "failed"
        ti = self.api.task_instance(dag_id, run_id, task_id, map_index)
        assert ti is not None and ti["state"] == "failed", ti
        assert ti["try_number"] == 1, "an integrity failure must not be retried"
        return self.api.task_log(dag_id, run_id, task_id, try_number=1, map_index=map_index)


class _WritesMarker:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (pathlib.Path.write_text, (pathlib.Path(self.marker), "pwned"))


@pytest.fixture(scope="module")
def attack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Attack]:
    home = tmp_path_factory.mktemp("attacked")
    dags = home / "dags"
    dags.mkdir()
    shutil.copy(TARGETS, dags / "targets.py")
    env = {"AIRFLOW__DYNFLOW__STORE_URL": f"file://{home / 'store'}"}
    with AirflowStack(dags_folder=dags, home=home, extra_env=env) as stack:
        yield Attack(stack, home)


def data_url(raw: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(raw).decode()


# ---------------------------------------------------------------- the runner DAG's conf


def _runner_confs(attack: Attack, marker: Path) -> dict[str, dict[str, Any]]:
    evil_module = attack.scratch / f"evil_{marker.name.replace('-', '_')}.py"
    evil_module.write_text(f"import pathlib\npathlib.Path({str(marker)!r}).write_text('pwned')\n")
    pickled = {"blob": data_url(attack.evil_pickle(marker)), "codec": "pickle"}
    return {
        "a dynamic loaded from a file path": {
            "dynamic": {"ref": f"{evil_module.stem}:anything", "file": str(evil_module), "version": "0"},
            "inputs": {},
            "parent": {},
        },
        "a pickle in a data: URL": {
            "dynamic": {"ref": "targets:spec_target", "version": "0"},
            "inputs": {"gate": pickled, "path": pickled},
            "parent": {},
        },
        "a file outside the store": {
            "dynamic": {"ref": "targets:spec_target", "version": "0"},
            "inputs": {"gate": {"blob": "file:///etc/hostname", "codec": "json"}},
            "parent": {},
            "sig": "hmac-sha256:" + "0" * 64,
        },
    }


@pytest.mark.parametrize(
    "kind", ["a dynamic loaded from a file path", "a pickle in a data: URL", "a file outside the store"]
)
def test_a_hand_made_runner_conf_is_refused_before_anything_in_it_is_read(attack, kind):
    _, marker = attack.new_paths()
    conf = _runner_confs(attack, marker)[kind]
    run_id = attack.start("forge_spec__dynflow", conf)
    log = attack.refused("forge_spec__dynflow", run_id, "compile")
    assert "integrity check failed (child-run request" in log
    assert not marker.exists()


# ---------------------------------------------------------------- child runs: their ids and who made them


def _trigger_as(attack: Attack, dag_id: str, run_id: str, conf: dict[str, Any]) -> str:
    attack.api.wait_for_dag(dag_id)
    attack.api.patch(f"/api/v2/dags/{dag_id}", {"is_paused": False})
    body = {"dag_run_id": run_id, "logical_date": None, "conf": conf}
    attack.api.post(f"/api/v2/dags/{dag_id}/dagRuns", body)
    return run_id


def _child_of(attack: Attack, dag_id: str, run_id: str) -> str:
    (child,) = [
        r["dag_run_id"]
        for r in attack.api.runs(f"{dag_id}__dynflow")
        if r["conf"].get("parent", {}).get("run_id") == run_id
    ]
    return str(child)


def test_places_whose_names_join_alike_get_their_own_child_runs_and_results(attack):
    # Joined with "__", run "<date>" with node "n0 inner__manual" and run "manual__<date>" with
    # node "n0 inner" named one child run: the second run took the first one's result.
    first = _trigger_as(attack, "collide", "2026-12-03T08:00:00+00:00", {"which": "inner__manual", "x": 666})
    assert attack.api.wait_for_run("collide", first) == "success"
    second = _trigger_as(attack, "collide", "manual__2026-12-03T08:00:00+00:00", {"which": "inner", "x": 1})
    assert attack.api.wait_for_run("collide", second) == "success"
    assert attack.api.xcom("collide", first, "outputs") == 666
    assert attack.api.xcom("collide", second, "outputs") == 1
    assert _child_of(attack, "collide", first) != _child_of(attack, "collide", second)


def test_a_run_squatting_a_child_run_id_is_neither_reset_nor_read(attack):
    _, marker = attack.new_paths()
    parent = attack.start("collide", {"which": "inner", "x": 5})
    assert attack.api.wait_for_run("collide", parent) == "success"
    child = _child_of(attack, "collide", parent)
    # Someone who saw the id deletes the child and makes a run of their own under it.
    attack.api.delete(f"/api/v2/dags/collide__dynflow/dagRuns/{child}")
    forged = _runner_confs(attack, marker)["a dynamic loaded from a file path"]
    _trigger_as(attack, "collide__dynflow", child, forged)
    attack.api.clear_instance("collide", parent, "choose.nodes", 0)
    assert attack.api.wait_for_run("collide", parent) == "failed"
    node = attack.api.task_instance("collide", parent, "choose.nodes", 0)
    assert node is not None and node["state"] == "failed" and node["try_number"] == 2, "one try, no retry"
    log = attack.api.task_log("collide", parent, "choose.nodes", try_number=2, map_index=0)
    assert f"a run {child} of collide__dynflow exists under this node's child-run id" in log
    squatter = attack.api.task_instance("collide__dynflow", child, "compile")
    assert squatter is not None and squatter["try_number"] == 1, "never reset by the parent"
    assert not marker.exists()


# ---------------------------------------------------------------- XComs edited through the REST API


def _forged_spec_text(attack: Attack, ref: dict[str, Any], legit: Path, marker: Path) -> str:
    """The compiled spec with the constant path changed to the marker, its sha256 digest recomputed."""
    text = attack.store.read_bytes(ref["key"]).decode()
    body = text[: text.rindex(',"digest":')] + "}"
    body = body.replace(json.dumps(str(legit)), json.dumps(str(marker)))
    return body[:-1] + ',"digest":' + json.dumps("sha256:" + hashlib.sha256(body.encode()).hexdigest()) + "}"


@pytest.mark.parametrize("where", ["data: URL", "inside the store"])
def test_a_forged_futures_spec_pushed_through_the_xcom_api_is_refused(attack, where):
    gate, marker = attack.new_paths()
    legit = attack.scratch / f"legit-{attack.count}"
    run_id = attack.start("forge_spec", {"gate": str(gate), "path": str(legit)})
    # The node that uses the constant waits, deferred, for the gate; it reads the spec again on resuming.
    attack.wait_for_state("forge_spec", run_id, "spec_target.nodes", map_index=1, state="deferred")
    ref = attack.api.xcom_json("forge_spec", run_id, "spec_target.compile", key="spec")
    forged = _forged_spec_text(attack, ref, legit, marker)
    if where == "data: URL":
        uri = data_url(forged.encode())
    else:
        uri = attack.store.write_bytes(
            attack.store.root / "forged" / f"spec-{attack.count}.json", forged.encode()
        )
    digest = forged[forged.rindex(',"digest":"') + 11 : -2]
    attack.api.set_xcom(
        "forge_spec", run_id, "spec_target.compile", {**ref, "key": uri, "digest": digest}, key="spec"
    )
    gate.write_text("open")
    # Generated instances never read the reference (their slices carry the expansion); the result
    # task, which reads the whole spec through it, refuses it.
    log = attack.refused("forge_spec", run_id, "spec_target.result")
    assert "integrity check failed (signature) for the futures-spec reference" in log
    assert legit.exists()
    assert not marker.exists()


def _forged_slices(raw: bytes, legit: Path, marker: Path) -> bytes:
    """The slices object with the constant path changed to the marker in every slice, each slice's
    digest recomputed as a plain sha256 and the offsets redone: all an attacker without the key can do."""
    width = 16
    count = int(raw[:width]) // width - 1
    offsets = [int(raw[i * width : (i + 1) * width]) for i in range(count + 1)]
    texts = []
    for start, end in itertools.pairwise(offsets):
        text = raw[start:end].decode()
        body = text[: text.rindex(',"digest":')] + "}"
        body = body.replace(json.dumps(str(legit)), json.dumps(str(marker)))
        digest = "sha256:" + hashlib.sha256(body.encode()).hexdigest()
        texts.append((body[:-1] + ',"digest":' + json.dumps(digest) + "}").encode())
    header, at = [], (count + 1) * width
    for text in texts:
        header.append(at)
        at += len(text)
    header.append(at)
    return b"".join(b"%0*d" % (width, o) for o in header) + b"".join(texts)


def test_forged_spec_slices_in_the_store_are_refused_before_they_are_parsed(attack):
    gate, marker = attack.new_paths()
    legit = attack.scratch / f"legit-{attack.count}"
    run_id = attack.start("forge_spec", {"gate": str(gate), "path": str(legit)})
    # The node that uses the constant waits, deferred, for the gate; it reads its slice again on resuming.
    attack.wait_for_state("forge_spec", run_id, "spec_target.nodes", map_index=1, state="deferred")
    ref = attack.api.xcom_json("forge_spec", run_id, "spec_target.compile", key="spec")
    key = ref["key"].rsplit("/", 1)[0] + "/slices"
    raw = attack.store.read_bytes(key)
    forged = _forged_slices(raw, legit, marker)
    assert forged != raw and json.dumps(str(marker)).encode() in forged
    attack.store.write_bytes(attack.store.path_of(key), forged)
    gate.write_text("open")
    log = attack.refused("forge_spec", run_id, "spec_target.nodes", map_index=1)
    assert "the futures spec of spec_target.compile cannot be used: the spec was modified" in log
    assert not legit.exists()
    assert not marker.exists()


def test_a_node_output_rewritten_as_a_pickle_is_refused_by_its_consumer(attack):
    gate, marker = attack.new_paths()
    run_id = attack.start("forge_output", {"gate": str(gate)})
    attack.wait_for_state("forge_output", run_id, "output_target.nodes", map_index=0)
    forged = {"n0": {"o0": {"blob": data_url(attack.evil_pickle(marker)), "codec": "pickle"}}}
    attack.api.set_xcom("forge_output", run_id, "output_target.nodes", forged, map_index=0)
    gate.write_text("open")
    log = attack.refused("forge_output", run_id, "output_target.nodes", map_index=2)
    assert "integrity check failed (envelope shape)" in log
    assert not marker.exists()


def test_a_node_output_with_a_changed_value_is_refused_by_its_signature(attack):
    gate, _ = attack.new_paths()
    run_id = attack.start("forge_output", {"gate": str(gate), "x": 1})
    attack.wait_for_state("forge_output", run_id, "output_target.nodes", map_index=0)
    pushed = attack.api.xcom_json("forge_output", run_id, "output_target.nodes", map_index=0)
    pushed["nodes"]["n0"]["o0"]["v"] = 999
    attack.api.set_xcom("forge_output", run_id, "output_target.nodes", pushed, map_index=0)
    gate.write_text("open")
    log = attack.refused("forge_output", run_id, "output_target.nodes", map_index=2)
    instance = f"forge_output/{run_id}/output_target.nodes/0"
    assert (
        f"integrity check failed (signature) for the outputs of the generated-node instance {instance}" in log
    )


def test_a_pickled_node_output_swapped_inside_its_instance_value_is_refused_before_it_is_unpickled(attack):
    gate, marker = attack.new_paths()
    run_id = attack.start("forge_blob", {"gate": str(gate)})
    attack.wait_for_state("forge_blob", run_id, "blob_target.nodes", map_index=0)
    pushed = attack.api.xcom_json("forge_blob", run_id, "blob_target.nodes", map_index=0)
    evil = attack.evil_pickle(marker)
    key = attack.store.write_bytes(attack.store.root / "forged" / f"box-{attack.count}.pkl", evil)
    pushed["nodes"]["n0"]["o0"].update(blob=key, sha256=hashlib.sha256(evil).hexdigest())
    attack.api.set_xcom("forge_blob", run_id, "blob_target.nodes", pushed, map_index=0)
    gate.write_text("open")
    log = attack.refused("forge_blob", run_id, "blob_target.nodes", map_index=2)
    instance = f"forge_blob/{run_id}/blob_target.nodes/0"
    assert (
        f"integrity check failed (signature) for the outputs of the generated-node instance {instance}" in log
    )
    assert not marker.exists()


def test_an_instance_value_moved_to_another_map_index_is_refused(attack):
    gate, _ = attack.new_paths()
    run_id = attack.start("forge_move", {"gate": str(gate)})
    attack.wait_for_state("forge_move", run_id, "move_target.nodes", map_index=0)
    attack.wait_for_state("forge_move", run_id, "move_target.nodes", map_index=1)
    pushed = attack.api.xcom_json("forge_move", run_id, "move_target.nodes", map_index=0)
    pushed["nodes"] = {"n1": pushed["nodes"]["n0"]}  # instance 0's signature, now said to be n1's
    attack.api.set_xcom("forge_move", run_id, "move_target.nodes", pushed, map_index=1)
    gate.write_text("open")
    log = attack.refused("forge_move", run_id, "move_target.nodes", map_index=3)
    instance = f"forge_move/{run_id}/move_target.nodes/1"
    assert (
        f"integrity check failed (signature) for the outputs of the generated-node instance {instance}" in log
    )


def test_an_instance_value_copied_whole_to_another_map_index_is_refused(attack):
    gate, _ = attack.new_paths()
    run_id = attack.start("forge_move", {"gate": str(gate)})
    attack.wait_for_state("forge_move", run_id, "move_target.nodes", map_index=0)
    attack.wait_for_state("forge_move", run_id, "move_target.nodes", map_index=1)
    pushed = attack.api.xcom_json("forge_move", run_id, "move_target.nodes", map_index=0)
    attack.api.set_xcom("forge_move", run_id, "move_target.nodes", pushed, map_index=1)
    gate.write_text("open")
    log = attack.refused("forge_move", run_id, "move_target.nodes", map_index=3)
    instance = f"forge_move/{run_id}/move_target.nodes/1"
    assert (
        f"integrity check failed (signature) for the outputs of the generated-node instance {instance}" in log
    )


def test_an_instance_value_without_its_signature_is_refused(attack):
    gate, _ = attack.new_paths()
    run_id = attack.start("forge_output", {"gate": str(gate)})
    attack.wait_for_state("forge_output", run_id, "output_target.nodes", map_index=0)
    pushed = attack.api.xcom_json("forge_output", run_id, "output_target.nodes", map_index=0)
    del pushed["sig"]
    attack.api.set_xcom("forge_output", run_id, "output_target.nodes", pushed, map_index=0)
    gate.write_text("open")
    log = attack.refused("forge_output", run_id, "output_target.nodes", map_index=2)
    instance = f"forge_output/{run_id}/output_target.nodes/0"
    assert (
        f"integrity check failed (envelope shape) for the outputs of the generated-node instance {instance}"
        in log
    )


def test_two_nodes_envelopes_swapped_inside_one_instance_value_are_refused(attack):
    gate, _ = attack.new_paths()
    run_id = attack.start("forge_swap", {"gate": str(gate)})
    attack.wait_for_state("forge_swap", run_id, "swap_target.nodes", map_index=0)
    pushed = attack.api.xcom_json("forge_swap", run_id, "swap_target.nodes", map_index=0)
    nodes = pushed["nodes"]
    assert nodes["n0"] != nodes["n1"]
    nodes["n0"], nodes["n1"] = nodes["n1"], nodes["n0"]
    attack.api.set_xcom("forge_swap", run_id, "swap_target.nodes", pushed, map_index=0)
    gate.write_text("open")
    log = attack.refused("forge_swap", run_id, "swap_target.nodes", map_index=1)
    instance = f"forge_swap/{run_id}/swap_target.nodes/0"
    assert (
        f"integrity check failed (signature) for the outputs of the generated-node instance {instance}" in log
    )


# ---------------------------------------------------------------- objects written into the bucket


def test_a_pickled_output_overwritten_in_the_store_is_refused_by_its_digest(attack):
    gate, marker = attack.new_paths()
    run_id = attack.start("forge_blob", {"gate": str(gate)})
    attack.wait_for_state("forge_blob", run_id, "blob_target.nodes", map_index=0)
    pushed = attack.api.xcom_json("forge_blob", run_id, "blob_target.nodes", map_index=0)
    key = pushed["nodes"]["n0"]["o0"]["blob"]
    attack.store.path_of(key).write_bytes(attack.evil_pickle(marker))
    gate.write_text("open")
    log = attack.refused("forge_blob", run_id, "blob_target.nodes", map_index=2)
    assert "integrity check failed (content digest)" in log
    assert not marker.exists()


def _climbing_tar(marker: Path) -> bytes:
    """A folder's tar whose one member climbs out of wherever it is extracted, to ``marker``."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("../" * 16 + str(marker).lstrip("/"))
        info.size = 5
        tar.addfile(info, io.BytesIO(b"pwned"))
    return buffer.getvalue()


@pytest.mark.parametrize("how", ["blob overwritten in the store", "key and digest changed in the XCom"])
def test_a_forged_folder_is_refused_before_anything_is_extracted(attack, how):
    gate, marker = attack.new_paths()
    run_id = attack.start("forge_folder", {"gate": str(gate)})
    attack.wait_for_state("forge_folder", run_id, "folder_target.nodes", map_index=0)
    pushed = attack.api.xcom_json("forge_folder", run_id, "folder_target.nodes", map_index=0)
    ref = pushed["nodes"]["n0"]["o0"]["v"]
    assert set(ref) == {"blob", "sha256"} and ref["blob"].startswith("runs/forge_folder/")
    evil = _climbing_tar(marker)
    if how == "blob overwritten in the store":
        attack.store.path_of(ref["blob"]).write_bytes(evil)
        check = "content digest"
    else:
        key = attack.store.write_bytes(attack.store.root / "forged" / f"folder-{attack.count}", evil)
        pushed["nodes"]["n0"]["o0"]["v"] = {"blob": key, "sha256": hashlib.sha256(evil).hexdigest()}
        attack.api.set_xcom("forge_folder", run_id, "folder_target.nodes", pushed, map_index=0)
        check = "signature"
    gate.write_text("open")
    log = attack.refused("forge_folder", run_id, "folder_target.nodes", map_index=2)
    assert f"integrity check failed ({check})" in log
    assert not marker.exists()


def test_a_planted_stored_output_neither_skips_the_node_nor_its_wait(attack):
    gate, _ = attack.new_paths()
    run_id = attack.start("forge_output", {"gate": str(gate)})
    attack.wait_for_state("forge_output", run_id, "output_target.compile")
    ref = attack.api.xcom_json("forge_output", run_id, "output_target.compile", key="spec")
    planted = attack.store.run_path(
        "forge_output", run_id, "output_target.nodes", "2", f"{ref['digest'][-16:]}.json"
    )
    planted_value = {"sig": "hmac-sha256:" + "0" * 64, "nodes": {"n2": {"o0": {"v": 999}}}}
    body = json.dumps({"try": 1, "pushed": planted_value})
    attack.store.write_bytes(planted, f"hmac-sha256:{'0' * 64}\n{body}".encode())
    attack.wait_for_state("forge_output", run_id, "output_target.nodes", map_index=0)
    waiting = attack.api.task_instance("forge_output", run_id, "output_target.nodes", 2)
    assert waiting is not None and waiting["state"] != "success"
    gate.write_text("open")
    log = attack.refused("forge_output", run_id, "output_target.nodes", map_index=2)
    assert "integrity check failed (signature) for the stored outputs" in log


def test_a_cache_entry_edited_in_the_store_is_refused_before_it_is_unpickled(attack):
    _, marker = attack.new_paths()
    first = attack.start("cache_target", {"x": 5})
    assert attack.api.wait_for_run("cache_target", first) == "success"
    (entry,) = (attack.store.root / "cache").rglob("*.json")
    forged = json.dumps({"o0": base64.b64encode(attack.evil_pickle(marker)).decode()})
    entry.write_bytes(f"hmac-sha256:{'0' * 64}\n{forged}".encode())
    second = attack.start("cache_target", {"x": 5})
    log = attack.refused("cache_target", second, "cached_box")
    assert "integrity check failed (signature) for the cache entry" in log
    assert not marker.exists()
