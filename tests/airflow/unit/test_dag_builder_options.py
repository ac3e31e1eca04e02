"""What dag_builder hands Airflow: operator options from node options, typed params, DAG options."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from airflow_dynflow.airflow.dag_builder import build_dag, operator_options, params_of
from airflow_dynflow.core.options import Options
from tests import entities as e


def test_unset_options_are_left_to_default_args_and_airflow():
    assert operator_options(Options()) == {}


def test_seconds_become_timedeltas_under_airflow_s_names():
    assert operator_options(Options(timeout=90.0, retry_delay=1.5)) == {
        "execution_timeout": timedelta(seconds=90),
        "retry_delay": timedelta(seconds=1.5),
    }


def test_retries_pool_queue_and_priority_pass_through():
    options = Options(retries=2, pool="gpu", queue="fast", priority_weight=5)
    assert operator_options(options) == {"retries": 2, "pool": "gpu", "queue": "fast", "priority_weight": 5}


def test_zero_retries_and_a_zero_delay_are_kept():
    assert operator_options(Options(retries=0, retry_delay=0.0)) == {
        "retries": 0,
        "retry_delay": timedelta(0),
    }


def test_a_node_s_name_is_not_an_operator_option():
    # The name becomes the task id; BaseOperator has no such argument.
    assert operator_options(Options(name="tuned_again")) == {}


@pytest.fixture(scope="module")
def params():
    return params_of(e.dated)


def test_every_workflow_input_becomes_a_param(params):
    assert list(params) == ["day", "n"]


def test_an_input_without_a_default_is_a_required_param_with_its_json_schema(params):
    assert not params["day"].has_value
    assert params["day"].schema == {"type": "string", "format": "date"}


def test_an_input_with_a_default_is_a_param_holding_it(params):
    assert params["n"].value == 1
    assert params["n"].schema == {"type": "integer"}


def test_the_docstring_s_param_lines_describe_the_params(params):
    assert (params["day"].description, params["n"].description) == ("the day to describe", "how many times")


def test_an_input_that_only_travels_pickled_is_refused_when_the_dag_is_built():
    from airflow_dynflow import workflow

    # Airflow is loaded, so defining the workflow builds its DAG, and with it the params.
    with pytest.raises(TypeError, match=r"^takes_opaque: input 'o' has a type that only travels pickled"):

        @workflow
        def takes_opaque(o: e.Opaque) -> int:
            return e.unwrap(o=o)


def test_a_dag_is_unscheduled_and_described_by_the_workflow_s_docstring():
    dag = build_dag(e.dated)
    assert (dag.dag_id, dag.schedule) == ("dated", None)
    assert dag.description == "Describe a day."
    assert dag.doc_md == e.dated.interface.doc


def test_dag_options_given_to_workflow_reach_the_dag():
    wf = dataclasses.replace(e.dated, dag_options={"dag_id": "renamed", "tags": ["t"], "max_active_runs": 2})
    dag = build_dag(wf)
    assert (dag.dag_id, dag.tags, dag.max_active_runs) == ("renamed", {"t"}, 2)


def test_an_unknown_dag_option_is_refused_naming_it():
    wf = dataclasses.replace(e.dated, dag_options={"colour": "red", "tags": ["t"], "size": 1})
    with pytest.raises(TypeError, match=r"^@workflow\(dated\): unknown DAG option\(s\): colour, size$"):
        build_dag(wf)
