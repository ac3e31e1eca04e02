"""Promise: the value a task call returns while a graph is being traced.

Inside a ``@workflow`` body (parse time) or a compiling ``@dynamic`` body (run time) nothing has run
yet, so a task call cannot return its result. It returns a Promise instead: an immutable reference
to one output of one node, optionally narrowed by an index/attribute path (``p[0]``, ``p["k"]``,
``p.field``) that the runner resolves once the value exists. Anything that needs the value itself
(truth, arithmetic, ``len``, iteration, formatting) raises ``PromiseError`` at once, naming the task
and the fix, instead of silently building the wrong graph. Comparisons (``==``, ``<`` ...) build
conditions for ``conditional(...)``, whose own truth value is refused the same way.

A sub-workflow called in a body is inlined, and its body may return a constant: that output is then
a promise of a ``Known`` value, passed on as that constant, so the call behaves like any other
(flytekit's sub-workflow call is a node, and always gives promises).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from airflow_dynflow.core import errors
from airflow_dynflow.core.authoring.comparisons import Condition
from airflow_dynflow.core.conversion.type_relations import member_type
from airflow_dynflow.core.spec import Const, Ref, walk_path

if TYPE_CHECKING:
    from datetime import timedelta

    from airflow_dynflow.core.authoring.tracing import Trace
    from airflow_dynflow.core.resources import Resources

__all__ = ["Known", "Promise", "call_result"]


@dataclass(frozen=True, slots=True)
class Known:
    """What a promise refers to when its value was known while tracing: output ``output`` of an
    inlined sub-workflow whose body returned a constant. No node computes it, so wherever the
    promise is used it is bound as ``const`` (narrowed by ``path``, which is kept for messages)."""

    output: str
    const: Const
    path: tuple[str | int, ...] = ()


def _comparison(op: str) -> Any:
    def compare(self: Promise, other: Any) -> Any:
        self._require_value(f"'{op}'")
        return Condition(op, self, other)

    compare.__name__ = f"compare {op}"
    return compare


def _refused(operation: str) -> Any:
    def refuse(self: Promise, *_: Any) -> Any:
        raise self._misuse(operation)

    refuse.__name__ = f"refuse {operation}"
    return refuse


class Promise:
    """A reference to a node output that will exist when the graph runs."""

    __slots__ = ("_ref", "_source", "_span", "_trace", "_type")

    _ref: Ref | Known
    _type: Any
    _source: str
    _trace: Trace
    _span: tuple[int, ...]

    def __init__(
        self, ref: Ref | Known, tp: Any, source: str, trace: Trace, span: tuple[int, ...] = ()
    ) -> None:
        """``span``: for a sub-workflow's void or ``Known`` result, every node it added, which ``>>``
        orders."""
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_type", tp)
        object.__setattr__(self, "_source", source)
        object.__setattr__(self, "_trace", trace)
        object.__setattr__(self, "_span", span)

    def __repr__(self) -> str:
        path = "".join(f"[{k!r}]" for k in self._ref.path)
        return f"Promise({self._source}.{self._ref.output}{path}: {errors.type_name(self._type)})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise errors.promise_immutable()

    def __getitem__(self, key: Any) -> Promise:
        if not isinstance(key, (int, str)) or isinstance(key, bool):
            raise errors.promise_bad_key(self._source, self._ref.output or "(none)", key)
        return self._narrow(key)

    def __getattr__(self, name: str) -> Promise:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._narrow(name)

    def _narrow(self, key: str | int) -> Promise:
        self._require_value("indexing")
        ref = self._ref
        try:
            tp = member_type(self._type, key)
            path = (*ref.path, key)
            if isinstance(ref, Known):
                narrowed: Ref | Known = Known(ref.output, Const(walk_path(ref.const.value, (key,))), path)
            else:
                narrowed = Ref(ref.node, ref.output, path)
        except (LookupError, AttributeError) as exc:
            raise errors.promise_unresolvable(self._source, ref.output, key, self._type, str(exc)) from None
        return Promise(narrowed, tp, self._source, self._trace, self._span)

    def with_overrides(
        self,
        *,
        retries: int | None = None,
        timeout: float | timedelta | None = None,
        name: str | None = None,
        requests: Resources | None = None,
        limits: Resources | None = None,
        **airflow_options: Any,
    ) -> Promise:
        """Override the options of the node that produces this promise, for that node only."""
        if isinstance(self._ref, Known):
            raise errors.override_on_known(self._source, self._ref.output)
        self._trace.override(
            self._ref.node,
            self._source,
            retries=retries,
            timeout=timeout,
            name=name,
            requests=requests,
            limits=limits,
            **airflow_options,
        )
        return self

    def __rshift__(self, other: Any) -> Any:
        """``a >> b`` runs b after a even though no data flows between them; returns b."""
        self._trace.order(self, other)
        return other

    def is_true(self) -> Any:
        """A condition for ``conditional(...).if_``: this boolean promise is True."""
        return self == True  # noqa: E712 - builds a Condition, not a Python bool

    def is_false(self) -> Any:
        """A condition for ``conditional(...).if_``: this boolean promise is False."""
        return self == False  # noqa: E712

    def is_none(self) -> Any:
        """A condition for ``conditional(...).if_``: this optional promise is None."""
        return self == None  # noqa: E711

    def _require_value(self, operation: str) -> None:
        if isinstance(self._ref, Ref) and not self._ref.output:
            raise errors.void_promise_used(self._source, operation)

    def _misuse(self, operation: str) -> errors.PromiseError:
        return errors.promise_misuse(self._source, self._ref.output or "(none)", operation)

    __hash__ = object.__hash__
    __bool__ = _refused("truth value (if/while/and/or/not)")
    __len__ = _refused("len()")
    __iter__ = _refused("iteration or unpacking")
    __contains__ = _refused("'in'")
    __int__ = _refused("int()")
    __float__ = _refused("float()")
    __complex__ = _refused("complex()")
    __index__ = _refused("use as an index")
    __round__ = _refused("round()")
    __format__ = _refused("formatting (f-string or format())")
    # Comparisons build conditions for conditional(...).if_; their truth value is still refused.
    __eq__ = _comparison("==")
    __ne__ = _comparison("!=")
    __lt__ = _comparison("<")
    __le__ = _comparison("<=")
    __gt__ = _comparison(">")
    __ge__ = _comparison(">=")
    __neg__ = _refused("unary '-'")
    __pos__ = _refused("unary '+'")
    __abs__ = _refused("abs()")
    __invert__ = _refused("'~'")
    __add__ = __radd__ = _refused("'+'")
    __sub__ = __rsub__ = _refused("'-'")
    __mul__ = __rmul__ = _refused("'*'")
    __matmul__ = __rmatmul__ = _refused("'@'")
    __truediv__ = __rtruediv__ = _refused("'/'")
    __floordiv__ = __rfloordiv__ = _refused("'//'")
    __mod__ = __rmod__ = _refused("'%'")
    __pow__ = __rpow__ = _refused("'**'")
    __and__ = __rand__ = _refused("'&'")
    __or__ = __ror__ = _refused("'|'")
    __xor__ = __rxor__ = _refused("'^'")
    __lshift__ = __rlshift__ = _refused("'<<'")
    __rrshift__ = _refused("'>>' with a plain value on the left")


def call_result(output_tuple: type | None, values: Sequence[Any]) -> Any:
    """What a call returns while tracing: its one promise, or its NamedTuple of promises.

    The tuple's class is a subclass of the call's own (the user's NamedTuple, or
    ``DefaultNamedTupleOutput``), so it unpacks, prints and passes ``isinstance`` as that class does;
    like the tuple flytekit returns, it also takes ``with_overrides`` and ``>>``, so that
    ``x, y = t(a=a).with_overrides(retries=2)`` works.
    """
    if output_tuple is None:
        (value,) = values
        return value
    return _promise_tuple(output_tuple)(*values)


class _CallOutputs(tuple[Any, ...]):
    """What a tuple of one call's promises can do besides being a tuple."""

    __slots__ = ()

    def with_overrides(self, **options: Any) -> Self:
        """Override the options of the node that gives these outputs (one call, so one node: the
        first output's, as flytekit's tuple does)."""
        self[0].with_overrides(**options)
        return self

    def __rshift__(self, other: Any) -> Any:
        """``t() >> b``: b waits for the call; returns b."""
        self[0]._trace.order(self, other)
        return other


@functools.lru_cache(maxsize=128)
def _promise_tuple(output_tuple: type) -> type:
    """One subclass per output class, not one per call (calls are traced by the thousand in a
    dynamic); bounded, because a conditional makes a new output class each time it is traced."""
    return type(output_tuple.__name__, (output_tuple, _CallOutputs), {"__slots__": ()})
