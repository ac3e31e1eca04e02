"""``conditional(...)`` on Airflow: a branch operator in a static DAG, self-skipping generated
nodes in a dynamic; the same results as the local runner (examples/conditions.py)."""

from __future__ import annotations

import pytest


def test_a_static_conditional_is_a_branch_operator_followed_by_every_case_and_the_select(dagbag):
    from airflow_dynflow.airflow.operators.branches import DecideOperator, SelectOperator

    dag = dagbag.get_dag("multiplier")
    decide = dag.get_task("fractions")
    assert isinstance(decide, DecideOperator)
    assert decide.downstream_task_ids == {"double", "square", "fractions_result"}
    assert isinstance(dag.get_task("fractions_result"), SelectOperator)
    assert dag.get_task("fractions_result").trigger_rule == "none_failed_min_one_success"


def test_the_case_not_taken_is_skipped_and_the_select_passes_the_taken_result_on(run_dag):
    run = run_dag("multiplier", my_input=3.0)
    assert run.state == "success"
    assert run.states("double") == ["skipped"]
    assert run.states("square") == ["success"]
    assert run.states("fractions_result") == ["success"]
    assert run.result == 9.0


def test_the_result_of_a_conditional_feeds_a_later_task(run_dag):
    run = run_dag("multiplier_3", my_input=0.5)
    assert run.result == 2.0
    assert run.states("square") == ["skipped"]


def test_a_fail_case_fails_the_decide_task_once_with_its_message(run_dag, capfd):
    run = run_dag("multiplier_2", my_input=20.0)
    assert run.state == "failed"
    assert run.states("fractions") == ["failed"]
    assert run.task_instances("fractions")[0].try_number == 1
    assert run.states("fractions_result") == ["upstream_failed"]
    assert "The input must be between 0 and 10" in capfd.readouterr().out


def test_an_outer_case_not_taken_skips_the_inner_conditional_whole(run_dag):
    run = run_dag("nested_conditions", radius=5.0)
    assert run.result == 25.0
    for task_id in ("inner_nested_conditions", "inner_nested_conditions_result", "double"):
        assert run.states(task_id) == ["skipped"], task_id


@pytest.mark.parametrize(("radius", "expected"), [(0.3, 0.6), (0.6, 0.36), (20.0, 40.0)])
def test_nested_conditions_give_the_local_result(run_dag, radius, expected):
    assert run_dag("nested_conditions", radius=radius).result == pytest.approx(expected)


def test_a_boolean_promise_decides_with_is_true(run_dag):
    run = run_dag("boolean_wf", seed=5)
    assert run.result == -1
    assert run.states("success") == ["skipped"]


def test_generated_nodes_of_cases_not_taken_are_skipped_in_a_dynamic(run_dag):
    run = run_dag("scaled_wf", values=[1.0, 5.0])
    assert run.result == [1.0, 10.0]
    by_label = {ti.rendered_map_index: str(ti.state) for ti in run.task_instances("scale_each.nodes")}
    assert by_label == {
        "n0 square": "success",
        "n1 scale_0": "success",
        "n2 square": "success",
        "n3 double": "skipped",
        "n4 scale_0_result": "success",
        "n5 square": "success",
        "n6 scale_1": "success",
        "n7 square": "skipped",
        "n8 double": "success",
        "n9 scale_1_result": "success",
    }


def test_cases_not_taken_inside_a_shared_instance_are_passed_over(run_dag, monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__MAX_MAP_LENGTH", "4")
    run = run_dag("scaled_wf", values=[1.0, 5.0, 2.0])
    assert run.state == "success"
    assert run.result == [1.0, 10.0, 4.0]
    assert run.xcom("scale_each.compile", key="spec")["batch"] > 1


def test_merge_sort_recurses_through_a_dynamic_and_a_conditional(run_dag):
    numbers = [9, 4, 7, 1, 8, 2, 6, 3, 5, 0, 11, 10]
    run = run_dag("merge_sort", numbers=numbers, numbers_count=12, run_local_at_count=5)
    assert run.result == sorted(numbers)
    assert run.states("sort_locally") == ["skipped"]
    assert run.states("merge_sort_remotely.result") == ["success"]


@pytest.mark.parametrize(
    ("bump", "expected", "skipped"), [(True, [2, 3, 4], False), (False, [1, 2, 3], True)]
)
def test_a_map_task_in_a_case_is_skipped_whole_when_not_taken(run_dag, bump, expected, skipped):
    run = run_dag("mapped_case", xs=[1, 2, 3], bump=bump)
    assert run.result == expected
    states = {t: run.states(f"map_inc.{t}") for t in ("split", "collect")}
    assert states == (
        {"split": ["skipped"], "collect": ["skipped"]}
        if skipped
        else {"split": ["success"], "collect": ["success"]}
    )


@pytest.mark.parametrize(("x", "expected"), [(2, 1), (3, -1)])
def test_a_case_whose_result_is_a_sub_workflow_constant_passes_it_on(run_dag, x, expected):
    """flytekit's test_conditions.py::test_subworkflow_condition_named_tuple, on Airflow: the select
    task passes on the sub-workflow's constant when its case is taken."""
    run = run_dag("constant_case", x=x)
    assert run.state == "success"
    assert run.result == expected


def test_a_sub_workflow_constant_as_a_case_in_a_dynamic_gives_the_local_result(run_dag):
    assert run_dag("constant_case_dynamic", xs=[2, 3]).result == [1, -1]


@pytest.mark.parametrize(("x", "expected"), [(2, 1), (0, 0)])
def test_cases_giving_different_numbers_of_outputs_pass_on_the_shared_one(run_dag, x, expected):
    """flytekit's ConditionalSection.compute_output_vars keeps the outputs every case gives."""
    assert run_dag("shared_outputs", x=x).result == expected
