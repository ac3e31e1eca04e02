"""Every user-facing error, built in one place.

Messages read like Python's own (``f() missing required argument 'x'``) and always name the entity,
the argument and, where there is one, the fix. Keeping the wording here means one misuse never gets
two different messages or two different exception types in two code paths.
"""

from __future__ import annotations

import typing
from typing import Any

__all__ = [
    "InterfaceError",
    "PromiseError",
    "SpecError",
    "TypeMismatchError",
    "add_node_path",
]


class PromiseError(TypeError, ValueError):
    """A promise was used as if it held a value.

    It subclasses both TypeError and ValueError because Python raises either for the operations users
    try on it (``len``, ``int``, ``bool`` ...), and an ``except`` clause written for the real value should
    still catch the mistake.
    """


class TypeMismatchError(TypeError):
    """A value, or a promise's declared type, does not fit the declared type of an input or output."""


class InterfaceError(TypeError):
    """A decorated function cannot be a typed entity (missing annotations, ``*args`` ...)."""


class SpecError(ValueError):
    """A graph spec is malformed, was tampered with, or refers to tasks that no longer match it."""


def type_name(tp: Any) -> str:
    """A short readable name for a type annotation: ``List[int]``, not ``typing.List[int]``."""
    if tp is type(None):
        return "None"
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__qualname__
    text = repr(tp)
    return text.replace("typing.", "").replace("collections.abc.", "")


def missing_argument(entity: str, name: str) -> TypeError:
    return TypeError(f"{entity}() missing required argument '{name}'")


def unexpected_argument(entity: str, name: str, allowed: typing.Iterable[str]) -> TypeError:
    names = ", ".join(allowed) or "none"
    return TypeError(f"{entity}() got an unexpected keyword argument '{name}' (its inputs are: {names})")


def duplicate_argument(entity: str, name: str) -> TypeError:
    return TypeError(f"{entity}() got multiple values for argument '{name}'")


def too_many_positional(entity: str, allowed: int, given: int) -> TypeError:
    return TypeError(f"{entity}() takes {allowed} positional arguments but {given} were given")


def type_mismatch(
    entity: str, role: str, name: str, expected: Any, actual: str, detail: str = ""
) -> TypeMismatchError:
    """``role`` is "input" or "output"; ``actual`` is already a readable type (or value) description."""
    suffix = f": {detail}" if detail else ""
    return TypeMismatchError(f"{entity}: {role} '{name}' expects {type_name(expected)}, got {actual}{suffix}")


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


def bad_signature(entity: str, problem: str) -> InterfaceError:
    return InterfaceError(f"{entity}: {problem}")


def add_node_path(exc: BaseException, frame: str) -> None:
    """Prepend ``frame`` to the node path carried by ``exc`` and keep a note that shows it.

    The original exception type is kept (callers re-raise the same object), so ``except ValueError``
    still works around a dynamic; the note tells which generated node failed, e.g.
    ``count_characters -> update_list[n7]``.
    """
    path = (frame, *getattr(exc, "dynflow_path", ()))
    exc.dynflow_path = path  # type: ignore[attr-defined]
    note = "dynflow node path: " + " -> ".join(path)
    notes = getattr(exc, "__notes__", None)
    if notes:
        for i, old in enumerate(notes):
            if old.startswith("dynflow node path: "):
                notes[i] = note
                return
    exc.add_note(note)
