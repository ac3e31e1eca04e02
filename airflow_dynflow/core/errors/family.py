"""The exception family: one root, and the builtin each exception also is.

A user catches everything this package raises on purpose with ``except DynflowError``, and a log reader
tells ours from Python's by the class name. Each class also subclasses the builtin Python (or flytekit)
raises for the same mistake, so ``except TypeError`` written against the plain function, or
``pytest.raises(AssertionError)`` written against flytekit, still catches it.
"""

from __future__ import annotations

import typing
from typing import Any

__all__ = [
    "CompileLimitError",
    "ConditionFailedError",
    "ConditionalError",
    "DynflowAttributeError",
    "DynflowError",
    "DynflowLookupError",
    "DynflowRuntimeError",
    "DynflowTimeoutError",
    "DynflowTypeError",
    "DynflowValueError",
    "InterfaceError",
    "InvalidValue",
    "PromiseError",
    "SpecError",
    "TypeMismatchError",
    "add_node_path",
    "type_name",
]


class DynflowError(Exception):
    """The root of every exception airflow-dynflow raises on purpose (flytekit's ``FlyteException``)."""


class DynflowTypeError(DynflowError, TypeError):
    """A call, signature or option of the wrong kind (flytekit's ``FlyteTypeException``)."""


class DynflowValueError(DynflowError, ValueError):
    """A value or setting outside what is allowed (flytekit's ``FlyteValueException``)."""


class DynflowLookupError(DynflowError, LookupError):
    """A key or index that the value it is applied to does not have."""


class DynflowTimeoutError(DynflowError, TimeoutError):
    """A call ran past its ``timeout`` (flytekit's ``FlyteTimeout``)."""


class DynflowRuntimeError(DynflowError, RuntimeError):
    """A run that went wrong as a whole, such as a map task below its ``min_success_ratio``."""


class DynflowAttributeError(DynflowError, AttributeError):
    """An attribute that cannot be set on one of our values."""


class PromiseError(DynflowTypeError, ValueError):
    """A promise was used as if it held a value.

    It subclasses both TypeError and ValueError because Python raises either for the operations users
    try on it (``len``, ``int``, ``bool`` ...), and an ``except`` clause written for the real value should
    still catch the mistake.
    """


class TypeMismatchError(DynflowTypeError, AssertionError, ValueError):
    """A value, or a promise's declared type, does not fit the declared type of an input or output.

    Also an AssertionError and a ValueError, as flytekit's ``TypeTransformerFailedError`` is (and
    flytekit raises a plain AssertionError when a promise cannot be bound), so code written against
    flytekit, ``except ValueError`` or ``pytest.raises(AssertionError)``, catches it unchanged.
    """


class InterfaceError(DynflowTypeError):
    """A decorated function cannot be a typed entity (missing annotations, ``*args`` ...)."""


class SpecError(DynflowValueError):
    """A graph spec is malformed, was tampered with, or refers to tasks that no longer match it."""


class ConditionalError(DynflowError, AssertionError):
    """A ``conditional(...)`` chain is built wrongly. An AssertionError, as flytekit raises for the
    same mistakes, so code written against flytekit catches it unchanged."""


class ConditionFailedError(DynflowValueError):
    """The ``else_().fail(message)`` case of a conditional was taken; a ValueError, as in flytekit."""


class CompileLimitError(DynflowRuntimeError):
    """Compiling a dynamic passed one of the bounds its runtime set (``tracing.CompileLimits``).

    ``limit`` is the bound's field name and ``value`` its setting, so a runtime can name the
    setting its users change.
    """

    def __init__(self, message: str, limit: str, value: float) -> None:
        super().__init__(message)
        self.limit = limit
        self.value = value


class InvalidValue(DynflowError):
    """A value does not fit a converter's type; the caller turns it into a TypeMismatchError."""


def type_name(tp: Any) -> str:
    """A short readable name for a type annotation: ``List[int]``, not ``typing.List[int]``."""
    if tp is type(None):
        return "None"
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__qualname__
    text = repr(tp)
    return text.replace("typing.", "").replace("collections.abc.", "")


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
