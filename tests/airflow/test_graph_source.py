"""The "Dynamic graph" data of runs whose spec references fail their checks, read in-process
(``graph_source.read_run_graph`` over the metadata DB of a ``dag.test()`` run): a refused dynamic
is shown as refused, naming the check and the dynamic, and the rest of the run as usual."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airflow_dynflow.airflow.plugins.graph_page import render_page
from airflow_dynflow.airflow.plugins.graph_source import read_run_graph
from airflow_dynflow.airflow.signing import deployment_signer


@pytest.fixture(scope="module")
def two_dynamics(run_dag: Any) -> Any:
    """``dynamic_wf``: two sibling dynamics, count_common and sum_of_squares."""
    run = run_dag("dynamic_wf", s1="Pear", s2="Earth", n=3)
    assert run.state == "success"
    return run


def _set_spec_reference(run: Any, compile_task: str, value: Any) -> None:
    """What someone who may edit XComs can do: the row's value replaced, stored as the execution API
    stores a push (as is; ``XComModel.set`` would encode it once more on Airflow 3.1)."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        session.execute(
            update(XComModel)
            .where(
                XComModel.dag_id == run.dag_id,
                XComModel.run_id == run.run_id,
                XComModel.task_id == compile_task,
                XComModel.map_index == -1,
                XComModel.key == "spec",
            )
            .values(value=value)
        )


def test_a_forged_spec_reference_refuses_that_dynamic_and_shows_the_rest_of_the_run(two_dynamics):
    run = two_dynamics
    original = run.xcom("count_common.compile", key="spec")
    _set_spec_reference(run, "count_common.compile", {**original, "count": original["count"] + 1})
    try:
        graph = read_run_graph(run.dag_id, run.run_id)
    finally:
        _set_spec_reference(run, "count_common.compile", original)
    assert graph is not None
    refused, usual = sorted(graph.dynamics, key=lambda d: d.group)
    assert refused.group == "count_common" and refused.nodes == ()
    assert refused.refused is not None
    assert (
        "integrity check failed (signature) for the futures-spec reference "
        f"dynamic_wf/{run.run_id}/count_common.compile/-1/spec" in refused.refused
    )
    assert usual.group == "sum_of_squares" and usual.refused is None
    assert len(usual.nodes) == 4 and usual.states() == {"success": 4}
    page = render_page(graph)
    embedded = json.loads(page.split('id="dynflow-graph">')[1].split("</script>")[0])
    assert [(d["group"], d["refused"] is None, len(d["nodes"])) for d in embedded["dynamics"]] == [
        ("count_common", False, 0),
        ("sum_of_squares", True, 4),
    ]
    assert graph.to_json()["result"] == run.result


def test_a_run_signed_under_a_key_the_api_server_does_not_hold_names_both_keys(two_dynamics, monkeypatch):
    signed_with = deployment_signer().fingerprint
    monkeypatch.setenv("AIRFLOW__DYNFLOW__SIGNING_KEY", "another-deployment-key-" + "0" * 32)
    deployment_signer.cache_clear()
    try:
        held = deployment_signer().fingerprint
        graph = read_run_graph(two_dynamics.dag_id, two_dynamics.run_id)
    finally:
        monkeypatch.undo()
        deployment_signer.cache_clear()
    assert graph is not None and len(graph.dynamics) == 2
    for dynamic in graph.dynamics:
        assert dynamic.refused is not None
        assert f"signed with another key (fingerprint {signed_with})" in dynamic.refused
        assert f"this process holds ({held})" in dynamic.refused
