"""The Flyte programs of examples/ under ``dag.test()`` give what they give as plain Python."""

import importlib.util
import json
import sys

import pytest

from tests.conftest import REPO

# (file, workflow, conf): every workflow of examples/ a Flyte user would run.
RUNS = [
    ("map_tasks", "my_map_workflow", {"a": [1, 2, 3]}),
    ("map_tasks", "multiple_inputs_map_workflow", {"list_q": [1, 2, 3], "p": 6.0, "s": 7.0}),
    ("subworkflows", "parent_wf", {"a": 40}),
    ("subworkflows", "nested_parent_wf", {"a": 30}),
    ("named_outputs", "named_outputs_wf", {}),
    ("named_outputs", "tuple_literal_wf", {"full": "Ada Lovelace"}),
    ("dataclasses_io", "dataclass_wf", {"x": 10, "y": 20}),
    ("attribute_access", "attribute_access_wf", {}),
    ("chain_entities", "chain_wf", {}),
    ("customizing_resources", "resources_wf", {"x": [1, 1, 2, 3, 3]}),
    ("task_cache", "cached_wf", {"n": 4}),
    ("dynamic_workflows", "dynamic_wf", {"s1": "Pear", "s2": "Earth", "n": 5}),
    ("dynamic_workflows", "merge_sort", {"numbers": [9, 4, 7, 1, 8, 2, 6, 3, 5, 0], "numbers_count": 10}),
    ("conditions", "multiplier", {"my_input": 3.0}),
    ("conditions", "multiplier_2", {"my_input": 3.0}),
    ("conditions", "multiplier_3", {"my_input": 4.0}),
    ("conditions", "boolean_wf", {"seed": 4}),
    ("conditions", "nested_conditions", {"radius": 0.3}),
    ("conditions", "scaled_wf", {"values": [1.0, 5.0, 2.0]}),
    ("launch_plans", "simple_wf", {"x": [-3, 0, 3], "y": [7, 4, -2]}),
    ("launch_plans", "date_formatter_wf", {"kickoff_time": "2026-11-29T07:30:00+00:00"}),
    ("launch_plans", "positive_wf", {"name": "Flyte"}),
    ("files_and_hashes", "normalize_csv_file", {}),
    ("files_and_hashes", "download_and_normalize_csv_files", {}),
    ("files_and_hashes", "cached_dataframe_wf", {}),
    ("gates", "sleep_wf", {"num": 7}),
    ("gates", "sleep_after_each_wf", {"nums": [3, 4]}),
    ("secrets", "secrets_wf", {"first": "hi", "rest": ["a", "b"]}),
    ("decks", "decks_wf", {"words": ["x", "yz"]}),
    ("reference", "spread_wf", {"values": [1.0, 4.0]}),
    ("reference", "reference_wf", {"values": [2.0, 4.0, 8.0]}),
]
# Workflows that wait for a person: dag.test() cannot answer them; tests/airflow/test_gates_scheduler.py
# answers them through the REST API under a real scheduler.
ANSWERED_ELSEWHERE = {"reporting_wf", "approval_wf", "approve_each_wf"}

# The secrets example's one secret, for both runs: flytekit's variable locally, and on Airflow the
# extra of the connection named by its group (docs/airflow.md).
EXAMPLE_SECRET = "an-example-secret"


@pytest.fixture(autouse=True)
def example_secret(monkeypatch):
    monkeypatch.setenv("_FSEC_USER_INFO_USER_SECRET", EXAMPLE_SECRET)
    conn = {"conn_type": "generic", "extra": {"user_secret": EXAMPLE_SECRET}}
    monkeypatch.setenv("AIRFLOW_CONN_USER_INFO", json.dumps(conn))


def local_result_as_json(module: str, workflow: str, conf: dict) -> object:
    """Run the workflow as plain Python and spell its result the way ``outputs`` pushes it."""
    name = f"examples_{module}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "examples" / f"{module}.py")
        assert spec is not None and spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    wf = getattr(sys.modules[name], workflow)
    # The conf is JSON, as a run's conf is: a datetime input is given as its ISO text.
    inputs = wf.interface.inputs
    result = wf(**{k: inputs[k].converter.from_jsonable(v) for k, v in conf.items()})
    params = wf.interface.outputs
    if len(params) == 1 and wf.interface.output_tuple is None:
        (param,) = params.values()
        return param.converter.to_jsonable(result)
    return {n: p.converter.to_jsonable(v) for (n, p), v in zip(params.items(), result, strict=True)}


@pytest.mark.parametrize(("module", "workflow", "conf"), RUNS, ids=[r[1] for r in RUNS])
def test_example_gives_the_same_result_on_airflow_as_locally(run_dag, module, workflow, conf):
    run = run_dag(workflow, **conf)
    assert run.state == "success"
    assert run.result == local_result_as_json(module, workflow, conf)


def test_every_workflow_of_the_examples_is_run(dagbag):
    from airflow_dynflow.core.authoring.entities import Workflow

    defined = set()
    for path in (REPO / "examples").glob("*.py"):
        spec = importlib.util.spec_from_file_location(f"examples_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        defined |= {name for name, value in vars(module).items() if isinstance(value, Workflow)}
    assert defined - {"my_subwf", "two_writes"} - ANSWERED_ELSEWHERE == {r[1] for r in RUNS}
    assert all(dagbag.get_dag(r[1]) is not None for r in RUNS)
