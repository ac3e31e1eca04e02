"""What a running call reads from ``current_context()`` and the entities it refers to: secrets it
did not request or that nobody provided, decks that are not text, references to nothing."""

from __future__ import annotations

import typing
from typing import Any

from airflow_dynflow.core.errors.family import DynflowTypeError, DynflowValueError, InterfaceError, type_name

__all__ = [
    "bad_secret_requests",
    "deck_not_text",
    "reference_interface_mismatch",
    "reference_not_found",
    "reference_wrong_kind",
    "secret_not_found",
    "secret_not_requested",
    "secret_without_name",
]


def secret_without_name() -> DynflowValueError:
    return DynflowValueError("a secret needs a group or a key (or both): Secret(group='db', key='password')")


def bad_secret_requests(entity: str, given: Any) -> DynflowTypeError:
    return DynflowTypeError(
        f"{entity}: secret_requests takes a list of Secret(group=..., key=...), got {type(given).__name__}"
    )


def secret_not_requested(entity: str, group: str | None, key: str | None) -> DynflowValueError:
    return DynflowValueError(
        f"{entity}: secret (group={group!r}, key={key!r}) was not requested; add "
        f"secret_requests=[Secret(group={group!r}, key={key!r})] to its @task: requesting is what grants"
    )


def secret_not_found(entity: str, group: str | None, key: str | None, where: str) -> DynflowValueError:
    return DynflowValueError(
        f"{entity}: no value for the secret (group={group!r}, key={key!r}); provide it as {where}"
    )


def deck_not_text(name: Any, html: Any) -> DynflowTypeError:
    return DynflowTypeError(
        f"Deck({name!r}, ...): a deck's name and HTML are str, got {type(name).__name__} and "
        f"{type(html).__name__}"
    )


def reference_not_found(kind: str, name: str, cause: BaseException | None = None) -> DynflowValueError:
    """``cause``: why the dotted path did not import (None: ``name`` is not a dotted path at all)."""
    why = "it is not a dotted path" if cause is None else f"{type(cause).__name__}: {cause}"
    return DynflowValueError(
        f"{kind}(name={name!r}): nothing to refer to ({why}). Here a reference names installed code: "
        "the dotted path 'package.module.entity' of an importable module (for a launch plan, also the "
        "name given to LaunchPlan.get_or_create); or import the entity and call it"
    )


def reference_wrong_kind(kind: str, name: str, found: Any) -> DynflowTypeError:
    expected = "a @task or @dynamic" if kind == "reference_task" else "a LaunchPlan or @workflow"
    return DynflowTypeError(
        f"{kind}(name={name!r}): {expected} was expected there, found {type(found).__name__}"
    )


def reference_interface_mismatch(
    kind: str, name: str, differences: typing.Sequence[tuple[str, str, Any, Any]]
) -> InterfaceError:
    def shown(tp: Any) -> str:
        if isinstance(tp, list):
            return "(" + ", ".join(map(type_name, tp)) + ")"
        return "absent" if tp is None else type_name(tp)

    said = "; ".join(
        f"{role} {n + ' ' if n else ''}declared {shown(ours)}, is {shown(theirs)}"
        for role, n, ours, theirs in differences
    )
    return InterfaceError(f"{kind}(name={name!r}): the decorated function's interface differs: {said}")
