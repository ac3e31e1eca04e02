"""Workflow inputs become typed DAG params: the trigger form and conf are validated by Airflow."""

from __future__ import annotations

import pytest


def test_params_carry_a_json_schema_from_the_types(dagbag):
    params = dagbag.get_dag("static_features").params
    assert params.get_param("xs").schema == {"items": {"type": "integer"}, "type": "array"}


def test_params_carry_defaults(dagbag):
    assert dagbag.get_dag("fan_out").params.get_param("n").value == 200


def test_params_carry_descriptions_from_the_docstring(dagbag):
    assert (
        dagbag.get_dag("fan_out").params.get_param("n").description
        == "how many numbers (and generated nodes)"
    )


def test_required_input_has_no_default(dagbag):
    from airflow.sdk.definitions._internal.types import NOTSET

    assert dagbag.get_dag("wf").params.get_param("s1").value is NOTSET


def test_conf_of_the_wrong_type_is_refused_with_airflows_param_error(dagbag):
    from airflow_dynflow.airflow import compat
    from airflow_dynflow.airflow.compat import ParamValidationError

    # Airflow 3.2 validates the serialized DAG's params, which raise a plain ValueError there.
    refused = (
        ParamValidationError if compat.AIRFLOW_V_3_3_PLUS or not compat.AIRFLOW_V_3_2_PLUS else ValueError
    )
    with pytest.raises(refused, match="5 is not of type 'string'"):
        dagbag.get_dag("wf").test(run_conf={"s1": 5, "s2": "x"})


def test_unknown_conf_key_fails_the_run_naming_it(run_dag, capfd):
    run = run_dag("static_features", xs=[1], typo=3)
    assert run.state == "failed"
    assert run.states("map_scale.split") == ["failed"]
    assert "static_features: unknown input(s) in the run's conf: typo" in capfd.readouterr().out


def test_description_of_the_dag_is_the_docstring_summary(dagbag):
    assert dagbag.get_dag("fan_out").description == "Sum of squares below n."
