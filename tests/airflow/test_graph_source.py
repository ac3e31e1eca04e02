"""The "Dynamic graph" data of runs whose spec references fail their checks, read in-process
(``graph_source.read_run_graph`` over the metadata DB of a ``dag.test()`` run): a refused dynamic
is shown as refused, naming the check and the dynamic, and the rest of the run as usual."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from airflow_dynflow.airflow.plugins.graph_page import render_page
from airflow_dynflow.airflow.plugins.graph_source import (
    TRIGGERER_SILENT_AFTER,
    read_run_graph,
    triggerer_notice,
)
from airflow_dynflow.airflow.signing_key import deployment_signer


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


@pytest.fixture(scope="module")
def failed_run(run_dag: Any) -> Any:
    """``failing``: n1 raises ValueError("step refuses 1"); n2 and n3 do not run for it."""
    run = run_dag("failing", n=4, fail_at=1)
    assert run.state == "failed"
    return run


def _set_error_record(run: Any, value: Any) -> None:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import update

    with create_session() as session:
        session.execute(
            update(XComModel)
            .where(
                XComModel.dag_id == run.dag_id,
                XComModel.run_id == run.run_id,
                XComModel.task_id == "steps.nodes",
                XComModel.map_index == 1,
                XComModel.key == "dynflow_error",
            )
            .values(value=value)
        )


def test_a_failed_node_shows_the_class_and_first_line_it_raised(failed_run):
    graph = read_run_graph(failed_run.dag_id, failed_run.run_id)
    assert graph is not None
    (steps,) = graph.dynamics
    assert [(n.state, n.error) for n in steps.nodes] == [
        ("success", None),
        ("failed", ("ValueError", "step refuses 1")),
        ("failed", None),
        ("failed", None),
    ]


def test_an_edited_error_record_is_not_shown(failed_run):
    original = failed_run.xcom("steps.nodes", key="dynflow_error", map_index=1)
    _set_error_record(failed_run, {**original, "line": "<img src=x onerror=alert(1)>"})
    try:
        graph = read_run_graph(failed_run.dag_id, failed_run.run_id)
    finally:
        _set_error_record(failed_run, original)
    assert graph is not None
    assert [n.error for n in graph.dynamics[0].nodes] == [None] * 4


@pytest.fixture
def one_deferred(failed_run: Any) -> Iterator[Any]:
    """The failed run with its first node's instance put back to deferred, as a waiting node is."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from sqlalchemy import update

    where = (
        TaskInstance.dag_id == failed_run.dag_id,
        TaskInstance.run_id == failed_run.run_id,
        TaskInstance.task_id == "steps.nodes",
        TaskInstance.map_index == 0,
    )
    with create_session() as session:
        session.execute(update(TaskInstance).where(*where).values(state="deferred"))
    yield failed_run
    with create_session() as session:
        session.execute(update(TaskInstance).where(*where).values(state="success"))


@pytest.fixture
def triggerer_heartbeat() -> Iterator[Any]:
    """``beat(seconds_ago)``: a TriggererJob row whose last heartbeat was that long ago."""
    from datetime import UTC, datetime, timedelta

    from airflow.jobs.job import Job
    from airflow.utils.session import create_session
    from sqlalchemy import delete, insert

    ids: list[int] = []

    def beat(seconds_ago: float) -> None:
        at = datetime.now(UTC) - timedelta(seconds=seconds_ago)
        with create_session() as session:
            row = session.execute(
                insert(Job).values(
                    job_type="TriggererJob", state="running", latest_heartbeat=at, start_date=at
                )
            )
            ids.append(row.inserted_primary_key[0])

    yield beat
    with create_session() as session:
        session.execute(delete(Job).where(Job.id.in_(ids)))


def _notice(run: Any) -> str | None:
    from airflow.utils.session import create_session

    with create_session() as session:
        return triggerer_notice(session, run.dag_id, run.run_id)


def test_deferred_instances_with_a_silent_triggerer_name_the_triggerer(one_deferred, triggerer_heartbeat):
    triggerer_heartbeat(TRIGGERER_SILENT_AFTER * 4)
    notice = _notice(one_deferred)
    assert notice is not None
    assert notice.startswith("1 deferred task instance(s) wait on the triggerer, but no triggerer heartbeat")
    assert "`airflow triggerer`" in notice
    graph = read_run_graph(one_deferred.dag_id, one_deferred.run_id)
    assert graph is not None and graph.to_json()["triggerer"] == notice


def test_deferred_instances_with_a_live_triggerer_show_no_notice(one_deferred, triggerer_heartbeat):
    triggerer_heartbeat(0)
    assert _notice(one_deferred) is None


def test_a_run_with_nothing_deferred_shows_no_notice_whatever_the_triggerer(failed_run, triggerer_heartbeat):
    triggerer_heartbeat(TRIGGERER_SILENT_AFTER * 4)
    assert _notice(failed_run) is None
