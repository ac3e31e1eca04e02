"""Gates on Airflow: the standard provider's human-in-the-loop operators and a deferral
(examples/gates.py). Answering a gate needs the REST API: see test_gates_scheduler.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


def _event(**fields):
    return {
        "chosen_options": ["OK"],
        "params_input": {},
        "responded_at": datetime(2026, 12, 3, tzinfo=UTC),
        "responded_by_user": {"id": "admin", "name": "admin"},
        **fields,
    }


def test_wait_for_input_is_an_entry_operator_with_one_typed_field_and_no_default(dagbag):
    from airflow.providers.standard.operators.hitl import HITLEntryOperator

    op = dagbag.get_dag("approval_wf").get_task("factor")
    assert isinstance(op, HITLEntryOperator)
    field = op.params.get_param("value")
    assert field.schema == {"type": ["integer", "null"], "title": "factor"}
    assert field.value is None
    assert op.defaults is None
    assert op.response_timeout == timedelta(hours=1)


def test_approve_is_an_approval_operator_after_the_call_it_approves(dagbag):
    from airflow.providers.standard.operators.hitl import ApprovalOperator

    dag = dagbag.get_dag("approval_wf")
    op = dag.get_task("approve-scaled")
    assert isinstance(op, ApprovalOperator)
    assert op.upstream_task_ids == {"scale"}
    assert op.response_timeout == timedelta(hours=2)


def test_sleep_defers_and_the_run_goes_on(run_dag):
    run = run_dag("sleep_wf", num=7)
    assert run.state == "success"
    assert run.states("sleep-gate") == ["success"]
    assert run.result == 7


def test_an_entry_of_the_wrong_type_is_refused_naming_gate_expected_and_actual(dagbag):
    from airflow_dynflow.core.errors import TypeMismatchError

    op = dagbag.get_dag("approval_wf").get_task("factor")
    with pytest.raises(TypeMismatchError, match=r"factor: input 'o0' expects int, got str \('3'\)"):
        op.execute_complete({}, _event(params_input={"value": "3"}))


def test_a_forged_entry_is_never_decoded(dagbag):
    """A pickle's bytes or an import path entered as the value are only ever a wrong-typed str."""
    from airflow_dynflow.core.errors import TypeMismatchError

    op = dagbag.get_dag("approval_wf").get_task("factor")
    forged = {"__classname__": "os.system", "__data__": "id", "py/reduce": "gANjb3MKc3lzdGVtCi4="}
    with pytest.raises(TypeMismatchError, match="expects int, got dict"):
        op.execute_complete({}, _event(params_input={"value": forged}))


def test_an_empty_entry_is_refused_by_the_type_check(dagbag):
    from airflow_dynflow.core.errors import TypeMismatchError

    op = dagbag.get_dag("approval_wf").get_task("factor")
    with pytest.raises(TypeMismatchError, match="factor: input 'o0' expects int, got NoneType"):
        op.execute_complete({}, _event(params_input={"value": None}))


def test_a_response_without_the_value_fails_the_gate(dagbag):
    from airflow_dynflow.airflow.compat import AirflowFailException

    op = dagbag.get_dag("reporting_wf").get_task("title")
    with pytest.raises(AirflowFailException, match="the response holds no entered value"):
        op.execute_complete({}, _event(params_input={"other": "x"}))


@pytest.mark.parametrize("task_id", ["factor", "approve-scaled"])
def test_a_gate_nobody_answers_in_time_fails_for_good_naming_it(dagbag, task_id):
    from airflow_dynflow.airflow.compat import AirflowFailException

    op = dagbag.get_dag("approval_wf").get_task(task_id)
    timeout = {"error": "The Human-in-the-loop response timeout has passed.", "error_type": "timeout"}
    with pytest.raises(AirflowFailException, match=f"gate '{task_id}' timed out: nobody answered within"):
        op.execute_complete({}, timeout)


def test_a_rejected_approval_fails_with_flytekits_disapproval_message(dagbag):
    from airflow_dynflow.airflow.compat import AirflowFailException

    op = dagbag.get_dag("approval_wf").get_task("approve-scaled")
    with pytest.raises(AirflowFailException, match="transaction for gate node approve-scaled"):
        op.execute_complete({}, _event(chosen_options=["Reject"]))


