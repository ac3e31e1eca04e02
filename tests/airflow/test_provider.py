"""The provider entry point: Airflow lists us, shows the [dynflow] section, and can load our trigger."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files

import jsonschema

from airflow_dynflow.airflow.provider import get_provider_info
from airflow_dynflow.airflow.triggers.dependencies import DependenciesTrigger


def test_provider_info_is_valid_against_airflows_schema():
    schema = json.loads(files("airflow").joinpath("provider_info.schema.json").read_text())
    jsonschema.validate(get_provider_info(), schema)


def test_airflow_providers_list_shows_the_package():
    out = subprocess.run(
        [sys.executable, "-m", "airflow", "providers", "list", "-o", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    packages = {p["package_name"] for p in json.loads(out.stdout[out.stdout.index("[") :])}
    assert "airflow-dynflow" in packages


def test_airflow_config_list_shows_the_dynflow_section():
    out = subprocess.run(
        [sys.executable, "-m", "airflow", "config", "list", "--section", "dynflow", "--defaults"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "[dynflow]" in out.stdout
    assert "store_url" in out.stdout and "xcom_max_bytes = 65536" in out.stdout


def test_dependencies_trigger_serializes_to_its_classpath_and_json_kwargs():
    trigger = DependenciesTrigger(
        dag_id="wf", run_id="run1", task_id="g.nodes", map_indexes=[0, 3], poll_interval=0.25
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == "airflow_dynflow.airflow.triggers.dependencies.DependenciesTrigger"
    assert json.loads(json.dumps(kwargs)) == kwargs
    module, _, name = classpath.rpartition(".")
    rebuilt = getattr(__import__(module, fromlist=[name]), name)(**kwargs)
    assert rebuilt.serialize() == (classpath, kwargs)
