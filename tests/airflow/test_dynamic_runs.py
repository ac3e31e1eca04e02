"""``@dynamic`` under ``dag.test()``: compiled at run time, every generated node a mapped instance."""

from __future__ import annotations

import pytest

from airflow_dynflow.airflow import compat
from airflow_dynflow.airflow.signing_key import deployment_signer
from airflow_dynflow.airflow.store.blob_store import BlobStore
from tests.airflow.test_static_runs import local


def test_seed_example_gives_three(run_dag):
    run = run_dag("wf", s1="Pear", s2="Earth")
    assert run.state == "success"
    assert run.result == 3


def test_every_generated_node_is_a_labelled_task_instance(run_dag):
    run = run_dag("wf", s1="ab", s2="b")
    labels = [ti.rendered_map_index for ti in run.task_instances("count_characters.nodes")]
    assert labels == [
        "n0 return_index",
        "n1 update_list",
        "n2 return_index",
        "n3 update_list",
        "n4 return_index",
        "n5 update_list",
        "n6 derive_count",
    ]


def test_longer_strings_match_the_local_run(run_dag):
    s1, s2 = "QuickBrownFox", "LazyDogs"
    run = run_dag("wf", s1=s1, s2=s2)
    assert run.result == local("count_characters", "wf", s1=s1, s2=s2)


def test_the_spec_is_in_the_blob_store_and_only_a_reference_in_xcom(run_dag):
    run = run_dag("wf", s1="Pear", s2="Earth")
    ref = run.xcom("count_characters.compile", key="spec")
    assert set(ref) == {"key", "digest", "count", "batch", "sig"}
    assert ref["count"] == 19 and ref["batch"] == 1
    assert ref["key"].startswith(f"runs/wf/{run.run_id.replace(':', '_').replace('+', '_')}/")
    signed_by = f"hmac-sha256@{deployment_signer().fingerprint}:"
    assert ref["digest"].startswith(signed_by) and ref["sig"].startswith(signed_by)
    stored = BlobStore().read_bytes(ref["key"])
    assert stored.endswith(f'"digest":"{ref["digest"]}"}}'.encode())


def test_fan_out_and_fan_in_of_200(run_dag):
    run = run_dag("fan_out", n=200)
    assert run.result == sum(i * i for i in range(200))
    assert len(run.task_instances("sum_of_squares.nodes")) == 201


def test_diamond(run_dag):
    run = run_dag("diamond", seed=1, rounds=2)
    assert run.result == dict(local("diamond", "diamond", seed=1, rounds=2)._asdict())


def test_nested_dynamic_two_levels_deep(run_dag):
    run = run_dag("nested", n=3)
    assert run.state == "success"
    assert run.result == local("nested", "nested", n=3)


def test_nested_workflow_in_a_dynamic_runs_inside_the_expansion(run_dag):
    run = run_dag("nested", n=2)
    labels = [ti.rendered_map_index for ti in run.task_instances("outer.nodes")]
    assert labels == ["n0 middle", "n1 double"]
    assert run.result == local("nested", "nested", n=2)


def test_dynamic_that_creates_no_nodes(run_dag):
    run = run_dag("empty_dynamic", words=[])
    assert run.state == "success"
    assert run.result == []
    assert run.states("shout_all.nodes") in ([], ["skipped"])


def test_node_failing_after_its_retries_fails_the_run_and_its_dependents(run_dag, capfd):
    run = run_dag("failing", n=5, fail_at=2)
    assert run.state == "failed"
    states = run.states("steps.nodes")
    assert states == ["success", "success", "failed", "failed", "failed"]
    assert run.task_instances("steps.nodes")[2].try_number == 2
    assert "n2 step failed after 2 tries: ValueError('step refuses 2')" in capfd.readouterr().out


