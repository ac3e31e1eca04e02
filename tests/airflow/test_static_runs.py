"""Static workflows under ``dag.test()``: the ``outputs`` XCom equals the local run of the same code."""

from __future__ import annotations

import importlib
import sys

import pytest

from tests.conftest import DAGS_FOLDER


def local(module: str, workflow: str, **inputs):
    """The same workflow, run as plain Python from the same file Airflow parsed."""
    sys.path.insert(0, str(DAGS_FOLDER))
    try:
        return getattr(importlib.import_module(module), workflow)(**inputs)
    finally:
        sys.path.remove(str(DAGS_FOLDER))


def test_static_features_result_matches_the_local_run(run_dag):
    run = run_dag("static_features", xs=[1, 2, 3, 4])
    assert run.state == "success"
    assert run.result == dict(local("static_features", "static_features", xs=[1, 2, 3, 4])._asdict())


def test_several_outputs_are_an_object_keyed_by_name(run_dag):
    run = run_dag("static_features", xs=[1])
    assert run.result == {"o0": 3, "o1": "sum: 3"}


def test_map_task_over_fifty_elements_runs_fifty_labelled_instances(run_dag):
    run = run_dag("mapped_fifty")
    instances = run.task_instances("map_inc.inc")
    assert [ti.map_index for ti in instances] == list(range(50))
    assert instances[7].rendered_map_index == "x=7"
    assert run.result == [x + 1 for x in range(50)]


def test_map_past_max_map_length_is_refused_saying_what_to_raise(run_dag, capfd):
    run = run_dag("too_wide")
    assert run.state == "failed"
    out = capfd.readouterr().out
    assert "map_inc: 1100 elements exceed [core] max_map_length = 1024; raise it" in out


def test_min_success_ratio_tolerates_failed_elements(run_dag):
    run = run_dag("tolerant")
    assert run.state == "success"
    assert run.result == [1, 2, 3, None, 5, 6, 7, None]
    assert run.states("map_sometimes.sometimes").count("failed") == 2


def test_failing_task_succeeds_on_its_retry(run_dag):
    run = run_dag("retrying", token="t1")
    assert run.state == "success"
    assert run.result == "t1"
    assert run.task_instances("flaky")[0].try_number == 2


def test_cache_hit_skips_the_function_in_a_later_run(run_dag):
    from tests.conftest import AIRFLOW_HOME

    first = run_dag("cached", x=4, token="c1")
    second = run_dag("cached", x=4, token="c1")
    assert first.result == second.result == 40
    assert (AIRFLOW_HOME / "calls" / "expensive-c1").read_text() == "1"


def test_large_output_goes_to_the_blob_store_with_a_reference_in_xcom(run_dag):
    run = run_dag("big_output", n=20000)
    assert run.result == 20000
    envelope = run.xcom("big")
    assert envelope["o0"]["codec"] == "json"
    assert envelope["o0"]["blob"].startswith("runs/big_output/")
    assert set(envelope["o0"]) == {"blob", "codec", "sha256", "sig"}


def test_pickled_output_travels_through_the_blob_store(run_dag):
    run = run_dag("pickled", value=9)
    assert run.result == 9
    assert run.xcom("pack")["o0"]["codec"] == "pickle"


@pytest.mark.parametrize("x", [0, 5])
def test_repeated_calls_chain_through_xcom(run_dag, x):
    assert run_dag("repeated", x=x).result == x + 3


def test_map_task_with_a_task_output_bound_by_partial(run_dag):
    run = run_dag("shared_factor")
    assert run.result == [4, 8, 12]


def test_a_workflow_without_outputs_pushes_null_as_its_result(run_dag):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    run = run_dag("no_outputs")
    assert run.state == "success"
    with create_session() as session:
        rows = session.scalars(
            XComModel.get_many(
                run_id=run.run_id, key="return_value", task_ids="outputs", dag_ids="no_outputs"
            )
        ).all()
        assert [XComModel.deserialize_value(row) for row in rows] == [None]


def test_a_renamed_task_runs_under_its_sanitised_id(run_dag):
    run = run_dag("display_names")
    assert run.result == 20.0
