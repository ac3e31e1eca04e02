"""A gate's request to a person and the answer read back, on the standard provider's
human-in-the-loop operators: shared by the gate operators of a static workflow
(``operators.gate_operators``) and a gate node inside a ``@dynamic`` (``GeneratedGate``).

``wait_for_input`` is an entry form with one typed field, ``value``; ``approve`` is an approval
whose body shows the value to approve. Either is written with the provider's own code (so it shows
in the UI's "Required Actions" and answers to its REST endpoints) and waits as the provider does on
the running Airflow: deferred to ``HITLTrigger`` on 3.1 and 3.2, parked in ``awaiting_input`` on 3.3.

The entered value arrives as JSON; it is checked against the gate's type (a bool, int, float or
str, ``core.authoring.gates``) before the provider or anything else reads it, and nothing of it is ever
unpickled or imported. A gate nobody answers within its timeout fails for good, as a Flyte gate does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from airflow.providers.standard.operators.hitl import ApprovalOperator, HITLEntryOperator, HITLOperator
from airflow.providers.standard.triggers.temporal import DateTimeTrigger
from airflow.sdk import BaseOperator, Context, Param, timezone

from airflow_dynflow.airflow import errors
from airflow_dynflow.airflow.runtime.log_lines import shown
from airflow_dynflow.core import errors as core_errors
from airflow_dynflow.core.authoring.gates import Gate

__all__ = [
    "VALUE",
    "GeneratedGate",
    "answered",
    "approval_body",
    "approval_form",
    "approved_by",
    "entered_value",
    "entry_form",
    "refuse_error_event",
    "sleep",
]

# The one field of a wait_for_input gate's form.
VALUE = "value"


def entry_form(gate: Gate, workflow: str) -> dict[str, Any]:
    """The ``HITLEntryOperator`` arguments of a ``wait_for_input`` gate.

    Its one field is empty at first: a task's params need a default (the task runner checks them
    when the task starts), and an empty answer is refused by the type check, not taken. No default
    answer either: an unanswered gate fails at its timeout instead of going on with one."""
    entered = gate.interface.outputs["o0"]
    kind = entered.converter.schema()["type"]
    return {
        "subject": f"{gate.name}: enter a value",
        "body": f"The workflow {workflow} waits for a {entered.tp.__name__} named {gate.name}.",
        "params": {VALUE: Param(None, title=gate.name, type=[kind, "null"])},
        "defaults": None,
        "response_timeout": timedelta(seconds=gate.seconds),
    }


def approval_form(gate: Gate) -> dict[str, Any]:
    """The ``ApprovalOperator`` arguments of an ``approve`` gate; its body is written once the value
    to approve is known (``approval_body``)."""
    return {"subject": f"{gate.name}: approve", "response_timeout": timedelta(seconds=gate.seconds)}


def approval_body(workflow: str, value: Any) -> str:
    return f"The workflow {workflow} waits for approval of:\n\n`{shown(value)}`"


def sleep(op: BaseOperator, gate: Gate) -> None:
    """Defer ``op`` until the sleep's duration has passed: the wait holds no worker slot. Never
    returns; the task resumes in ``execute_complete``."""
    moment = timezone.utcnow() + timedelta(seconds=gate.seconds)
    op.defer(trigger=DateTimeTrigger(moment=moment), method_name="execute_complete")


def refuse_error_event(gate: Gate, event: Mapping[str, Any]) -> None:
    """Our errors for the provider's error events that a user needs named: a timeout, and an entry
    that Airflow 3.1 and 3.2 refused in the triggerer (which sends only the reason). Others are
    the provider's to raise."""
    kind = event.get("error_type")
    if kind == "timeout":
        raise errors.gate_timed_out(gate.name, gate.seconds)
    if kind == "validation" and gate.gate == "input":
        raise errors.gate_entry_refused(gate.name, gate.expected_type, event.get("error", ""))


def entered_value(gate: Gate, event: Mapping[str, Any]) -> Any:
    """The value a person entered, checked before anything reads it: our type error, never a decode."""
    params_input = event.get("params_input") or {}
    if VALUE not in params_input:
        raise errors.gate_no_value(gate.name, params_input)
    return gate.check_entered(params_input[VALUE])


def approved_by(gate: Gate, answer: Mapping[str, Any]) -> str:
    """Who approved; a rejection fails the gate with flytekit's message and the person's name."""
    by = str(answer["responded_by_user"]["name"])
    if answer["chosen_options"] != [ApprovalOperator.APPROVE]:
        raise errors.gate_not_approved(str(core_errors.not_approved(gate.name)), by)
    return by


def answered(
    gate: Gate,
    request: HITLOperator,
    context: Context,
    event: Mapping[str, Any],
    inputs: Mapping[str, Any],
    op: BaseOperator,
) -> dict[str, Any]:
    """A human gate's outputs from the answer ``request`` waited for: our checks first (a timeout,
    a refused or mistyped entry, a rejection), then the provider's. ``request`` is the static gate
    operator itself, or a generated node's throwaway one; ``inputs`` are an approve gate's value;
    ``op`` is the task whose log says what was entered or who approved."""
    refuse_error_event(gate, event)
    if gate.gate == "input":
        value = entered_value(gate, event) if "error" not in event else None
        HITLOperator.execute_complete(request, context, dict(event))
        op.log.info("%s: %s entered", gate.name, shown(value))
        return {"o0": value}
    answer = HITLOperator.execute_complete(request, context, dict(event))
    op.log.info("%s: approved by %s", gate.name, approved_by(gate, answer))
    return dict(inputs)


class GeneratedGate:
    """A gate node of a ``@dynamic``, alone in its generated-node instance: the instance makes the
    gate's request itself (a throwaway provider operator writes it under the instance's own task
    instance id, so "Required Actions" lists it with its map index) and waits as the provider does.
    The answer comes back to the instance's ``execute_complete``, which hands it to ``answer``."""

    def __init__(self, gate: Gate, dynamic: str, task_id: str) -> None:
        self.gate = gate
        self.dynamic = dynamic
        self.task_id = task_id

    def ask(self, op: BaseOperator, context: Context, inputs: Mapping[str, Any]) -> None:
        """Write the request and wait, or sleep: never returns, it raises the deferral (or on 3.3
        the provider's park) that ends this try until the answer or the time comes."""
        if self.gate.gate == "sleep":
            sleep(op, self.gate)
        self._request(inputs).execute(context)

    def answer(
        self, op: BaseOperator, context: Context, event: Any, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The gate node's outputs from the answer (a sleep's event is its trigger's moment), once our
        checks and the provider's passed."""
        if self.gate.gate == "sleep":
            return {}
        return answered(self.gate, self._request(inputs), context, event, inputs, op)

    def _request(self, inputs: Mapping[str, Any]) -> HITLOperator:
        if self.gate.gate == "input":
            return HITLEntryOperator(task_id=self.task_id, **entry_form(self.gate, self.dynamic))
        (value,) = inputs.values()
        return ApprovalOperator(
            task_id=self.task_id, body=approval_body(self.dynamic, value), **approval_form(self.gate)
        )
