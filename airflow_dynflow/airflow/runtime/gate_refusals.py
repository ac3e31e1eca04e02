"""Where a gate inside a ``@dynamic`` cannot run on Airflow, refused before any of its nodes runs.

A gate node of a dynamic makes its own human-in-the-loop request (``runtime.gate_requests``), which
needs a task instance of its own: one request per task instance, listed in "Required Actions" by
its map index. So a dynamic that packs several nodes into one instance (``nodes_per_instance``, or
more nodes than ``[core] max_map_length``) may not hold a gate, and neither may a dynamic that runs
in-line inside another's instance. Kept apart from ``gate_requests`` so that compile tasks never
import the human-in-the-loop provider.
"""

from __future__ import annotations

from airflow_dynflow.airflow import errors
from airflow_dynflow.core.spec import Spec

__all__ = ["refuse_gates_in_line", "refuse_packed_gates"]


def _gates(spec: Spec) -> list[str]:
    return [entry.entity.name for entry in spec.tasks.values() if entry.kind == "gate"]


def refuse_packed_gates(spec: Spec, batch: int) -> None:
    """Refused when the dynamic compiles into instances of ``batch`` nodes each."""
    gates = _gates(spec)
    if gates and batch > 1:
        raise errors.gate_in_packed_dynamic(spec.name, gates, batch)


def refuse_gates_in_line(spec: Spec) -> None:
    """Refused when a nested dynamic runs in-line (under ``dag.test()``, or in a packed instance)."""
    gates = _gates(spec)
    if gates:
        raise errors.gate_in_line(spec.name, gates)