def test_a_gate_in_a_dynamic_that_packs_nodes_is_refused_before_any_node_runs(run_dag, capfd):
    run = run_dag("gate_in_packed_dynamic_wf", x=1)
    assert run.state == "failed"
    assert run.states("asks_packed.compile") == ["failed"]
    out = capfd.readouterr().out
    assert "the gate(s) 'packed-value' need a task instance each" in out
    assert "runs 2 nodes per task instance" in out


def test_a_gate_in_a_nested_dynamic_expanded_in_line_is_refused_naming_the_fix(run_dag, capfd):
    """Under ``dag.test()`` a nested dynamic runs in its caller's instance: no request of its own."""
    run = run_dag("gate_in_nested_dynamic_wf", x=1)
    assert run.state == "failed"
    out = capfd.readouterr().out
    assert "the gate(s) 'inner-value' are in a nested @dynamic that runs in-line here" in out
    assert "Run the DAG under a scheduler" in out


def test_a_sleep_inside_a_dynamic_defers_each_generated_gate_and_the_run_goes_on(run_dag):
    run = run_dag("sleep_after_each_wf", nums=[3, 4])
    assert run.state == "success"
    assert run.result == [3, 4]


def test_an_entry_the_triggers_form_check_refused_is_our_type_error_naming_the_gate(dagbag):
    """Airflow 3.1 and 3.2 check the entry in the triggerer and send only the reason."""
    from airflow_dynflow.core.errors import TypeMismatchError

    op = dagbag.get_dag("reporting_wf").get_task("title")
    reason = "Invalid input for param value: 42 is not of type 'string'"
    refused = {"error": reason, "error_type": "validation"}
    with pytest.raises(TypeMismatchError, match=r"title: input 'o0' expects str, got an entry the form's"):
        op.execute_complete({}, refused)


def _generated_gate(dagbag, gate):
    """A gate node of ``approve_each`` as its generated-node instance sees it, with that instance's task."""
    from airflow_dynflow.airflow.runtime.gate_requests import GeneratedGate

    task = dagbag.get_dag("approve_each_wf").get_task("approve_each.nodes")
    return task, GeneratedGate(gate, "approve_each", task.task_id)


def test_an_approved_gate_inside_a_dynamic_passes_its_value_on(dagbag):
    from airflow_dynflow.core.authoring.gates import Gate

    task, gate = _generated_gate(dagbag, Gate.create("approve-3", "approve", 60, {"o0": int}, {"o0": int}))
    assert gate.answer(task, {}, _event(chosen_options=["Approve"]), {"o0": 30}) == {"o0": 30}


def test_a_rejected_gate_inside_a_dynamic_fails_for_good_naming_it(dagbag):
    from airflow_dynflow.airflow.compat import AirflowFailException
    from airflow_dynflow.core.authoring.gates import Gate

    task, gate = _generated_gate(dagbag, Gate.create("approve-3", "approve", 60, {"o0": int}, {"o0": int}))
    with pytest.raises(AirflowFailException, match="transaction for gate node approve-3"):
        gate.answer(task, {}, _event(chosen_options=["Reject"]), {"o0": 30})


def test_a_forged_entry_at_a_gate_inside_a_dynamic_is_never_decoded(dagbag):
    from airflow_dynflow.core.authoring.gates import Gate
    from airflow_dynflow.core.errors import TypeMismatchError

    task, gate = _generated_gate(dagbag, Gate.create("count", "input", 60, {}, {"o0": int}))
    forged = {"__classname__": "os.system", "__data__": "id"}
    with pytest.raises(TypeMismatchError, match=r"count: input 'o0' expects int, got dict"):
        gate.answer(task, {}, _event(params_input={"value": forged}), {})


def test_a_gate_inside_a_dynamic_nobody_answers_in_time_fails_for_good(dagbag):
    from airflow_dynflow.airflow.compat import AirflowFailException
    from airflow_dynflow.core.authoring.gates import Gate

    task, gate = _generated_gate(dagbag, Gate.create("count", "input", 60, {}, {"o0": int}))
    timeout = {"error": "The Human-in-the-loop response timeout has passed.", "error_type": "timeout"}
    with pytest.raises(AirflowFailException, match="gate 'count' timed out: nobody answered within 0:01:00"):
        gate.answer(task, {}, timeout, {})
