"""Gates inside a ``@dynamic`` on Airflow: refused when the dynamic compiles.

A static workflow's gates are the standard provider's human-in-the-loop operators
(``operators.gates``). A generated node has no such request of its own yet, so a dynamic whose body
calls a gate is refused before any of its nodes runs, naming the gates and what to do instead. Kept
apart from ``operators.gates`` so that generated-node task processes never import the HITL provider.
"""

from __future__ import annotations

from airflow_dynflow.airflow import errors
from airflow_dynflow.core.spec import Spec

__all__ = ["refuse_gates_in_dynamic"]


def refuse_gates_in_dynamic(spec: Spec) -> None:
    gates = [entry.entity.name for entry in spec.tasks.values() if entry.kind == "gate"]
    if gates:
        raise errors.gate_in_dynamic(spec.name, gates)
