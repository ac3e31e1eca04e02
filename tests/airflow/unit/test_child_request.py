"""A child run's conf is a request only if a parent node signed it for that runner DAG and run id."""

from __future__ import annotations

import copy
import json

import pytest

from airflow_dynflow.airflow.errors import IntegrityError
from airflow_dynflow.airflow.runtime.child_request import (
    request_location,
    result_location,
    signed_request,
    verified_request,
)
from airflow_dynflow.core.signing import Signer

SIGNER = Signer([b"test-key"])
RUNNER = "dynflow_runner"
RUN_ID = "child__wf__manual_1__kinds.nodes__2__n2"
DYNAMIC = {"ref": "tests.entities:chain", "version": "v1"}
INPUTS = {"n": {"v": 3, "sig": "hmac-sha256:00"}}
PARENT = {"dag_id": "wf", "run_id": "manual_1", "task_id": "kinds.nodes", "map_index": 2, "node": "n2"}


def request(**changes) -> dict:
    parts = {"dynamic": DYNAMIC, "inputs": INPUTS, "parent": PARENT, **changes}
    return signed_request(SIGNER, RUNNER, RUN_ID, **copy.deepcopy(parts))


def refused(check: str):
    return pytest.raises(
        IntegrityError, match=rf"^integrity check failed \(child-run request {check}\) for the conf of run "
    )


def test_a_signed_request_verifies_for_its_runner_dag_and_run_id():
    conf = request()
    assert verified_request(SIGNER, conf, RUNNER, RUN_ID) == conf
    assert (conf["dynamic"], conf["inputs"], conf["parent"]) == (DYNAMIC, INPUTS, PARENT)


def test_a_request_verifies_whatever_order_its_keys_come_back_in():
    conf = json.loads(json.dumps(request(), sort_keys=True))
    reordered = {k: conf[k] for k in reversed(conf)}
    reordered["parent"] = {k: conf["parent"][k] for k in reversed(conf["parent"])}
    assert verified_request(SIGNER, reordered, RUNNER, RUN_ID) == conf


def test_a_request_replayed_into_another_run_id_is_refused():
    with refused("signature"):
        verified_request(SIGNER, request(), RUNNER, RUN_ID + "_again")


def test_a_request_replayed_into_another_runner_dag_is_refused():
    with refused("signature"):
        verified_request(SIGNER, request(), "another_runner", RUN_ID)


def test_a_request_signed_under_another_key_is_refused():
    conf = signed_request(
        Signer([b"another-key"]), RUNNER, RUN_ID, dynamic=DYNAMIC, inputs=INPUTS, parent=PARENT
    )
    with refused("signature"):
        verified_request(SIGNER, conf, RUNNER, RUN_ID)


@pytest.mark.parametrize(
    "edit",
    [
        lambda conf: conf["inputs"]["n"].update(v=4),
        lambda conf: conf["inputs"].update(m={"v": 1, "sig": "hmac-sha256:00"}),
        lambda conf: conf["dynamic"].update(ref="os:system"),
        lambda conf: conf["dynamic"].update(version="v2"),
        lambda conf: conf["parent"].update(node="n3"),
    ],
    ids=["input-value", "input-added", "dynamic-ref", "dynamic-version", "parent"],
)
def test_an_edited_request_is_refused(edit):
    conf = request()
    edit(conf)
    with refused("signature"):
        verified_request(SIGNER, conf, RUNNER, RUN_ID)


def test_a_request_with_an_added_file_key_is_refused():
    conf = {**request(), "file": "/tmp/evil.py"}
    with refused("shape"):
        verified_request(SIGNER, conf, RUNNER, RUN_ID)


def test_a_request_without_its_signature_is_refused():
    conf = request()
    del conf["sig"]
    with refused("shape"):
        verified_request(SIGNER, conf, RUNNER, RUN_ID)


@pytest.mark.parametrize(
    "conf",
    [
        {"dynamic": {"ref": "tests.entities:chain", "file": "/tmp/evil.py"}, "inputs": {"n": 3}},
        {"dynamic": DYNAMIC, "inputs": INPUTS, "parent": PARENT},
        {},
        None,
        [],
        "tests.entities:chain",
    ],
    ids=["manual-dynamic", "unsigned", "empty", "none", "list", "str"],
)
def test_a_conf_written_by_hand_is_refused(conf):
    with refused("shape"):
        verified_request(SIGNER, conf, RUNNER, RUN_ID)


@pytest.mark.parametrize(
    "changes",
    [
        {"dynamic": {**DYNAMIC, "file": "/tmp/evil.py"}},
        {"dynamic": {"ref": "tests.entities:chain"}},
        {"dynamic": {"ref": ["tests.entities:chain"], "version": "v1"}},
        {"inputs": [3]},
        {"parent": "wf"},
    ],
    ids=["dynamic-with-file", "dynamic-without-version", "dynamic-ref-not-str", "inputs-list", "parent-str"],
)
def test_a_signed_request_of_the_wrong_shape_is_still_refused(changes):
    with refused("shape"):
        verified_request(SIGNER, request(**changes), RUNNER, RUN_ID)


def test_a_child_run_s_inputs_and_result_are_placed_in_that_run():
    assert request_location(RUNNER, RUN_ID) == f"{RUNNER}/{RUN_ID}/request/-1"
    assert result_location(RUNNER, RUN_ID) == f"{RUNNER}/{RUN_ID}/result/-1"