def test_more_nodes_than_max_map_length_share_instances(run_dag, monkeypatch):
    # Airflow reads [core] max_map_length on every use, and the environment first: our compile task
    # through airflow.sdk.conf, the execution API (which refuses a longer expansion) through
    # airflow.configuration.conf. Under dag.test() both run in this process and see this setting.
    from airflow.configuration import conf as core_conf

    from airflow_dynflow.airflow.compat import conf as sdk_conf

    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "10")
    assert core_conf.getint("core", "max_map_length") == sdk_conf.getint("core", "max_map_length") == 10
    run = run_dag("fan_out", n=24)
    assert run.result == sum(i * i for i in range(24))
    ref = run.xcom("sum_of_squares.compile", key="spec")
    assert (ref["count"], ref["batch"]) == (25, 3)
    instances = run.task_instances("sum_of_squares.nodes")
    assert len(instances) == 9
    assert instances[0].rendered_map_index == "n0-n2 (3 nodes)"
    assert instances[8].rendered_map_index == "n24-n24 (1 nodes)"


def test_a_packed_dynamic_runs_several_nodes_per_instance_under_one_signature(run_dag):
    run = run_dag("packed", n=10)
    assert run.result == 10
    instances = run.task_instances("packed_chain.nodes")
    assert [ti.rendered_map_index for ti in instances] == [
        "n0-n3 (4 nodes)",
        "n4-n7 (4 nodes)",
        "n8-n9 (2 nodes)",
    ]
    pushed = run.xcom("packed_chain.nodes", map_index=1)
    assert set(pushed) == {"sig", "nodes"}
    assert sorted(pushed["nodes"]) == ["n4", "n5", "n6", "n7"]
    assert [set(envelope["o0"]) for envelope in pushed["nodes"].values()] == [{"v"}] * 4


def test_generated_node_timeout_fails_it(run_dag, capfd):
    run = run_dag("timed_out", count=1, seconds=5.0)
    assert run.state == "failed"
    assert run.states("naps.nodes") == ["failed"]
    assert "TimeoutError('nap[n0] timed out after 1 s')" in capfd.readouterr().out


def test_generated_node_within_its_timeout_succeeds(run_dag):
    run = run_dag("timed_out", count=2, seconds=0.1)
    assert run.result == [0.1, 0.1]


def test_every_node_finds_its_idempotency_key_in_the_context(run_dag):
    run = run_dag("idempotency_keys", n=2)
    assert run.state == "success"
    assert run.result == [
        f"idempotency_keys/{run.run_id}/my_key@1",
        f"idempotency_keys/{run.run_id}/keys_of_nodes.nodes/n0@1",
        f"idempotency_keys/{run.run_id}/keys_of_nodes.nodes/n1@1",
    ]


