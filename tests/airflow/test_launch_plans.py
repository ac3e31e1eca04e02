"""Launch plans on Airflow: each named plan of examples/launch_plans.py is a DAG of its own."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from tests.airflow.conftest import Run

UTC = datetime.UTC


def test_named_launch_plan_is_a_dag_with_its_name(dagbag: Any) -> None:
    assert dagbag.get_dag("simple_wf_lp").dag_id == "simple_wf_lp"


def test_launch_plan_dag_runs_the_workflows_tasks(dagbag: Any) -> None:
    assert dagbag.get_dag("simple_wf_lp").task_ids == dagbag.get_dag("simple_wf").task_ids


def test_launch_plan_params_carry_the_plans_defaults(dagbag: Any) -> None:
    params = dagbag.get_dag("simple_wf_lp").params
    assert (params["x"], params["y"]) == ([-3, 0, 3], [7, 4, -2])


def test_fixed_inputs_are_not_params(dagbag: Any) -> None:
    assert list(dagbag.get_dag("simple_wf_lp_fixed_inputs").params) == ["y"]


def test_cron_schedule_is_the_dags_schedule(dagbag: Any) -> None:
    assert dagbag.get_dag("my_cron_scheduled_lp").schedule == "*/1 * * * *"


def test_fixed_rate_is_the_dags_schedule(dagbag: Any) -> None:
    assert dagbag.get_dag("my_fixed_rate_lp").schedule == datetime.timedelta(minutes=10)


def test_kickoff_param_is_empty_by_default(dagbag: Any) -> None:
    assert dagbag.get_dag("my_cron_scheduled_lp").params["kickoff_time"] is None


def test_default_launch_plan_adds_no_dag(dagbag: Any) -> None:
    assert dagbag.get_dag("default_lp") is None


def test_launch_plan_run_gives_the_workflows_result_with_the_plans_defaults(run_dag: Any) -> None:
    run = run_dag("simple_wf_lp")
    assert (run.state, run.result) == ("success", 3.0)


def test_launch_plan_run_applies_the_fixed_inputs(run_dag: Any) -> None:
    run = run_dag("simple_wf_lp_fixed_inputs", y=[-3, 2, -2])
    assert (run.state, run.result) == ("success", -1.0)


def test_conf_that_sets_a_fixed_input_fails_the_run_before_any_task_runs(run_dag: Any, capfd: Any) -> None:
    run: Run = run_dag("simple_wf_lp_fixed_inputs", x=[1, 2, 3], y=[-3, 2, -2])
    assert run.state == "failed"
    assert (run.states("slope"), run.states("intercept")) == (["failed"], ["upstream_failed"])
    assert "launch plan 'simple_wf_lp_fixed_inputs' fixes input(s) x" in capfd.readouterr().out


def test_kickoff_input_gets_the_runs_logical_date(dagbag: Any) -> None:
    dag = dagbag.get_dag("my_cron_scheduled_lp")
    dagrun = dag.test(logical_date=datetime.datetime(2026, 11, 29, 7, 30, tzinfo=UTC))
    assert Run(dag.dag_id, dagrun.run_id, str(dagrun.state)).result == "2026-11-29 07:30"


def kickoff_of_a_run_now(start: Callable[[], Run]) -> tuple[datetime.datetime, ...]:
    """(the minute before the run, the kickoff time the run printed, the time after it)."""
    before = datetime.datetime.now(UTC).replace(second=0, microsecond=0)
    ran_at = datetime.datetime.strptime(start().result, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    return before, ran_at, datetime.datetime.now(UTC)


def test_kickoff_input_of_a_manual_run_without_logical_date_is_the_trigger_time(dagbag: Any) -> None:
    dag = dagbag.get_dag("my_cron_scheduled_lp")

    def start() -> Run:
        dagrun = dag.test(logical_date=None)
        return Run(dag.dag_id, dagrun.run_id, str(dagrun.state))

    before, kickoff, after = kickoff_of_a_run_now(start)
    assert before <= kickoff <= after


def test_kickoff_input_left_empty_in_the_conf_gets_the_runs_time(run_dag: Any) -> None:
    before, kickoff, after = kickoff_of_a_run_now(lambda: run_dag("my_cron_scheduled_lp", kickoff_time=None))
    assert before <= kickoff <= after


def test_kickoff_input_given_in_the_conf_is_kept(run_dag: Any) -> None:
    run = run_dag("my_cron_scheduled_lp", kickoff_time="2020-01-02T03:04:00+00:00")
    assert run.result == "2020-01-02 03:04"


@pytest.mark.parametrize(
    ("dag_id", "variable"), [("simple_wf_lp", "simple_wf_lp"), ("my_fixed_rate_lp", "fixed_rate_lp")]
)
def test_launch_plan_dag_gives_what_the_plan_gives_locally(run_dag: Any, dag_id: str, variable: str) -> None:
    from tests.airflow.test_examples import local_result_as_json

    assert run_dag(dag_id).result == local_result_as_json("launch_plans", variable, {})


# tests/airflow/dags/launch_plan_features.py: (dag_id, conf, what the plan gives as plain Python)
FEATURE_RUNS = [
    ("every_kind_lp", {"xs": [1, 2]}, {"o0": 30, "o1": 30}),
    ("plan_in_workflow", {"xs": [1, 2]}, {"o0": 30, "o1": 30}),
    ("plan_in_dynamic_wf", {"xs": [1, 2]}, [100, 200]),
]


@pytest.mark.parametrize(("dag_id", "conf", "expected"), FEATURE_RUNS, ids=[r[0] for r in FEATURE_RUNS])
def test_launch_plan_with_maps_dynamics_or_nesting_gives_its_local_result(
    run_dag: Any, dag_id: str, conf: dict, expected: Any
) -> None:
    run = run_dag(dag_id, **conf)
    assert (run.state, run.result) == ("success", expected)
