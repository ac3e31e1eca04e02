"""Gates: ``approve``, ``wait_for_input`` and ``sleep``, worded as flytekit's local execution words them."""

from __future__ import annotations

import typing
from typing import Any

from airflow_dynflow.core.errors.family import (
    DynflowError,
    DynflowTypeError,
    DynflowValueError,
    InterfaceError,
    SpecError,
    type_name,
)

__all__ = [
    "DisapprovalError",
    "approve_nothing",
    "gate_not_a_timedelta",
    "gate_type_not_enterable",
    "not_approved",
    "spec_bad_gate",
]


class DisapprovalError(DynflowError, AssertionError):
    """A person rejected an ``approve(...)`` gate. An AssertionError, as flytekit's
    ``FlyteDisapprovalException`` is (a ``FlyteAssertion``), so code written against flytekit catches it."""


def gate_not_a_timedelta(gate: str, argument: str, value: Any) -> DynflowTypeError:
    return DynflowTypeError(
        f"gate {gate!r}: {argument} must be a datetime.timedelta, got {type(value).__qualname__} "
        f"({value!r}); e.g. {argument}=timedelta(hours=1)"
    )


def gate_type_not_enterable(gate: str, expected: Any, names: typing.Iterable[str]) -> InterfaceError:
    return InterfaceError(
        f"wait_for_input({gate!r}): expected_type {type_name(expected)} cannot be entered; a gate's "
        f"value is one of {', '.join(names)} (what flytekit's local prompt parses and Airflow's Required "
        "Actions form enters). Enter one of these and build the richer value in a task."
    )


def approve_nothing() -> DynflowValueError:
    return DynflowValueError("You can't use approval on a task that doesn't return anything.")


def not_approved(gate: str) -> DisapprovalError:
    return DisapprovalError(f"User did not approve the transaction for gate node {gate}")


def spec_bad_gate(key: str, field: str, value: Any) -> SpecError:
    return SpecError(
        f"task {key!r}: a gate entry with {field}={value!r} cannot be read; the spec was not written by "
        "dynflow"
    )
