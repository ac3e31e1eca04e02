"""Calling an entity: arguments, promises, ordering, and the signatures that make entities."""

from __future__ import annotations

import typing
from typing import Any

from airflow_dynflow.core.errors.family import (
    DynflowAttributeError,
    DynflowTypeError,
    InterfaceError,
    PromiseError,
    SpecError,
    TypeMismatchError,
    type_name,
)

__all__ = [
    "duplicate_argument",
    "hash_method_not_callable",
    "missing_argument",
    "not_a_result_tuple",
    "order_cycle",
    "order_needs_calls",
    "order_on_input",
    "override_on_input",
    "override_on_known",
    "promise_bad_key",
    "promise_from_other_body",
    "promise_immutable",
    "promise_misuse",
    "promise_type_mismatch",
    "promise_unresolvable",
    "too_many_positional",
    "type_mismatch",
    "unannotated",
    "unexpected_argument",
    "unresolvable_annotation",
    "variadic_input",
    "void_promise_mismatch",
    "void_promise_used",
]


def missing_argument(entity: str, name: str) -> DynflowTypeError:
    return DynflowTypeError(f"{entity}() missing required argument '{name}'")


def unexpected_argument(entity: str, name: str, allowed: typing.Iterable[str]) -> DynflowTypeError:
    names = ", ".join(allowed) or "none"
    return DynflowTypeError(
        f"{entity}() got an unexpected keyword argument '{name}' (its inputs are: {names})"
    )


def duplicate_argument(entity: str, name: str) -> DynflowTypeError:
    return DynflowTypeError(f"{entity}() got multiple values for argument '{name}'")


def too_many_positional(entity: str, allowed: int, given: int) -> DynflowTypeError:
    return DynflowTypeError(f"{entity}() takes {allowed} positional arguments but {given} were given")


def type_mismatch(
    entity: str, role: str, name: str, expected: Any, actual: str, detail: str = ""
) -> TypeMismatchError:
    """``role`` is "input" or "output"; ``actual`` is already a readable type (or value) description."""
    suffix = f": {detail}" if detail else ""
    return TypeMismatchError(f"{entity}: {role} '{name}' expects {type_name(expected)}, got {actual}{suffix}")


def not_a_result_tuple(entity: str, expected: Any, actual: str, count: int) -> TypeMismatchError:
    return type_mismatch(entity, "output", "return", expected, actual, f"expected a tuple of {count} values")


def promise_misuse(entity: str, output: str, operation: str) -> PromiseError:
    return PromiseError(
        f"cannot use {operation} on the promise of {entity}'s output '{output}': its value does not "
        "exist until the graph runs. Pass the promise to another task and do the work there "
        "(or use p[i] / p.field, which are resolved at run time)."
    )


def unannotated(entity: str, name: str) -> InterfaceError:
    return InterfaceError(
        f"{entity}: input '{name}' has no type annotation; every input of a task, workflow or dynamic "
        f"must be typed, e.g. '{name}: int'"
    )


def variadic_input(entity: str, name: str) -> InterfaceError:
    return InterfaceError(f"{entity}: '*{name}' cannot be typed as inputs; declare each input by name")


def unresolvable_annotation(entity: str, detail: Any) -> InterfaceError:
    return InterfaceError(f"{entity}: cannot resolve an annotation ({detail})")


def promise_type_mismatch(
    entity: str, role: str, name: str, expected: Any, promised: Any, source: str
) -> TypeMismatchError:
    return type_mismatch(entity, role, name, expected, f"a promise of {type_name(promised)} from {source}")


def void_promise_mismatch(entity: str, role: str, name: str, expected: Any, source: str) -> TypeMismatchError:
    return type_mismatch(entity, role, name, expected, f"the result of {source}, which returns nothing")


def promise_from_other_body(entity: str, role: str, name: str, source: str) -> PromiseError:
    return PromiseError(
        f"{entity}: {role} '{name}' got a promise of {source} from another workflow or dynamic; a "
        "promise can only be used in the body that created it"
    )


def promise_bad_key(entity: str, output: str, key: Any) -> PromiseError:
    return promise_misuse(
        entity, output, f"[{key!r}] (only int indexes and str keys are resolved at run time)"
    )


def promise_unresolvable(entity: str, output: str, key: Any, declared: Any, detail: str) -> PromiseError:
    return PromiseError(
        f"cannot resolve {key!r} on the promise of {entity}'s output '{output}' "
        f"({type_name(declared)}): {detail}"
    )


def void_promise_used(entity: str, operation: str) -> PromiseError:
    return PromiseError(
        f"cannot use {operation} on the result of {entity}: it returns nothing; "
        "use it only to order calls with '>>'"
    )


def promise_immutable() -> DynflowAttributeError:
    return DynflowAttributeError("a Promise is immutable")


def override_on_input(source: str) -> PromiseError:
    return PromiseError(f"with_overrides applies to task calls, not to the input {source}")


def override_on_known(source: str, output: str) -> PromiseError:
    return PromiseError(
        f"with_overrides applies to task calls; output '{output}' of {source} is a constant its body "
        "returns, which no task computes"
    )


def order_needs_calls(value: Any) -> PromiseError:
    return PromiseError(f"'>>' orders task calls; got {type(value).__qualname__}")


def order_on_input() -> PromiseError:
    return PromiseError("'>>' orders task calls; a workflow input is not a call")


def order_cycle(entity: str, stuck: typing.Iterable[tuple[str, int]]) -> SpecError:
    """``stuck`` holds (task, node index) of every node the cycle leaves waiting."""
    names = ", ".join(f"{task}[n{index}]" for task, index in stuck)
    return SpecError(f"{entity}: '>>' made a cycle between {names}")


def hash_method_not_callable(entity: str, name: str, actual: Any) -> InterfaceError:
    return InterfaceError(
        f"{entity}: output '{name}' has HashMethod({actual!r}); HashMethod takes a function of the "
        "value that returns a str"
    )
