"""Gates under a real scheduler: a person answers through the REST API's human-in-the-loop
endpoints (what the UI's "Required Actions" page calls) and the run finishes with what they entered.
examples/gates.py is the DAG file; SQLite only (the gates add nothing a database tells apart)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from harness.stack import AirflowStack
from tests.conftest import REPO

pytestmark = pytest.mark.scheduler


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowStack]:
    home = tmp_path_factory.mktemp("stack-gates")
    dags = home / "dags"
    dags.mkdir()
    shutil.copy(REPO / "examples" / "gates.py", dags / "gates.py")
    env = {"AIRFLOW__DYNFLOW__STORE_URL": f"file://{home / 'store'}"}
    with AirflowStack(dags_folder=dags, home=home, extra_env=env) as running:
        yield running


def start(stack: AirflowStack, dag_id: str, conf: dict) -> str:
    stack.api.wait_for_dag(dag_id)
    return stack.api.trigger(dag_id, conf)


def test_an_entered_value_and_an_approval_given_through_rest_finish_the_run_with_them(stack):
    run_id = start(stack, "approval_wf", {"x": 4})
    stack.api.answer("approval_wf", run_id, "factor", ["OK"], {"value": 3})
    request = stack.api.answer("approval_wf", run_id, "approve-scaled", ["Approve"])
    assert request["chosen_options"] == ["Approve"]
    assert stack.api.wait_for_run("approval_wf", run_id) == "success"
    assert stack.api.xcom("approval_wf", run_id, "outputs") == 12


def test_the_approval_request_shows_the_value_to_approve(stack):
    run_id = start(stack, "approval_wf", {"x": 5})
    stack.api.answer("approval_wf", run_id, "factor", ["OK"], {"value": 2})
    stack.api.answer("approval_wf", run_id, "approve-scaled", ["Reject"])
    detail = stack.api.required_action("approval_wf", run_id, "approve-scaled")
    assert detail is not None and "`10`" in detail["body"]
    assert stack.api.wait_for_run("approval_wf", run_id) == "failed"
    log = stack.api.task_log("approval_wf", run_id, "approve-scaled")
    assert "User did not approve the transaction for gate node approve-scaled" in log


def test_an_entry_of_the_wrong_type_fails_the_gate_with_our_type_error(stack):
    run_id = start(stack, "reporting_wf", {"data": [1.0, 2.0]})
    stack.api.answer("reporting_wf", run_id, "title", ["OK"], {"value": 42})
    assert stack.api.wait_for_run("reporting_wf", run_id) == "failed"
    log = stack.api.task_log("reporting_wf", run_id, "title")
    # 3.3 hands the entry to the operator; 3.1 and 3.2 check it in the triggerer and send the reason.
    assert "title: input 'o0' expects str, got " in log
    assert "42" in log.split("title: input 'o0' expects str, got ", 1)[1][:200]


# approve_each's generated nodes are numbered in call order: n0 scale(1), n1 approve-1, n2 scale(2),
# n3 approve-2; each node is the instance of that map index of the dynamic's generated-node task.
NODES = "approve_each.nodes"


def test_each_approval_inside_a_dynamic_is_its_own_required_action(stack):
    run_id = start(stack, "approve_each_wf", {"xs": [1, 2]})
    first = stack.api.answer("approve_each_wf", run_id, NODES, ["Approve"], map_index=1)
    second = stack.api.answer("approve_each_wf", run_id, NODES, ["Approve"], map_index=3)
    assert first["chosen_options"] == second["chosen_options"] == ["Approve"]
    detail = stack.api.required_action("approve_each_wf", run_id, NODES, map_index=3)
    assert detail is not None
    assert detail["subject"] == "approve-2: approve" and "`20`" in detail["body"]
    assert stack.api.wait_for_run("approve_each_wf", run_id) == "success"
    assert stack.api.xcom("approve_each_wf", run_id, "outputs") == [10, 20]


def test_a_rejected_approval_inside_a_dynamic_fails_its_node_naming_the_gate(stack):
    run_id = start(stack, "approve_each_wf", {"xs": [1, 2]})
    stack.api.answer("approve_each_wf", run_id, NODES, ["Approve"], map_index=1)
    stack.api.answer("approve_each_wf", run_id, NODES, ["Reject"], map_index=3)
    assert stack.api.wait_for_run("approve_each_wf", run_id) == "failed"
    log = stack.api.task_log("approve_each_wf", run_id, NODES, map_index=3)
    assert "User did not approve the transaction for gate node approve-2" in log
