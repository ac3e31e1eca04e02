"""approve / wait_for_input / sleep: gate nodes in the spec, and flytekit's local behaviour."""

from __future__ import annotations

import io
import json
import typing
from datetime import timedelta

import pytest

from airflow_dynflow import (
    DisapprovalError,
    SpecError,
    TypeMismatchError,
    approve,
    dynamic,
    sleep,
    task,
    wait_for_input,
    workflow,
)
from airflow_dynflow.core.authoring.gates import Gate
from airflow_dynflow.core.wire.spec_read import load_spec
from airflow_dynflow.core.wire.spec_write import dump_spec
from tests.core.test_spec_json import resign, spec_dict


@task
def t1(a: int) -> int:
    return a + 5


@task
def t2(a: int) -> int:
    return a + 6


@task
def nothing() -> None:
    return None


@workflow
def signals(a: int) -> typing.Tuple[int, int, int]:
    x = t1(a=a)
    s1 = wait_for_input("my-signal-name", timeout=timedelta(hours=1), expected_type=bool)
    s2 = wait_for_input("my-signal-name-2", timeout=timedelta(hours=2), expected_type=int)
    z = t1(a=5)
    y = t2(a=s2)
    q = t2(a=approve(y, "approvalfory", timeout=timedelta(hours=2)))
    x >> s1
    s1 >> z
    return y, z, q


@dynamic
def dyn_signals(a: int) -> typing.Tuple[int, int, int]:
    x = t1(a=a)
    s1 = wait_for_input("my-signal-name", timeout=timedelta(hours=1), expected_type=bool)
    s2 = wait_for_input("my-signal-name-2", timeout=timedelta(hours=2), expected_type=int)
    z = t1(a=5)
    y = t2(a=s2)
    q = t2(a=approve(y, "approvalfory", timeout=timedelta(hours=2)))
    x >> s1
    s1 >> z
    return y, z, q


@workflow
def wf_dyn(a: int) -> typing.Tuple[int, int, int]:
    y, z, q = dyn_signals(a=a)
    return y, z, q


@workflow
def wf_sleep() -> int:
    x = sleep(timedelta(seconds=10))
    b = t1(a=5)
    x >> b
    return b


def _answering(monkeypatch, text: str) -> tuple[io.StringIO, io.StringIO]:
    stdin, stdout = io.StringIO(text), io.StringIO()
    monkeypatch.setattr("sys.stdin", stdin)
    monkeypatch.setattr("sys.stdout", stdout)
    return stdin, stdout


@pytest.mark.parametrize("wf", [signals, wf_dyn], ids=["workflow", "dynamic"])
def test_gates_read_their_answers_from_stdin_as_flytekit_local_runs_do(monkeypatch, wf):
    stdin, stdout = _answering(monkeypatch, "\n3\ny\n")
    assert wf(a=5) == (9, 10, 15)
    assert stdin.read() == ""  # all input consumed
    assert stdout.getvalue().splitlines()[:2] == [
        "Execution stopped for gate my-signal-name, press Enter to continue...",
        "Execution stopped for gate my-signal-name-2, please enter value...",
    ]


def test_gates_are_nodes_ordered_by_their_dependencies():
    nodes = signals.spec.nodes
    kinds = [signals.spec.tasks[n.task].kind for n in nodes]
    assert kinds == ["task", "gate", "gate", "task", "task", "gate", "task"]
    assert nodes[1].after == (0,)
    assert nodes[3].after == (1,)
    assert list(nodes[5].inputs) == ["o0"]
    assert nodes[5].inputs["o0"].node == 4


def test_sleep_passes_at_once_locally_saying_it_mock_sleeps(monkeypatch):
    _, stdout = _answering(monkeypatch, "")
    assert wf_sleep() == 10
    assert stdout.getvalue() == "Mock sleeping for 0:00:10\n"
    gate = wf_sleep.spec.tasks["sleep-gate"].entity
    assert isinstance(gate, Gate) and gate.seconds == 10
    assert wf_sleep.spec.nodes[1].after == (0,)


def test_a_bool_gate_is_true_whatever_line_is_entered(monkeypatch):
    _answering(monkeypatch, "no\n")
    assert wait_for_input("ok", timedelta(minutes=1), bool) is True


def test_an_entry_that_is_not_a_number_fails_as_flytekit_parses_it(monkeypatch):
    _answering(monkeypatch, "three\n")
    with pytest.raises(ValueError, match="invalid literal for int"):
        wait_for_input("count", timedelta(minutes=1), int)


def test_answering_n_to_an_approval_fails_with_flytekits_disapproval(monkeypatch):
    _answering(monkeypatch, "\n3\nn\n")
    with pytest.raises(DisapprovalError, match="not approve the transaction for gate node approvalfory") as e:
        signals(a=5)
    assert isinstance(e.value, AssertionError)


def test_the_approval_prompt_shows_the_value(monkeypatch):
    _, stdout = _answering(monkeypatch, "\n")
    assert approve(41, "check", timedelta(minutes=1)) == 41
    assert "Pausing execution for check, literal value is:\n\n41\napprove [Y/n]: \n" in stdout.getvalue()


def test_approving_a_call_that_returns_nothing_is_refused_as_in_flytekit():
    with pytest.raises(ValueError, match="You can't use approval on a task that doesn't return anything"):

        @workflow
        def wf() -> None:
            approve(nothing(), "empty", timeout=timedelta(hours=1))


def test_a_type_nobody_can_enter_is_refused_naming_the_gate():
    with pytest.raises(TypeError, match=r"wait_for_input\('pick'\): expected_type List\[int\] cannot be"):

        @workflow
        def wf() -> typing.List[int]:
            return wait_for_input("pick", timedelta(hours=1), typing.List[int])


def test_a_timeout_that_is_not_a_timedelta_is_refused_naming_the_gate():
    with pytest.raises(TypeError, match="gate 'late': timeout must be a datetime.timedelta, got int"):

        @workflow
        def wf() -> int:
            return wait_for_input("late", 3600, int)  # type: ignore[arg-type]


def test_an_entered_value_of_the_wrong_type_names_gate_expected_and_actual():
    gate = signals.spec.tasks["my-signal-name-2"].entity
    assert isinstance(gate, Gate)
    assert gate.check_entered(7) == 7
    with pytest.raises(TypeMismatchError, match=r"my-signal-name-2: input 'o0' expects int, got str \('7'"):
        gate.check_entered("7")


def test_a_spec_with_gates_round_trips_with_the_approval_typed_from_its_input():
    text = dump_spec(signals.spec)
    back = load_spec(text)
    assert dump_spec(back) == text
    approval = back.tasks["approvalfory"].entity
    assert isinstance(approval, Gate) and approval.interface.outputs["o0"].tp is int
    assert back.tasks["my-signal-name-2"].entity.interface.outputs["o0"].tp is int


@pytest.mark.parametrize(
    ("field", "value"),
    [("type", "builtins.list"), ("seconds", -1.0), ("gate", "shell")],
)
def test_a_forged_gate_entry_is_refused(field, value):
    data = spec_dict(signals.spec)
    data["tasks"]["my-signal-name-2"]["gate"][field] = value
    with pytest.raises(SpecError):
        load_spec(resign(data))


def test_gate_settings_are_written_in_the_spec():
    entry = json.loads(dump_spec(signals.spec))["tasks"]["my-signal-name-2"]
    assert entry["kind"] == "gate"
    assert entry["gate"] == {"gate": "input", "name": "my-signal-name-2", "seconds": 7200.0, "type": "int"}
