"""Gates on Airflow: a human-in-the-loop request nobody answered, rejected or left empty, and gates
inside a dynamic where no task instance of their own can ask."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from airflow_dynflow.airflow.compat import AirflowFailException
from airflow_dynflow.core.errors import DynflowError, TypeMismatchError, type_mismatch

__all__ = [
    "GateFailedError",
    "gate_entry_refused",
    "gate_in_line",
    "gate_in_packed_dynamic",
    "gate_no_value",
    "gate_not_approved",
    "gate_timed_out",
]


class GateFailedError(DynflowError, AirflowFailException):
    """A gate that timed out, was rejected or got no value fails for good: a retry would ask again
    only after the same wait, which "Clear" on the task asks for explicitly."""


def gate_timed_out(gate: str, seconds: float) -> GateFailedError:
    """A gate nobody answered in time fails for good, as a Flyte gate node past its timeout does."""
    return GateFailedError(
        f"gate {gate!r} timed out: nobody answered within {timedelta(seconds=seconds)} (its timeout=); "
        "clear the task to ask again"
    )


def gate_not_approved(message: str, by: str) -> GateFailedError:
    return GateFailedError(f"{message} (rejected by {by} in Airflow's Required Actions)")


def gate_no_value(gate: str, params_input: object) -> GateFailedError:
    return GateFailedError(
        f"gate {gate!r}: the response holds no entered value (params_input={params_input!r}); "
        "clear the task to ask again"
    )


def gate_in_packed_dynamic(dynamic: str, gates: Iterable[str], batch: int) -> GateFailedError:
    """Refused when the dynamic compiles, before any of its nodes runs: each gate needs a task
    instance of its own for its request in "Required Actions"."""
    names = ", ".join(repr(g) for g in gates)
    return GateFailedError(
        f"{dynamic}: the gate(s) {names} need a task instance each, but this dynamic runs {batch} nodes "
        "per task instance (its nodes_per_instance=, or more nodes than [core] max_map_length). Leave "
        "nodes_per_instance at 1, or call approve/wait_for_input/sleep in the @workflow that calls the "
        "dynamic and pass the value in as an input"
    )


def gate_in_line(dynamic: str, gates: Iterable[str]) -> GateFailedError:
    """A nested dynamic that runs in-line, inside its caller's task instance, has no instance of its
    own for a gate's request, and would wait on a worker's closed stdin."""
    names = ", ".join(repr(g) for g in gates)
    return GateFailedError(
        f"{dynamic}: the gate(s) {names} are in a nested @dynamic that runs in-line here (under "
        "`airflow dags test`, or in a task instance that runs several nodes), where a gate cannot ask "
        "anyone. Run the DAG under a scheduler, or call the gate in the outer dynamic"
    )


def gate_entry_refused(gate: str, expected: object, detail: str) -> TypeMismatchError:
    """Airflow 3.1 and 3.2 check an entry against the form's schema in the triggerer and send only
    the reason: the same TypeMismatchError as a check of our own, with that reason as what it got."""
    return type_mismatch(gate, "input", "o0", expected, f"an entry the form's check refused ({detail})")
