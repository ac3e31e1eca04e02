"""Conditions: what comparing a promise builds while a graph is traced.

``p <= 5`` cannot be a bool before the graph runs, so it is a ``Condition``; ``a & b`` and
``a | b`` join two of them (Python's ``and``/``or`` cannot be overloaded, so they are refused by
the same truth-value check). ``conditional(...)`` turns them into data for its decide node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from airflow_dynflow.core import errors

__all__ = ["JOINS", "Condition"]

JOINS = ("&", "|")


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Condition:
    """``left <op> right``: a comparison (``op`` is ``==``, ``<`` ...; one side is a promise, the
    other a promise or a constant), or two conditions joined by ``&`` or ``|``."""

    op: str
    left: Any
    right: Any

    def __and__(self, other: Any) -> Condition:
        return Condition("&", self, _condition(other, "&"))

    def __or__(self, other: Any) -> Condition:
        return Condition("|", self, _condition(other, "|"))

    def __bool__(self) -> bool:
        raise errors.condition_truth(repr(self))

    def __repr__(self) -> str:
        return f"({self.left!r} {self.op} {self.right!r})"


def _condition(value: Any, op: str) -> Condition:
    if isinstance(value, Condition):
        return value
    raise errors.condition_operand(op, value)