def test_a_spec_over_max_spec_bytes_fails_the_compile_task_saying_so(run_dag, capfd, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DYNFLOW__MAX_SPEC_BYTES", "2000")
    run = run_dag("fan_out", n=50)
    assert run.state == "failed"
    assert run.states("sum_of_squares.compile") == ["failed"]
    assert "over [dynflow] max_spec_bytes = 2,000" in capfd.readouterr().out


@pytest.mark.timeout(120)
def test_a_dynamic_past_max_nodes_per_dynamic_fails_its_compile_once_naming_the_setting(
    run_dag, capfd, monkeypatch
):
    """``n=10**12`` from a run's conf: the body stops at the first node past the cap, not after."""
    monkeypatch.setenv("AIRFLOW__DYNFLOW__MAX_NODES_PER_DYNAMIC", "1000")
    run = run_dag("fan_out", n=10**12)
    assert run.state == "failed"
    [compile_ti] = run.task_instances("sum_of_squares.compile")
    assert (str(compile_ti.state), compile_ti.try_number) == ("failed", 1)
    out = capfd.readouterr().out
    assert "sum_of_squares: compiling stopped at node 1,001" in out
    assert "[dynflow] max_nodes_per_dynamic = 1000" in out


@pytest.mark.timeout(120)
def test_a_dynamic_compiling_past_max_compile_seconds_fails_naming_the_setting(run_dag, capfd, monkeypatch):
    monkeypatch.setenv("AIRFLOW__DYNFLOW__MAX_COMPILE_SECONDS", "1")
    run = run_dag("fan_out", n=10**12)
    assert run.state == "failed"
    assert run.states("sum_of_squares.compile") == ["failed"]
    out = capfd.readouterr().out
    assert "sum_of_squares: compiling stopped after 1 s" in out
    assert "[dynflow] max_compile_seconds = 1" in out


def test_generated_instances_read_their_slice_not_the_whole_spec(run_dag, monkeypatch):
    """Only the result task, which resolves the dynamic's outputs, reads the whole futures spec; each
    generated instance reads and checks its own slice."""
    from airflow_dynflow.airflow.runtime import expansion
    from airflow_dynflow.airflow.store import futures_spec

    whole, slices = [], []

    def read_whole(key, digest, compile_id):
        whole.append(key)
        return futures_spec._read(BlobStore(), futures_spec.deployment_signer(), key, digest, compile_id)

    def read_slice(store, signer, dag_id, run_id, compile_id, map_index):
        slices.append(map_index)
        return futures_spec.read_spec_slice(store, signer, dag_id, run_id, compile_id, map_index)

    monkeypatch.setattr(expansion, "read_futures_spec", read_whole)
    monkeypatch.setattr(expansion, "read_spec_slice", read_slice)
    run = run_dag("fan_out", n=30)
    assert run.result == sum(i * i for i in range(30))
    assert len(whole) == 1
    assert set(slices) == set(range(31)), "every instance, some again after a reschedule"


def test_a_spec_compiled_without_slices_still_runs_from_the_whole_spec(run_dag, monkeypatch):
    """A run compiled by a version that wrote no slices (an upgrade mid-run) reads the whole spec."""
    from airflow_dynflow.airflow.operators import compile as compile_module

    monkeypatch.setattr(compile_module, "write_spec_slices", lambda *args: None)
    run = run_dag("fan_out", n=5)
    assert run.result == sum(i * i for i in range(5))


def test_a_fan_in_reads_its_upstream_outputs_in_one_request(run_dag, monkeypatch):
    """``total`` over 40 generated nodes: one execution-API request for their outputs, not 40. The
    spy passes every call through to the real client and only notes which task's XCom was read."""
    from airflow.sdk.api.client import XComOperations

    singles, slices = [], []
    get, get_slice = XComOperations.get, XComOperations.get_sequence_slice

    def spy_get(self, dag_id, run_id, task_id, key, map_index=None, *args, **kwargs):
        if key == "return_value":
            singles.append((task_id, map_index))
        return get(self, dag_id, run_id, task_id, key, map_index, *args, **kwargs)

    def spy_slice(self, dag_id, run_id, task_id, key, *args, **kwargs):
        slices.append(task_id)
        return get_slice(self, dag_id, run_id, task_id, key, *args, **kwargs)

    monkeypatch.setattr(XComOperations, "get", spy_get)
    monkeypatch.setattr(XComOperations, "get_sequence_slice", spy_slice)
    run = run_dag("fan_out", n=40)
    assert run.result == sum(i * i for i in range(40))
    assert [s for s in slices if s == "sum_of_squares.nodes"] == ["sum_of_squares.nodes"]
    # The only single read of a node's output left: the result task reading the total's.
    assert [s for s in singles if s[0] == "sum_of_squares.nodes"] == [("sum_of_squares.nodes", 40)]


def test_generated_instances_never_ask_for_the_spec_reference(run_dag, monkeypatch):
    """An instance finds its slice at a fixed key, and the slice carries the expansion: the
    ``spec`` XCom is pulled only by the result task, which reads the whole spec. The spy passes
    every call through to the real client."""
    from airflow.sdk.api.client import XComOperations

    pulls = []

    def spying(read):
        def spy(self, dag_id, run_id, task_id, key, *args, **kwargs):
            if key == "spec":
                pulls.append(task_id)
            return read(self, dag_id, run_id, task_id, key, *args, **kwargs)

        return spy

    for name in ("get", "get_sequence_slice"):
        monkeypatch.setattr(XComOperations, name, spying(getattr(XComOperations, name)))
    run = run_dag("fan_out", n=20)
    assert run.result == sum(i * i for i in range(20))
    assert pulls == ["sum_of_squares.compile"]


def test_an_instance_that_succeeds_records_its_label_with_its_success(run_dag, monkeypatch):
    """No request of its own for the label (``runtime.map_labels``): each instance's success carries it,
    and only a try that ends otherwise (under ``dag.test()``, one rescheduled to wait) sends it on
    its way out. The spies pass every call through to the real client."""
    from airflow.sdk.api.client import TaskInstanceOperations

    sent, rescheduled, succeeded = [], [], []

    def spying(name, seen):
        call = getattr(TaskInstanceOperations, name)

        def spy(self, id, *args, **kwargs):
            seen.append(id)
            return call(self, id, *args, **kwargs)

        monkeypatch.setattr(TaskInstanceOperations, name, spy)

    # Airflow 3.1 has no request for a label alone: there it always travels with the state change.
    if compat.AIRFLOW_V_3_2_PLUS:
        spying("set_rendered_map_index", sent)
    spying("reschedule", rescheduled)
    spying("succeed", succeeded)
    run = run_dag("wf", s1="ab", s2="b")
    assert run.result == 1
    labels = [ti.rendered_map_index for ti in run.task_instances("count_characters.nodes")]
    assert labels[:2] == ["n0 return_index", "n1 update_list"] and len(labels) == 7
    assert len(succeeded) >= 7
    assert len(sent) == (len(rescheduled) if compat.AIRFLOW_V_3_2_PLUS else 0)


def test_instances_without_a_nested_dynamic_store_no_child_run_link(run_dag):
    """The task SDK stores each declared extra link in XCom; a link only a nested dynamic can have
    is not stored, empty, for every other instance (a request and a row each)."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    run = run_dag("fan_out", n=5)
    assert run.result == sum(i * i for i in range(5))
    with create_session() as session:
        keys = {
            row.key
            for row in session.scalars(
                XComModel.get_many(
                    run_id=run.run_id, key=None, task_ids="sum_of_squares.nodes", dag_ids="fan_out"
                )
            )
        }
    assert keys == {"return_value"}


def test_a_body_that_raises_fails_its_compile_once_without_spending_spare_tries(run_dag, capfd):
    run = run_dag("refused_body", n=-1)
    assert run.state == "failed"
    [compile_ti] = run.task_instances("refusing.compile")
    assert (str(compile_ti.state), compile_ti.try_number) == ("failed", 1)
    out = capfd.readouterr().out
    assert "the body of refusing failed after 1 tries" in out
    assert "n must not be negative, got -1" in out


def test_a_body_that_raises_is_tried_again_as_often_as_the_dynamic_asked(run_dag):
    run = run_dag("retried_body", token="b1")
    assert run.state == "success"
    assert run.result == 2
    assert run.task_instances("flaky_body.compile")[0].try_number == 2


def test_compile_nodes_and_result_carry_spare_tries_that_back_off(dagbag):
    dag = dagbag.get_dag("retried_body")
    compile_op, result = dag.get_task("flaky_body.compile"), dag.get_task("flaky_body.result")
    assert (compile_op.own_retries, compile_op.retries) == (1, 4)
    assert result.retries == 3
    assert compile_op.retry_exponential_backoff and result.retry_exponential_backoff
    assert result.max_retry_delay.total_seconds() == 60
