"""Conditions: what comparing a promise builds while a graph is traced.

``p <= 5`` cannot be a bool before the graph runs, so it is a ``Comparison``; ``a & b`` and
``a | b`` join two of them (Python's ``and``/``or`` cannot be overloaded, so they are refused by
the same truth-value check). ``conditional(...)`` turns them into data for its decide node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from airflow_dynflow.core import errors

__all__ = ["Comparison", "Conjunction"]


class _Condition:
    """What every condition offers: joining with ``&``/``|``, and no truth value."""

    __slots__ = ()

    def __and__(self, other: Any) -> Conjunction:
        return Conjunction("&", self, _condition(other, "&"))

    def __or__(self, other: Any) -> Conjunction:
        return Conjunction("|", self, _condition(other, "|"))

    def __bool__(self) -> bool:
        raise errors.condition_truth(repr(self))


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Comparison(_Condition):
    """``promise <op> other``; ``other`` is a promise or a constant (None, bool, int, float, str)."""

    op: str
    left: Any
    right: Any

    def __repr__(self) -> str:
        return f"({self.left!r} {self.op} {self.right!r})"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Conjunction(_Condition):
    """``a & b`` or ``a | b`` of two conditions."""

    op: str
    left: _Condition
    right: _Condition

    def __repr__(self) -> str:
        return f"({self.left!r} {self.op} {self.right!r})"


def _condition(value: Any, op: str) -> _Condition:
    if isinstance(value, _Condition):
        return value
    raise errors.condition_operand(op, value)
