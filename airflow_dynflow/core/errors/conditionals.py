"""Building ``conditional(...)`` chains and the conditions they test."""

from __future__ import annotations

from typing import Any

from airflow_dynflow.core.errors.call_errors import type_mismatch
from airflow_dynflow.core.errors.family import (
    ConditionalError,
    ConditionFailedError,
    PromiseError,
    TypeMismatchError,
    type_name,
)

__all__ = [
    "case_type_mismatch",
    "condition_constant",
    "condition_failed",
    "condition_is_a_promise",
    "condition_not_an_expression",
    "condition_operand",
    "condition_truth",
    "condition_uses_branch_promise",
    "conditional_misplaced",
    "conditional_outside_body",
    "conditional_unfinished",
    "order_across_cases",
    "promise_outside_case",
    "then_needs_promises",
]


def condition_truth(condition: str) -> PromiseError:
    return PromiseError(
        f"cannot take the truth value of the condition {condition}: it is decided when the graph "
        "runs. Use it in conditional(...).if_(...), and join conditions with '&' and '|', not "
        "'and'/'or'/'not'"
    )


def condition_operand(op: str, value: Any) -> PromiseError:
    return PromiseError(
        f"'{op}' joins two conditions (comparisons of promises, e.g. (p > 1) {op} (q < 2)); "
        f"got {type(value).__qualname__}"
    )


def conditional_outside_body(name: str) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}' can only be used inside a @workflow or @dynamic body, where task "
        "calls return promises"
    )


_PLACES = {
    "if_()": "as the first case",
    "elif_()": "after if_(...).then(...)",
    "else_()": "after if_(...).then(...)",
    "then()": "after if_(), elif_() or else_()",
    "fail()": "after else_()",
}


def conditional_misplaced(name: str, call: str) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}': {call} comes {_PLACES[call]}; a conditional reads "
        "if_(...).then(...)[.elif_(...).then(...)].else_().then(...) or .else_().fail(...)"
    )


def conditional_unfinished(name: str) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}' is never finished: end it with .else_().then(...) or "
        '.else_().fail("message") (a dangling if_ is not allowed, as in flytekit)'
    )


def condition_is_a_promise(name: str, where: str, promise: Any) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}'.{where} got the promise {promise!r} itself; compare it, e.g. "
        "p.is_true(), p.is_false(), p.is_none() or p == value"
    )


def condition_not_an_expression(name: str, where: str, value: Any) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}'.{where} takes a comparison of promises (<, <=, >, >=, ==, !=) "
        f"joined with & and |; got {type(value).__qualname__}"
    )


def condition_constant(name: str, where: str, value: Any) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}'.{where}: a condition compares promises with None, bool, int, float "
        f"or str constants; got {type(value).__qualname__}"
    )


def condition_uses_branch_promise(name: str, where: str, source: str) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}'.{where} compares a promise of {source}, made inside one of its own "
        "cases; conditions may only use promises made before the conditional"
    )


def then_needs_promises(name: str, value: Any) -> ConditionalError:
    return ConditionalError(
        f"conditional '{name}': then() takes the promise (or tuple of promises) of a call made in "
        f"the case; got {type(value).__qualname__}"
    )


def condition_failed(name: str, message: str) -> ConditionFailedError:
    return ConditionFailedError(f"{message} (conditional '{name}' took its else_().fail(...) case)")


def case_type_mismatch(name: str, output: str, expected: Any, actual: Any, source: str) -> TypeMismatchError:
    return type_mismatch(
        f"conditional '{name}'",
        "output",
        output,
        expected,
        f"a promise of {type_name(actual)} from {source} in another case",
    )


def promise_outside_case(entity: str, role: str, name: str, source: str, case: str) -> PromiseError:
    return PromiseError(
        f"{entity}: {role} '{name}' got a promise of {source}, which only exists when {case} is "
        "taken; use the result of the conditional instead"
    )


def order_across_cases(before: str, after: str, case: str) -> PromiseError:
    return PromiseError(f"'>>' cannot make {after} wait for {before}, which only runs when {case} is taken")
