"""Child run ids read by node, obey Airflow's run-id rules, and are bound to the request they serve.

The id used to be the parent's names joined with ``__``, which run ids and node names contain too:
two different places could get one id, and anyone could tell the id before the parent made the run.
"""

from __future__ import annotations

import re

from airflow_dynflow.airflow.operators.child_run import child_run_id, display_ref
from airflow_dynflow.airflow.runtime.child_request import request_identity
from airflow_dynflow.core.signing import Signer

# [scheduler] allowed_run_id_pattern's default in Airflow 3.3.2
ALLOWED = re.compile(r"^[A-Za-z0-9_.~:+-]+$")
SIGNER = Signer([b"k" * 32])
DYNAMIC = {"ref": "flows:inner", "version": "v1"}


def place(run_id: str = "manual__2026-12-03T08:00:00+00:00", node: str = "n0", **changes) -> dict:
    where = {"dag_id": "wf", "run_id": run_id, "task_id": "outer.nodes", "map_index": 0, "node": node}
    return where | changes


def identity(parent: dict | None = None, inputs: str = "digest-1", key: Signer = SIGNER) -> str:
    return request_identity(key, "wf__dynflow", parent or place(), DYNAMIC, inputs)


def test_the_child_run_id_is_the_parent_nodes_label_and_32_hex_digits():
    run_id = child_run_id("n0 middle", identity())
    assert re.fullmatch("n0_middle__[0-9a-f]{32}", run_id) and ALLOWED.match(run_id)


def test_odd_labels_become_allowed_characters_without_double_dots():
    run_id = child_run_id("n3 a/b..c (x)", identity())
    assert ALLOWED.match(run_id) and ".." not in run_id and run_id.startswith("n3_a_b._c_x")


def test_ids_stay_short_whatever_the_parent_run_id():
    assert len(child_run_id("n1 " + "c" * 300, identity(place(run_id="p" * 240)))) <= 100


def test_places_whose_names_join_alike_get_different_ids():
    # run "2026-...", node "inner__manual" and run "manual__2026-...", node "inner" joined the same
    first = identity(place(run_id="2026-12-03T08:00:00+00:00", node="n0", task_id="inner__manual.nodes"))
    second = identity(place(run_id="manual__2026-12-03T08:00:00+00:00", node="n0", task_id="inner.nodes"))
    assert first != second


def test_other_inputs_or_another_dynamic_version_get_another_id():
    assert identity(inputs="digest-2") != identity()
    newer = DYNAMIC | {"version": "v2"}
    assert request_identity(SIGNER, "wf__dynflow", place(), newer, "digest-1") != identity()


def test_the_same_request_gets_the_same_id_on_every_try():
    assert child_run_id("n0 inner", identity()) == child_run_id("n0 inner", identity())


def test_the_id_cannot_be_told_without_the_deployments_key():
    assert identity(key=Signer([b"other" * 8])) != identity()


def test_a_dagbag_module_name_shows_as_the_users_module():
    assert display_ref("unusual_prefix_0123abcd_nested:middle") == "nested:middle"
    assert display_ref("pkg.flows:middle") == "pkg.flows:middle"
